import { tableFromArrays, type Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { encodeLabels, loadOnnxModel, scoreOverBatches, trainModel } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

async function* batchesOf(table: Table, rows: number): AsyncGenerator<Table> {
  for (let start = 0; start < table.numRows; start += rows) yield table.slice(start, Math.min(table.numRows, start + rows));
}

describe('scoring a table read in batches', () => {
  it('gives every row the scores of the whole table scored at once, and its label', async () => {
    const model = await trainModel(syntheticTable({ rows: 3000, seed: 2, nullRate: 0.05 }), { target: 'churned', seed: 1 });
    const benchmark = syntheticTable({ rows: 2500, seed: 4, nullRate: 0.05 });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const whole = await onnx.predictProba(benchmark);
      const streamed = await scoreOverBatches(onnx, batchesOf(benchmark, 700), { target: 'churned' });
      expect(streamed.rows).toBe(2500);
      expect(streamed.proba.length).toBe(whole.length);
      let diff = 0;
      for (let i = 0; i < whole.length; i++) diff = Math.max(diff, Math.abs((whole[i] as number) - (streamed.proba[i] as number)));
      expect(diff).toBeLessThan(1e-9);
      expect(Array.from(streamed.labels)).toEqual(Array.from(encodeLabels(benchmark, 'churned', onnx.classes)));
    } finally {
      await onnx.close();
    }
  });

  it('numbers a null label from the first batch\'s first row', async () => {
    const model = await trainModel(syntheticTable({ rows: 1000, seed: 2 }), { target: 'churned', seed: 1 });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const table = syntheticTable({ rows: 300, seed: 3 });
      const labels = Array.from(table.getChild('churned')!.toArray() as Int32Array, (v, i) => (i === 250 ? null : v));
      const withNull = table.assign(tableFromArrays({ churned: labels }));
      await expect(scoreOverBatches(onnx, batchesOf(withNull, 100), { target: 'churned' })).rejects.toMatchObject({ code: 'HOKUSAI_LABEL_NULL', details: { row: 250 }, message: expect.stringContaining('at row 250') });
    } finally {
      await onnx.close();
    }
  });

  it('refuses a batch without the model\'s columns', async () => {
    const model = await trainModel(syntheticTable({ rows: 1000, seed: 2 }), { target: 'churned', seed: 1 });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const table = syntheticTable({ rows: 100, seed: 3 });
      await expect(scoreOverBatches(onnx, batchesOf(table.select(['churned', 'age']), 50))).rejects.toMatchObject({ code: 'HOKUSAI_MODEL_INPUT_MISMATCH' });
    } finally {
      await onnx.close();
    }
  });
});
