import { tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { searchHyperparameters, TrainingError } from '../src/index.js';
import { runTrial } from '../src/search/index.js';
import { syntheticTable } from './synthetic-table.js';

describe('hyperparameter search', () => {
  const table = syntheticTable({ rows: 1500, seed: 41 });
  const base = { target: 'churned', seed: 3, family: 'logistic_regression' };

  it('grid search tries every combination on worker threads and picks the best validation loss', async () => {
    const result = await searchHyperparameters(table, base, { strategy: 'grid', space: { l2: { values: [10, 1e-4, 1] } }, workers: 2 });
    expect(result.trials.map((t) => t.params['l2'])).toEqual([10, 1e-4, 1]);
    expect(result.split.trainRows + result.split.validationRows).toBe(1500);
    expect(result.split.validationRows).toBeGreaterThan(250);
    // A huge penalty flattens the model, so the small one must win on log loss.
    expect(result.bestParams['l2']).toBe(1e-4);
    const losses = result.trials.map((t) => t.value);
    expect(result.best.value).toBe(Math.min(...losses));
  });

  it('is seeded: the same search twice gives the same trials, in process or on workers', async () => {
    const search = { strategy: 'random' as const, space: { l2: { min: 1e-5, max: 10, log: true } }, trials: 4 };
    const a = await searchHyperparameters(table, base, { ...search, workers: 2 });
    const b = await searchHyperparameters(table, base, { ...search, workers: 0 });
    expect(a.trials).toEqual(b.trials);
    for (const t of a.trials) expect(t.params['l2'] as number).toBeGreaterThanOrEqual(1e-5);
  });

  it('successive halving gives survivors more rows and keeps the best third', async () => {
    const result = await searchHyperparameters(table, { ...base, family: 'gbdt', params: { nTrees: 5 } }, {
      strategy: 'halving',
      space: { maxDepth: { values: [1, 2, 3] }, learningRate: { values: [0.05, 0.3, 0.6] } },
      eta: 3,
      workers: 2,
    });
    const rung0 = result.trials.filter((t) => t.rung === 0);
    const rung1 = result.trials.filter((t) => t.rung === 1);
    const rung2 = result.trials.filter((t) => t.rung === 2);
    expect(rung0).toHaveLength(9);
    expect(rung1).toHaveLength(3);
    expect(rung2).toHaveLength(1);
    expect(rung0[0]!.trainRows).toBeLessThan(rung1[0]!.trainRows);
    expect(rung2[0]!.trainRows).toBe(result.split.trainRows);
    const bestOfRung0 = [...rung0].sort((x, y) => y.score - x.score).slice(0, 3).map((t) => t.id).sort();
    expect(rung1.map((t) => t.id).sort()).toEqual(bestOfRung0);
    expect(result.best.id).toBe(rung2[0]!.id);
    expect(result.bestParams['nTrees']).toBe(5);
  });

  it('runTrial is a plain function over serializable data, for remote workers', async () => {
    const train = syntheticTable({ rows: 600, seed: 42 });
    const validation = syntheticTable({ rows: 200, seed: 43 });
    const spec = { id: 7, train: tableToIPC(train, 'stream'), validation: tableToIPC(validation, 'stream'), target: 'churned', seed: 1, family: 'logistic_regression', params: { l2: 0.01 }, metric: 'auroc' as const };
    const result = await runTrial(spec);
    expect(result.id).toBe(7);
    expect(result.value).toBeGreaterThan(0.7);
    expect(result.value).toBeLessThanOrEqual(1);
    expect(await runTrial(structuredClone(spec))).toEqual(result);
  });

  it('rejects a range in a grid search with a typed error', async () => {
    await expect(searchHyperparameters(table, base, { strategy: 'grid', space: { l2: { min: 0, max: 1 } } })).rejects.toThrow(TrainingError);
  });
});
