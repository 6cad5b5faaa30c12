import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileCheckpoints, trainModel, type TrainHooks, type TrainOptions } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

type Report = Parameters<NonNullable<TrainHooks['onProgress']>>[0];

async function trainWithProgress(options: TrainOptions, hooks: TrainHooks = {}): Promise<{ onnx: Uint8Array; reports: Report[]; ms: number }> {
  const table = syntheticTable({ rows: 1500, seed: 71, classes: options.task === 'multiclass' ? 3 : 2 });
  const reports: Report[] = [];
  const started = performance.now();
  const model = await trainModel(table, options, { ...hooks, onProgress: (p) => reports.push(p) });
  return { onnx: model.onnx, reports, ms: performance.now() - started };
}

/** Reports start where training starts, never go back, and the last one says the work is complete. */
function expectWellFormed(reports: Report[], unit: Report['unit'], total: number, start = 0): void {
  expect(reports.length).toBeGreaterThanOrEqual(2);
  expect(reports.every((r) => r.unit === unit)).toBe(true);
  expect(reports[0]).toMatchObject({ unit, done: start, total });
  for (let i = 1; i < reports.length; i++) expect((reports[i] as Report).done).toBeGreaterThan((reports[i - 1] as Report).done);
  const last = reports[reports.length - 1] as Report;
  expect(last.done).toBe(last.total);
  expect(last.done).toBeLessThanOrEqual(total);
}

/** The reported training loss: finite where given, and lower at the end than at the start. */
function expectLossFalls(reports: Report[], from = 0): void {
  const losses = reports.slice(from).map((r) => r.loss);
  expect(losses.every((l) => l !== undefined && Number.isFinite(l) && l > 0)).toBe(true);
  expect(losses[losses.length - 1] as number).toBeLessThan(losses[0] as number);
}

describe('training progress', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('logistic regression reports L-BFGS iterations up to the iteration it stopped at, with the same model bytes', async () => {
    const options: TrainOptions = { target: 'churned', seed: 5, exclude: ['customer_id'], family: 'logistic_regression', params: { maxIter: 150 } };
    const { onnx, reports } = await trainWithProgress(options);
    expectWellFormed(reports, 'iterations', 150);
    // The first report is the starting point: log(2) for zero weights on a binary target.
    expect(reports[0]?.loss).toBeCloseTo(Math.log(2), 12);
    expectLossFalls(reports);
    // Earlier reports count against the cap; only the last one, after convergence, shrinks the total.
    expect(reports.slice(0, -1).every((r) => r.total === 150)).toBe(true);
    const iterations = (reports[reports.length - 1] as Report).done;
    expect(iterations).toBeGreaterThan(3);
    expect(iterations).toBeLessThan(150);
    expect(Buffer.from((await trainModel(syntheticTable({ rows: 1500, seed: 71 }), options)).onnx).equals(Buffer.from(onnx))).toBe(true);
  });

  it('logistic regression stopped by maxIter ends at exactly maxIter', async () => {
    const { reports } = await trainWithProgress({ target: 'churned', seed: 5, exclude: ['customer_id'], params: { maxIter: 3, tol: 1e-12 } });
    expectWellFormed(reports, 'iterations', 3);
    expect(reports[reports.length - 1]).toMatchObject({ unit: 'iterations', done: 3, total: 3 });
  });

  it('gbdt reports boosting rounds as trees, multiclass included, with the same model bytes', async () => {
    const options: TrainOptions = { target: 'churned', seed: 9, exclude: ['customer_id'], family: 'gbdt', task: 'multiclass', params: { nTrees: 12, maxDepth: 3 } };
    const { onnx, reports } = await trainWithProgress(options);
    expectWellFormed(reports, 'trees', 12);
    expectLossFalls(reports);
    const without = await trainModel(syntheticTable({ rows: 1500, seed: 71, classes: 3 }), options);
    expect(Buffer.from(without.onnx).equals(Buffer.from(onnx))).toBe(true);
  });

  it('gbdt resumed from a checkpoint starts its reports at the resumed round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-progress-'));
    dirs.push(dir);
    const options: TrainOptions = { target: 'churned', seed: 9, exclude: ['customer_id'], family: 'gbdt', params: { nTrees: 10, maxDepth: 2 } };
    const sink = await fileCheckpoints({ dir, every: 4, keep: 3 }, 'progress-test');
    const full = await trainWithProgress(options, { checkpoints: sink });
    const resumed = await trainWithProgress(options, { checkpoints: await fileCheckpoints({ dir, every: 4, keep: 3 }, 'progress-test') });
    expectWellFormed(resumed.reports, 'trees', 10, 8);
    expect(Buffer.from(resumed.onnx).equals(Buffer.from(full.onnx))).toBe(true);
  });

  it('mlp reports epochs, with the same model bytes', async () => {
    const options: TrainOptions = { target: 'churned', seed: 3, exclude: ['customer_id'], family: 'mlp', params: { hidden: [8], epochs: 3, batchSize: 256 } };
    const { onnx, reports } = await trainWithProgress(options);
    expectWellFormed(reports, 'epochs', 3);
    // Epoch 0 has no loss yet; every finished epoch reports its mean batch loss.
    expect(reports[0]?.loss).toBeUndefined();
    expect(reports.slice(1).every((r) => r.loss !== undefined && Number.isFinite(r.loss) && r.loss > 0)).toBe(true);
    // Reports are rate-limited, so a fast training may report only its last epoch: compare that
    // loss with a one-epoch training's, whose single epoch is this one's first (same seed).
    const one = await trainWithProgress({ ...options, params: { ...options.params, epochs: 1 } });
    expect(reports[reports.length - 1]?.loss).toBeLessThan(one.reports[one.reports.length - 1]?.loss as number);
    const without = await trainModel(syntheticTable({ rows: 1500, seed: 71 }), options);
    expect(Buffer.from(without.onnx).equals(Buffer.from(onnx))).toBe(true);
  });

  it('forwards a fast loop of many rounds at a bounded rate, keeping the first and the last', async () => {
    const { reports, ms } = await trainWithProgress({ target: 'churned', seed: 9, exclude: ['customer_id'], family: 'gbdt', params: { nTrees: 400, maxDepth: 1, minSamplesLeaf: 200 } });
    expectWellFormed(reports, 'trees', 400);
    // One report per 250 ms at most, plus the first and the last.
    expect(reports.length).toBeLessThanOrEqual(2 + Math.ceil(ms / 250));
    expect(reports.length).toBeLessThan(401);
  });
});
