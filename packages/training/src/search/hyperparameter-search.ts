import { availableParallelism } from 'node:os';
import type { Table } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import type { TrainOptions } from '../train-options.js';
import { compareTrials, pickBest } from './pick-best.js';
import type { TrialResult } from './run-trial.js';
import type { SearchOptions } from './search-options.js';
import { prepareSearch, type PreparedSearch, type SearchTrial } from './search-plan.js';
import { runTrials } from './trial-pool.js';

export type { SearchOptions } from './search-options.js';

export interface SearchResult {
  /** The winning params (base params with the winning values), ready for both the baseline and the new model. */
  bestParams: Record<string, unknown>;
  best: TrialResult;
  /** Every trial, in the order they were defined (rung by rung for halving). */
  trials: (TrialResult & { rung: number })[];
  split: { trainRows: number; validationRows: number };
}

/**
 * Searches hyperparameters of one family on `table` alone: a seeded, stratified validation split is
 * drawn from these rows (pass the training data, never the benchmark). Trials run on worker threads.
 */
export async function searchHyperparameters(table: Table, options: TrainOptions, search: SearchOptions): Promise<SearchResult> {
  const p = prepareSearch(table, options, search);
  const workers = p.search.workers ?? Math.min(4, availableParallelism());
  const runWave = (trials: SearchTrial[]): Promise<TrialResult[]> => runTrials(trials.map(p.spec), workers);
  return completeSearch(p, await runWave(p.candidates.map((_, id) => p.trial(id, 0))), runWave);
}

/**
 * Ends a search whose first wave (the trials of `planSearch`) ran elsewhere, one result per
 * planned trial in any order: grid and random search only pick the best; successive halving
 * runs its later, smaller rungs here, on up to `workers` threads (default as in the search options).
 */
export async function finishSearch(table: Table, options: TrainOptions, search: SearchOptions, firstWave: readonly TrialResult[]): Promise<SearchResult> {
  const p = prepareSearch(table, options, search);
  const byId = new Map(firstWave.map((r) => [r.id, r]));
  const ordered = p.candidates.map((_, id) => byId.get(id));
  if (byId.size !== firstWave.length || firstWave.length !== p.candidates.length || ordered.includes(undefined)) {
    throw new TrainingError(
      'HOKUSAI_SEARCH_INVALID',
      `The search planned trials 0..${p.candidates.length - 1} but got results for [${firstWave.map((r) => r.id).join(', ')}]; pass one result per planned trial of this same search.`,
    );
  }
  const workers = p.search.workers ?? Math.min(4, availableParallelism());
  return completeSearch(p, ordered as TrialResult[], (trials) => runTrials(trials.map(p.spec), workers));
}

async function completeSearch(p: PreparedSearch, firstWave: TrialResult[], runWave: (trials: SearchTrial[]) => Promise<TrialResult[]>): Promise<SearchResult> {
  const trials: (TrialResult & { rung: number })[] = firstWave.map((r) => ({ ...r, rung: 0 }));
  let results = firstWave;
  for (let rung = 1; rung <= p.rungs; rung++) {
    const keep = Math.max(1, Math.floor(results.length / p.search.eta));
    const alive = [...results].sort(compareTrials).slice(0, keep);
    results = await runWave(alive.map((r) => p.trial(r.id, rung)));
    trials.push(...results.map((r) => ({ ...r, rung })));
  }
  const best = pickBest(trials.filter((t) => t.rung === p.rungs));
  return { bestParams: best.params, best, trials, split: { trainRows: p.split.trainRows.length, validationRows: p.split.validationRows.length } };
}
