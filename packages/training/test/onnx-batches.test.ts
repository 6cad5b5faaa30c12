import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel, SCORE_BATCH_ROWS, SCORE_THREADS, trainModel, type LoadOnnxOptions } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

/** Indices where two score arrays differ in any bit (NaN equal to NaN). */
function differing(a: Float64Array, b: Float64Array): number[] {
  expect(a.length).toBe(b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** The model's scores of `table` with the given loading options. */
async function scores(onnx: Uint8Array, table: Table, options: LoadOnnxOptions = {}): Promise<Float64Array> {
  const model = await loadOnnxModel(onnx, options);
  try {
    return await model.predictProba(table);
  } finally {
    await model.close();
  }
}

describe('scoring a table in parts, on a set number of threads', () => {
  const train = syntheticTable({ rows: 4000, seed: 31, nullRate: 0.05 });
  // Two record batches, so parts also start inside the second and straddle the boundary.
  const test = syntheticTable({ rows: 1700, seed: 32, nullRate: 0.05 }).concat(syntheticTable({ rows: 1301, seed: 33, nullRate: 0.05 }));
  const families = [
    ['logistic_regression', {}],
    ['mlp', { hidden: [32, 16], epochs: 2 }],
    // More trees than onnxruntime's tree-ensemble kernel sums one by one for a few rows on several threads.
    ['gbdt', { nTrees: 120, maxDepth: 3 }],
  ] as const;

  for (const [family, params] of families) {
    it(`gives ${family} the bits of one whole-table call, in near-equal parts, on one thread and on four`, async () => {
      const model = await trainModel(train, { target: 'churned', seed: 1, family, params });
      expect(test.batches.length).toBe(2);
      for (const threads of [1, 4]) {
        // 3,001 rows in parts of at most 1,000: 1,000 + 1,000 + 1,001, never a last part of 1 row.
        const whole = await scores(model.onnx, test, { threads, batchRows: test.numRows });
        expect(whole.length).toBe(3001 * 2);
        expect(differing(whole, await scores(model.onnx, test, { threads, batchRows: 1000 }))).toEqual([]);
      }
    });
  }

  it('scores a table larger than SCORE_BATCH_ROWS in parts by default, with the bits of one call', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 2, family: 'gbdt', params: { nTrees: 120, maxDepth: 3 } });
    const big = syntheticTable({ rows: SCORE_BATCH_ROWS * 2 + 1, seed: 34, nullRate: 0.05 });
    // Four threads, where a naive split's last part of one row would be summed in another order.
    expect(differing(await scores(model.onnx, big, { threads: 4, batchRows: big.numRows }), await scores(model.onnx, big, { threads: 4 }))).toEqual([]);
  });

  it('gives the tree ensemble on four threads other bits for a one-row call (why the parts are near-equal)', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 1, family: 'gbdt', params: { nTrees: 120, maxDepth: 3 } });
    const onnx = await loadOnnxModel(model.onnx, { threads: 4 });
    try {
      const whole = await onnx.predictProba(test);
      let changed = 0;
      for (let i = 0; i < 200; i++) if (!Object.is((await onnx.predictProba(test.slice(i, i + 1)))[1], whole[2 * i + 1])) changed++;
      // The premise of the near-equal split: were it false, a naive split would do as well.
      expect(changed).toBeGreaterThan(0);
    } finally {
      await onnx.close();
    }
  });

  it('scores on one thread by default: the same bits on any machine, where the tree ensemble on four differs', async () => {
    expect(SCORE_THREADS).toBe(1);
    const big = syntheticTable({ rows: 20_000, seed: 35, nullRate: 0.05 });
    const mlp = await trainModel(train, { target: 'churned', seed: 3, family: 'mlp', params: { hidden: [32, 16], epochs: 2 } });
    expect(differing(await scores(mlp.onnx, big, { threads: 1 }), await scores(mlp.onnx, big, { threads: 4 }))).toEqual([]);
    const gbdt = await trainModel(train, { target: 'churned', seed: 3, family: 'gbdt', params: { nTrees: 120, maxDepth: 3 } });
    const byDefault = await scores(gbdt.onnx, big);
    expect(differing(byDefault, await scores(gbdt.onnx, big, { threads: 1 }))).toEqual([]);
    expect(differing(byDefault, await scores(gbdt.onnx, big, { threads: 4 })).length).toBeGreaterThan(0);
  });

  it('refuses a batch size or thread count that is not a positive integer', async () => {
    const model = await trainModel(train.slice(0, 500), { target: 'churned', seed: 1 });
    await expect(loadOnnxModel(model.onnx, { batchRows: 0 })).rejects.toThrow();
    await expect(loadOnnxModel(model.onnx, { batchRows: 2.5 })).rejects.toThrow();
    await expect(loadOnnxModel(model.onnx, { threads: 0 })).rejects.toThrow();
  });
});
