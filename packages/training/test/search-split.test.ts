import { describe, expect, it } from 'vitest';
import { TrainingError } from '../src/index.js';
import { finishSearch, laterRungCount, pickBest, planRung, planSearch, runTrial, TrialThreads, searchCandidates, searchHyperparameters, searchSplit, searchTrialSpec, type TrialResult } from '../src/search/index.js';
import { syntheticTable } from './synthetic-table.js';

describe('a search split into trials', () => {
  const table = syntheticTable({ rows: 600, seed: 51 });
  const base = { target: 'churned', seed: 9, family: 'logistic_regression', params: { maxIter: 60 } };

  it('draws the same candidates for the same seed, other ones for another seed', () => {
    const space = { l2: { min: 1e-4, max: 10, log: true }, maxIter: { min: 10, max: 200, int: true } };
    const a = searchCandidates(space, { strategy: 'random', trials: 6, seed: 5 });
    expect(searchCandidates(space, { strategy: 'random', trials: 6, seed: 5 })).toEqual(a);
    expect(a).toHaveLength(6);
    expect(searchCandidates(space, { strategy: 'random', trials: 6, seed: 6 })).not.toEqual(a);
    for (const c of a) {
      expect(Number.isInteger(c['maxIter'])).toBe(true);
      expect(c['l2'] as number).toBeGreaterThanOrEqual(1e-4);
      expect(c['l2'] as number).toBeLessThanOrEqual(10);
    }
  });

  it('covers the whole product of the lists in a grid, each combination once', () => {
    const space = { l2: { values: [0.1, 1, 10] }, maxIter: { values: [20, 40] }, classWeight: { values: ['balanced', null] } };
    const grid = searchCandidates(space, { strategy: 'grid', seed: 1 });
    expect(grid).toHaveLength(12);
    const keys = new Set(grid.map((c) => JSON.stringify([c['classWeight'], c['l2'], c['maxIter']])));
    expect(keys.size).toBe(12);
    for (const cw of ['balanced', null]) for (const l2 of [0.1, 1, 10]) for (const it of [20, 40]) expect(keys.has(JSON.stringify([cw, l2, it]))).toBe(true);
    // Halving over lists with no count uses the same grid; the seed plays no part in a grid.
    expect(searchCandidates(space, { strategy: 'halving', seed: 2 })).toEqual(grid);
    expect(() => searchCandidates({ l2: { min: 0, max: 1 } }, { strategy: 'grid', seed: 1 })).toThrow(TrainingError);
  });

  it('picks the highest score, the lowest id on a tie, whatever the order, and never a NaN', () => {
    const trials = [
      { id: 4, score: -0.3 },
      { id: 2, score: -0.25 },
      { id: 7, score: Number.NaN },
      { id: 1, score: -0.25 },
      { id: 3, score: -0.9 },
    ];
    expect(pickBest(trials).id).toBe(1);
    expect(pickBest([...trials].reverse()).id).toBe(1);
    expect(pickBest([{ id: 0, score: Number.NaN }, { id: 5, score: -1e9 }]).id).toBe(5);
    expect(() => pickBest([])).toThrow(TrainingError);
  });

  it('draws the split from the labels and the seed only, stratified', () => {
    const a = searchSplit(table, { target: 'churned', seed: 9 });
    expect(searchSplit(table, { target: 'churned', seed: 9 })).toEqual(a);
    expect(searchSplit(table, { target: 'churned', seed: 10 }).validationRows).not.toEqual(a.validationRows);
    const all = new Set([...a.trainRows, ...a.validationRows]);
    expect(all.size).toBe(600);
    expect(a.validationRows.length).toBeGreaterThan(100);
    expect(a.validationRows.length).toBeLessThan(140);
  });

  for (const search of [
    { strategy: 'grid' as const, space: { l2: { values: [30, 1e-3, 1, 0.1] } } },
    { strategy: 'random' as const, space: { l2: { min: 1e-4, max: 30, log: true } }, trials: 5, metric: 'accuracy' as const },
    { strategy: 'halving' as const, space: { l2: { values: [30, 1e-3, 1, 0.1, 3] } }, eta: 2 },
  ]) {
    it(`gives the same trials and best params as searchHyperparameters (${search.strategy}), trials run in any order`, async () => {
      const whole = await searchHyperparameters(table, base, { ...search, workers: 0 });
      const plan = planSearch(table, base, search);
      expect(plan.split).toEqual(whole.split);
      expect(plan.trials.map((t) => t.params)).toEqual(whole.trials.filter((t) => t.rung === 0).map((t) => t.params));
      // As a scheduler would: every trial on its own, finishing in reverse order.
      const results: TrialResult[] = [];
      for (const trial of [...plan.trials].reverse()) results.push(await runTrial(searchTrialSpec(table, base, search, structuredClone(trial))));
      const split = await finishSearch(table, base, { ...search, workers: 0 }, results);
      expect(split.trials).toEqual(whole.trials);
      expect(split.bestParams).toEqual(whole.bestParams);
      expect(split.best).toEqual(whole.best);
      if (search.strategy === 'halving') {
        expect(plan.rungs).toBe(2);
        expect(new Set(plan.trials.map((t) => t.rows)).size).toBe(1);
        expect(plan.trials[0]!.rows).toBeLessThan(plan.split.trainRows);
        expect(split.trials.filter((t) => t.rung === 2)).toHaveLength(1);
        // Every rung scheduled the same way: planned from the rung before, run item by item.
        expect(laterRungCount(search, base.seed)).toBe(plan.rungs);
        const later: TrialResult[][] = [];
        let previous = results;
        for (let rung = 1; rung <= plan.rungs; rung++) {
          const trials = planRung(table, base, search, [...previous].reverse(), rung);
          expect(trials.every((t) => t.rung === rung)).toBe(true);
          const ran: TrialResult[] = [];
          for (const trial of [...trials].reverse()) ran.push(await runTrial(searchTrialSpec(table, base, search, structuredClone(trial))));
          later.push(ran);
          previous = ran;
        }
        expect(later.map((r) => r.length)).toEqual([2, 1]);
        const scheduled = await finishSearch(table, base, { ...search, workers: 0 }, results, later);
        expect(scheduled.trials).toEqual(whole.trials);
        expect(scheduled.best).toEqual(whole.best);
        await expect(finishSearch(table, base, search, results, [later[1]!])).rejects.toThrow(/Rung 1 of the search planned trials/);
        expect(() => planRung(table, base, search, results, 3)).toThrow(/later rungs 1..2/);
      } else {
        expect(laterRungCount(search, base.seed)).toBe(0);
        expect(plan.rungs).toBe(0);
        expect(plan.trials.every((t) => t.rows === plan.split.trainRows)).toBe(true);
      }
    });
  }

  it('runs trials on a few kept threads with the in-process results, and keeps a trial\'s error code', async () => {
    const search = { strategy: 'grid' as const, space: { l2: { values: [10, 1, 0.1, 0.01] } } };
    const specs = planSearch(table, base, search).trials.map((t) => searchTrialSpec(table, base, search, t));
    const threads = new TrialThreads(2);
    try {
      const onThreads = await Promise.all(specs.map((s) => threads.run(s)));
      const inProcess: TrialResult[] = [];
      for (const s of specs) inProcess.push(await runTrial(s));
      expect(onThreads).toEqual(inProcess);
      const bad = { ...specs[0]!, params: { ...specs[0]!.params, noSuchParam: 1 } };
      await expect(threads.run(bad)).rejects.toMatchObject({ code: 'HOKUSAI_TRAINING_INVALID_OPTIONS' });
      // A failed trial does not take its thread down with it.
      expect(await threads.run(specs[1]!)).toEqual(inProcess[1]);
    } finally {
      await threads.close();
    }
    await expect(threads.run(specs[0]!)).rejects.toThrow(/already closed/);
  });

  it('refuses results that do not match the plan, and a trial from another search', async () => {
    const search = { strategy: 'grid' as const, space: { l2: { values: [1, 0.1] } } };
    const plan = planSearch(table, base, search);
    const one = await runTrial(searchTrialSpec(table, base, search, plan.trials[0]!));
    await expect(finishSearch(table, base, search, [one])).rejects.toThrow(/Rung 0 of the search planned trials \[0, 1\] but got results for \[0\]/);
    await expect(finishSearch(table, base, search, [one, one])).rejects.toThrow(TrainingError);
    expect(() => searchTrialSpec(table, base, search, { ...plan.trials[1]!, rows: 10 })).toThrow(/trains on \d+ rows/);
    expect(() => searchTrialSpec(table, base, search, { ...plan.trials[1]!, id: 2 })).toThrow(/no trial 2/);
  });
});
