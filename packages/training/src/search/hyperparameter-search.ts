import { availableParallelism } from 'node:os';
import type { Table } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import type { TrainOptions } from '../train-options.js';
import { pickBest } from './pick-best.js';
import type { TrialResult } from './run-trial.js';
import type { SearchOptions } from './search-options.js';
import { prepareSearch, survivors, type PreparedSearch, type SearchTrial } from './search-plan.js';
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
 * planned trial in any order: grid and random search only pick the best. For successive halving,
 * `laterRungs[i]` holds the results of rung i + 1 if it ran elsewhere too (the trials of
 * `planRung`); rungs not given run here, on up to `workers` threads (default as in the search options).
 */
export async function finishSearch(
  table: Table,
  options: TrainOptions,
  search: SearchOptions,
  firstWave: readonly TrialResult[],
  laterRungs: readonly (readonly TrialResult[])[] = [],
): Promise<SearchResult> {
  const p = prepareSearch(table, options, search);
  const workers = p.search.workers ?? Math.min(4, availableParallelism());
  if (laterRungs.length > p.rungs) {
    throw new TrainingError('HOKUSAI_SEARCH_INVALID', `The search has ${p.rungs} later rung(s), but results for ${laterRungs.length} were given.`);
  }
  const ordered = matchResults(firstWave, p.candidates.map((_, id) => id), 0);
  return completeSearch(p, ordered, (trials, rung) => {
    const given = laterRungs[rung - 1];
    return given === undefined ? runTrials(trials.map(p.spec), workers) : Promise.resolve(matchResults(given, trials.map((t) => t.id), rung));
  });
}

/** Results in the order of `ids`, exactly one per id, or a clear error naming the rung. */
function matchResults(results: readonly TrialResult[], ids: readonly number[], rung: number): TrialResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const ordered = ids.map((id) => byId.get(id));
  if (byId.size !== results.length || results.length !== ids.length || ordered.includes(undefined)) {
    throw new TrainingError(
      'HOKUSAI_SEARCH_INVALID',
      `Rung ${rung} of the search planned trials [${ids.join(', ')}] but got results for [${results.map((r) => r.id).join(', ')}]; pass one result per planned trial of this same search.`,
    );
  }
  return ordered as TrialResult[];
}

async function completeSearch(p: PreparedSearch, firstWave: TrialResult[], runWave: (trials: SearchTrial[], rung: number) => Promise<TrialResult[]>): Promise<SearchResult> {
  const trials: (TrialResult & { rung: number })[] = firstWave.map((r) => ({ ...r, rung: 0 }));
  let results = firstWave;
  for (let rung = 1; rung <= p.rungs; rung++) {
    results = await runWave(survivors(results, p.search.eta).map((r) => p.trial(r.id, rung)), rung);
    trials.push(...results.map((r) => ({ ...r, rung })));
  }
  const best = pickBest(trials.filter((t) => t.rung === p.rungs));
  return { bestParams: best.params, best, trials, split: { trainRows: p.split.trainRows.length, validationRows: p.split.validationRows.length } };
}
