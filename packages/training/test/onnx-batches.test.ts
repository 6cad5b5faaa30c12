import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel, SCORE_BATCH_ROWS, trainModel } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

/** Indices where two score arrays differ in any bit (NaN equal to NaN). */
function differing(a: Float64Array, b: Float64Array): number[] {
  expect(a.length).toBe(b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** Scores of `table` by the model in one onnxruntime call, and in parts of at most `batchRows`. */
async function wholeAndParts(onnx: Uint8Array, table: Table, batchRows?: number): Promise<{ whole: Float64Array; parts: Float64Array }> {
  const one = await loadOnnxModel(onnx, { batchRows: table.numRows });
  const many = await loadOnnxModel(onnx, batchRows === undefined ? {} : { batchRows });
  try {
    return { whole: await one.predictProba(table), parts: await many.predictProba(table) };
  } finally {
    await one.close();
    await many.close();
  }
}

describe('scoring a table in parts', () => {
  const train = syntheticTable({ rows: 4000, seed: 31, nullRate: 0.05 });
  // Two record batches, so parts also start inside the second and straddle the boundary.
  const test = syntheticTable({ rows: 1700, seed: 32, nullRate: 0.05 }).concat(syntheticTable({ rows: 1301, seed: 33, nullRate: 0.05 }));

  for (const [family, params] of [
    ['logistic_regression', {}],
    ['mlp', { hidden: [16], epochs: 2 }],
    // More trees than onnxruntime's tree-ensemble kernel sums in row order for a handful of rows.
    ['gbdt', { nTrees: 120, maxDepth: 3 }],
  ] as const) {
    it(`gives ${family} the bits of one whole-table call, in near-equal parts`, async () => {
      const model = await trainModel(train, { target: 'churned', seed: 1, family, params });
      // 3,001 rows in parts of at most 1,000: 1,000 + 1,000 + 1,001, never a last part of 1 row.
      const { whole, parts } = await wholeAndParts(model.onnx, test, 1000);
      expect(test.batches.length).toBe(2);
      expect(whole.length).toBe(3001 * 2);
      expect(differing(whole, parts)).toEqual([]);
    });
  }

  it('scores a table larger than SCORE_BATCH_ROWS in parts by default, with the same bits', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 2, family: 'gbdt', params: { nTrees: 120, maxDepth: 3 } });
    const big = syntheticTable({ rows: SCORE_BATCH_ROWS * 2 + 1, seed: 34, nullRate: 0.05 });
    const { whole, parts } = await wholeAndParts(model.onnx, big);
    expect(differing(whole, parts)).toEqual([]);
  });

  it('gives the tree ensemble other bits for a part of one row (why the parts are near-equal)', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 1, family: 'gbdt', params: { nTrees: 120, maxDepth: 3 } });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const whole = await onnx.predictProba(test);
      let changed = 0;
      for (let i = 0; i < 200; i++) {
        const single = await onnx.predictProba(test.slice(i, i + 1));
        if (!Object.is(single[1], whole[2 * i + 1])) changed++;
      }
      // The premise of the near-equal split: were it false, a naive split would do as well.
      expect(changed).toBeGreaterThan(0);
    } finally {
      await onnx.close();
    }
  });

  it('refuses a batch size that is not a positive integer', async () => {
    const model = await trainModel(train.slice(0, 500), { target: 'churned', seed: 1 });
    await expect(loadOnnxModel(model.onnx, { batchRows: 0 })).rejects.toThrow();
    await expect(loadOnnxModel(model.onnx, { batchRows: 2.5 })).rejects.toThrow();
  });
});
