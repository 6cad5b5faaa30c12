import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, type Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SAMPLED_NEWTON_MIN_ROWS } from '../src/families/logistic-regression.js';
import { trainModel, trainModelOverBatches, type TrainOptions } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

/** The table as a re-readable source of batches of `rows` rows (the last one shorter). */
function batchesOf(table: Table, rows: number): () => AsyncIterable<Table> {
  return async function* () {
    for (let start = 0; start < table.numRows; start += rows) yield table.slice(start, Math.min(table.numRows, start + rows));
  };
}

const workDir = (): string => join(mkdtempSync(join(tmpdir(), 'hokusai-batches-')), 'spill');

describe('training by passes over batches', () => {
  const table = syntheticTable({ rows: 10_000, seed: 11, nullRate: 0.05 });

  it.each([
    ['binary, default params', { target: 'churned', seed: 3 }],
    ['binary, balanced class weights and a chosen positive class', { target: 'churned', seed: 3, params: { classWeight: 'balanced', l2: 1e-3 }, positiveClass: 0 }],
  ] as [string, TrainOptions][])('gives the in-memory model bit for bit: %s', async (_name, options) => {
    const inMemory = await trainModel(table, options);
    const dir = workDir();
    // Batches of 1,500 rows regrouped into parts of 4,096: three parts, the last one short.
    const streamed = await trainModelOverBatches(batchesOf(table, 1500), options, { workDir: dir, partRows: 4096 });
    expect(streamed.metadata).toEqual(inMemory.metadata);
    expect(Buffer.from(streamed.onnx).equals(Buffer.from(inMemory.onnx))).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('gives the in-memory model bit for bit on a table large enough for Newton steps with a sampled Hessian', async () => {
    const large = syntheticTable({ rows: SAMPLED_NEWTON_MIN_ROWS + 5_000, seed: 13, nullRate: 0.05 });
    const options: TrainOptions = { target: 'churned', seed: 3 };
    const inMemory = await trainModel(large, options);
    // Batches of 9,999 rows regrouped into parts of 16,384: the sample's rows fall across parts.
    const streamed = await trainModelOverBatches(batchesOf(large, 9999), options, { workDir: workDir(), partRows: 4 * 4096 });
    expect(streamed.metadata).toEqual(inMemory.metadata);
    expect(Buffer.from(streamed.onnx).equals(Buffer.from(inMemory.onnx))).toBe(true);
  });

  it('gives the in-memory multiclass model bit for bit, with identifiers, nulls and a date column', async () => {
    const three = syntheticTable({ rows: 9000, seed: 5, classes: 3, nullRate: 0.1 });
    const days = Float64Array.from({ length: three.numRows }, (_, i) => Date.UTC(2024, 0, 1) + (i % 400) * 86_400_000);
    const withDate = three.assign(tableFromArrays({ signup: Array.from(days, (ms) => new Date(ms)) }));
    const options: TrainOptions = { target: 'churned', seed: 9 };
    const inMemory = await trainModel(withDate, options);
    const streamed = await trainModelOverBatches(batchesOf(withDate, 777), options, { workDir: workDir(), partRows: 8192 });
    expect(streamed.metadata.excluded).toEqual([{ name: 'customer_id', reason: 'identifier' }]);
    expect(streamed.metadata.features).toContainEqual({ name: 'signup', kind: 'date' });
    expect(Buffer.from(streamed.onnx).equals(Buffer.from(inMemory.onnx))).toBe(true);
  });

  it('refuses a family other than logistic regression before reading a row, naming the linear family', async () => {
    let reads = 0;
    const read = async function* (): AsyncGenerator<Table> {
      reads++;
      yield table;
    };
    await expect(trainModelOverBatches(read, { target: 'churned', seed: 1, family: 'mlp' }, { workDir: workDir() })).rejects.toMatchObject({
      code: 'HOKUSAI_STREAMING_FAMILY_UNSUPPORTED',
      message: expect.stringContaining('linear family (logistic_regression) only'),
    });
    expect(reads).toBe(0);
  });

  it('numbers a null label from the first row of the first batch', async () => {
    const labels = Int32Array.from({ length: 3000 }, (_, i) => i % 2);
    const withNull = tableFromArrays({ x: Float64Array.from({ length: 3000 }, (_, i) => i), churned: Array.from(labels, (v, i) => (i === 2500 ? null : v)) });
    await expect(trainModelOverBatches(batchesOf(withNull, 1000), { target: 'churned', seed: 1 }, { workDir: workDir() })).rejects.toMatchObject({ code: 'HOKUSAI_LABEL_NULL', details: { row: 2500 } });
  });

  it('refuses parts that would not end on the objective\'s blocks', async () => {
    await expect(trainModelOverBatches(batchesOf(table, 1000), { target: 'churned', seed: 1 }, { workDir: workDir(), partRows: 5000 })).rejects.toMatchObject({ code: 'HOKUSAI_TRAINING_INVALID_OPTIONS' });
  });
});
