import { describe, expect, it } from 'vitest';
import { TrainingError, registerModel, registeredModels, trainModel, trainModelInWorker, type TrainOptions, type TrainProgress } from '@hokusai/training';
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

  it('trains a custom family in this thread, where it is registered', async () => {
    if (!registeredModels().includes('nearest_centroid')) registerModel('nearest_centroid', () => nearestCentroid);
    const options: TrainOptions = { target: 'churned', seed: 1, family: 'nearest_centroid', params: { temperature: 4 } };
    const there = await trainModelInWorker(table, options);
    expect(Buffer.from(there.onnx).equals(Buffer.from((await trainModel(table, options)).onnx))).toBe(true);
  });
});
