import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { trainModel, TrainingError } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TrainingError);
    return (err as TrainingError).code;
  }
  return 'no error';
}

describe('bad training input is a typed error, never a silent model', () => {
  const good = syntheticTable({ rows: 200, seed: 1 });

  it('rejects a constant target (a single class)', async () => {
    const t = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4]), y: Int32Array.from([1, 1, 1, 1]) });
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1 }))).toBe('HOKUSAI_SINGLE_CLASS');
  });

  it('rejects a target with a null label and names the row', async () => {
    const t = tableFromArrays({ x: [1, 2, 3, 4, 5], y: [0, 1, null, 1, 0] });
    await expect(trainModel(t, { target: 'y', seed: 1 })).rejects.toThrow(/row 2/);
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1 }))).toBe('HOKUSAI_LABEL_NULL');
  });

  it('rejects a continuous target as the wrong label type', async () => {
    const t = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4]), y: Float64Array.from([0.5, 1.25, 3.1, 0.2]) });
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1 }))).toBe('HOKUSAI_LABEL_TYPE_MISMATCH');
  });

  it('rejects three classes when the task is declared binary', async () => {
    const t = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4, 5, 6]), y: ['a', 'b', 'c', 'a', 'b', 'c'] });
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1, task: 'binary' }))).toBe('HOKUSAI_LABEL_TYPE_MISMATCH');
  });

  it('rejects an all-missing feature column', async () => {
    const t = tableFromArrays({ x: [null, null, null, null], z: Float64Array.from([1, 2, 3, 4]), y: Int32Array.from([0, 1, 0, 1]) });
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1 }))).toBe('HOKUSAI_FEATURE_ALL_MISSING');
  });

  it('rejects NaN written into a feature and names the column and row', async () => {
    const t = tableFromArrays({ x: Float64Array.from([1, NaN, 3, 4]), y: Int32Array.from([0, 1, 0, 1]) });
    await expect(trainModel(t, { target: 'y', seed: 1 })).rejects.toThrow(/"x".*row 1/);
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1 }))).toBe('HOKUSAI_FEATURE_NAN');
  });

  it('rejects more features than rows', async () => {
    const t = tableFromArrays({ a: Float64Array.from([1, 2, 3]), b: Float64Array.from([3, 1, 2]), c: Float64Array.from([0, 1, 1]), y: Int32Array.from([0, 1, 0]) });
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1 }))).toBe('HOKUSAI_TOO_FEW_ROWS');
  });

  it('rejects a missing target column, an unknown family and bad params', async () => {
    expect(await codeOf(trainModel(good, { target: 'nope', seed: 1 }))).toBe('HOKUSAI_FEATURE_MISSING');
    expect(await codeOf(trainModel(good, { target: 'churned', seed: 1, family: 'no_such_family' }))).toBe('HOKUSAI_UNKNOWN_FAMILY');
    expect(await codeOf(trainModel(good, { target: 'churned', seed: 1, params: { l2: -1 } }))).toBe('HOKUSAI_TRAINING_INVALID_OPTIONS');
    expect(await codeOf(trainModel(good, { target: 'churned', seed: 1, params: { l3: 1 } }))).toBe('HOKUSAI_TRAINING_INVALID_OPTIONS');
    expect(await codeOf(trainModel(good, { target: 'churned', seed: 1.5 }))).toBe('HOKUSAI_TRAINING_INVALID_OPTIONS');
  });

  it('rejects a table whose only features were excluded', async () => {
    const t = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4]), y: Int32Array.from([0, 1, 0, 1]) });
    expect(await codeOf(trainModel(t, { target: 'y', seed: 1, exclude: ['x'] }))).toBe('HOKUSAI_NO_FEATURES');
  });
});
