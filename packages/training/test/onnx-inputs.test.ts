import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel, TrainingError, trainModel } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

describe('ONNX model inputs are checked against the table', () => {
  it('names every missing and mistyped column', async () => {
    const model = await trainModel(syntheticTable({ rows: 300, seed: 2 }), { target: 'churned', seed: 1 });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const wrong = tableFromArrays({ age: ['old', 'young'], income: Float64Array.from([1, 2]), support_calls: Int32Array.from([1, 2]), plan: ['basic', 'pro'] });
      let error: unknown;
      try {
        onnx.checkInputs(wrong);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(TrainingError);
      expect((error as TrainingError).code).toBe('HOKUSAI_MODEL_INPUT_MISMATCH');
      expect((error as TrainingError).message).toMatch(/"age" is .*Utf8.* needs numbers/);
      expect((error as TrainingError).message).toMatch(/"region" is missing/);
      await expect(onnx.predictProba(wrong)).rejects.toThrow(TrainingError);
    } finally {
      await onnx.close();
    }
  });

  it('rejects bytes that are not an ONNX model with a typed error', async () => {
    await expect(loadOnnxModel(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(TrainingError);
  });
});

describe('in-process scoring checks column types too', () => {
  it('refuses a table whose feature column changed type', async () => {
    const model = await trainModel(syntheticTable({ rows: 300, seed: 3 }), { target: 'churned', seed: 1 });
    const t = syntheticTable({ rows: 5, seed: 4 });
    const swapped = tableFromArrays({
      age: t.getChild('age')!.toArray() as Float64Array,
      income: t.getChild('income')!.toArray() as Float64Array,
      support_calls: ['1', '2', '3', '4', '5'],
      region: ['east', 'west', 'east', 'north', 'south'],
      plan: ['basic', 'pro', 'plus', 'pro', 'basic'],
    });
    expect(() => model.predictProba(swapped)).toThrow(expect.objectContaining({ code: 'HOKUSAI_MODEL_INPUT_MISMATCH' }) as Error);
  });
});
