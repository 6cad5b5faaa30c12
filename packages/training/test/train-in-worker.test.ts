import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TrainingError, familyTrainsInWorker, idleTrainThreads, registerModel, registeredModels, trainModel, trainModelInWorker, warmTrainThreads, type TrainOptions, type TrainProgress } from '@hokusai/training';
import { nearestCentroid } from '../examples/nearest-centroid-model.js';
import { syntheticTable } from './synthetic-table.js';

describe('training on a worker thread', () => {
  const table = syntheticTable({ rows: 1200, seed: 81, nullRate: 0.05 });

  it('gives the same ONNX bytes and metadata as training in this thread, for every built-in family', async () => {
    const cases: TrainOptions[] = [
      { target: 'churned', seed: 3, exclude: ['customer_id'], family: 'logistic_regression' },
      { target: 'churned', seed: 3, exclude: ['customer_id'], family: 'gbdt', params: { nTrees: 8, maxDepth: 3 } },
      { target: 'churned', seed: 3, exclude: ['customer_id'], family: 'mlp', params: { hidden: [8], epochs: 2 } },
    ];
    for (const options of cases) {
      const here = await trainModel(table, options);
      const reports: TrainProgress[] = [];
      const there = await trainModelInWorker(table, options, { onProgress: (p) => reports.push(p) });
      expect(Buffer.from(there.onnx).equals(Buffer.from(here.onnx))).toBe(true);
      expect(there.metadata).toEqual(here.metadata);
      // Progress crosses the thread boundary and ends complete.
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.at(-1)?.done).toBe(reports.at(-1)?.total);
    }
  }, 120_000);

  it('reports a training failure as the same typed error', async () => {
    const options: TrainOptions = { target: 'no_such_column', seed: 1 };
    const here = await trainModel(table, options).then(() => null, (e: unknown) => e as TrainingError);
    const there = await trainModelInWorker(table, options).then(() => null, (e: unknown) => e as TrainingError);
    expect(here).toBeInstanceOf(TrainingError);
    expect(there).toBeInstanceOf(TrainingError);
    expect({ code: there?.code, message: there?.message, details: there?.details }).toEqual({ code: here?.code, message: here?.message, details: here?.details });
  });

  it('ends the thread when its signal aborts, rejecting with the reason, and names the families it trains there', async () => {
    const big = syntheticTable({ rows: 60_000, seed: 82 });
    const controller = new AbortController();
    const reports: TrainProgress[] = [];
    const training = trainModelInWorker(big, { target: 'churned', seed: 1, family: 'mlp', params: { hidden: [32], epochs: 50 } }, { signal: controller.signal, onProgress: (p) => reports.push(p) });
    // Aborted once training has started on the thread (its first progress report).
    while (reports.length === 0) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    controller.abort(new Error('not needed'));
    await expect(training).rejects.toThrow('not needed');
    expect(Date.now() - started).toBeLessThan(2_000);
    // An already-aborted signal trains nothing.
    await expect(trainModelInWorker(table, { target: 'churned', seed: 1 }, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(familyTrainsInWorker('logistic_regression')).toBe(true);
    expect(familyTrainsInWorker('no_such_family')).toBe(false);
  }, 60_000);

  it('trains a custom family in this thread, where it is registered', async () => {
    if (!registeredModels().includes('nearest_centroid')) registerModel('nearest_centroid', () => nearestCentroid);
    const options: TrainOptions = { target: 'churned', seed: 1, family: 'nearest_centroid', params: { temperature: 4 } };
    const there = await trainModelInWorker(table, options);
    expect(Buffer.from(there.onnx).equals(Buffer.from((await trainModel(table, options)).onnx))).toBe(true);
  });

  it('hands models to threads started ahead of need, with the same bytes, and lets unused ones end', async () => {
    const options: TrainOptions = { target: 'churned', seed: 5, exclude: ['customer_id'] };
    const here = await trainModel(table, options);
    warmTrainThreads(2);
    expect(idleTrainThreads()).toBe(2);
    const [a, b] = await Promise.all([trainModelInWorker(table, options), trainModelInWorker(table, { ...options, seed: 6 })]);
    expect(idleTrainThreads()).toBe(0);
    expect(Buffer.from(a.onnx).equals(Buffer.from(here.onnx))).toBe(true);
    expect(Buffer.from(b.onnx).equals(Buffer.from(here.onnx))).toBe(false);
    warmTrainThreads(1, 150);
    expect(idleTrainThreads()).toBe(1);
    for (let wait = 0; wait < 100 && idleTrainThreads() > 0; wait++) await new Promise((r) => setTimeout(r, 50));
    expect(idleTrainThreads()).toBe(0);
  }, 60_000);

  it('hands a model to a thread started ahead of need even when this thread was busy past its idle time', async () => {
    const options: TrainOptions = { target: 'churned', seed: 5, exclude: ['customer_id'] };
    warmTrainThreads(1, 100);
    // Busy without yielding (as a long synchronous step is) well past the idle time; let the thread start meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    const until = Date.now() + 400;
    while (Date.now() < until);
    const trained = await trainModelInWorker(table, options);
    expect(Buffer.from(trained.onnx).equals(Buffer.from((await trainModel(table, options)).onnx))).toBe(true);
  }, 60_000);

  it('does not keep a process alive with idle threads', async () => {
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', "const t = await import('@hokusai/training'); t.warmTrainThreads(2); process.stdout.write(String(t.idleTrainThreads()));"], { cwd: import.meta.dirname });
    expect(stdout.trim()).toBe('2');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
