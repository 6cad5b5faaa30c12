import { tableToIPC, type Table } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import { takeRows } from '../features/take-rows.js';
import { parseTrainOptions, type TrainOptions } from '../train-options.js';
import { compareTrials } from './pick-best.js';
import type { TrialResult, TrialSpec } from './run-trial.js';
import { parseSearchOptions, type ParsedSearchOptions, type SearchOptions } from './search-options.js';
import { searchCandidates } from './search-space.js';
import { searchSplit, type SearchSplit } from './search-split.js';

/** One trial of a search as plain data: what a scheduler fans out and a worker turns into a TrialSpec. */
export interface SearchTrial {
  /** The candidate's index in the search's candidate list; the same candidate keeps its id across halving rungs. */
  id: number;
  /** Successive-halving rung (0 for grid and random search). */
  rung: number;
  /** Leading rows of the shuffled training part this trial trains on. */
  rows: number;
  /** The full params: base params with this candidate's values on top. */
  params: Record<string, unknown>;
}

export interface SearchPlan {
  /** The trials that can run at once: every trial for grid and random search, rung 0 for halving. */
  trials: SearchTrial[];
  /** Index of the last halving rung (0 for grid and random search). */
  rungs: number;
  split: { trainRows: number; validationRows: number };
}

/** A search with its options checked, its candidates drawn and its split made; internal. */
export interface PreparedSearch {
  readonly options: ReturnType<typeof parseTrainOptions>;
  readonly search: ParsedSearchOptions;
  readonly candidates: Record<string, unknown>[];
  readonly split: SearchSplit;
  readonly rungs: number;
  trial(id: number, rung: number): SearchTrial;
  spec(trial: SearchTrial): TrialSpec;
}

/** Index of the last successive-halving rung for this many candidates (0 for grid and random search). */
function lastRung(s: ParsedSearchOptions, candidates: number): number {
  return s.strategy === 'halving' ? Math.max(0, Math.floor(Math.log(candidates) / Math.log(s.eta) + 1e-9)) : 0;
}

function candidatesOf(s: ParsedSearchOptions, seed: number): Record<string, unknown>[] {
  const candidates = searchCandidates(s.space, { strategy: s.strategy, seed, ...(s.trials === undefined ? {} : { trials: s.trials }) });
  if (candidates.length === 0) throw new TrainingError('HOKUSAI_SEARCH_INVALID', 'The search space produced no candidates.');
  return candidates;
}

/**
 * How many successive-halving rungs follow the first (0 for grid and random search). It depends
 * on the search options and the seed only, not on the data, so a flow can be laid out with one
 * fan-out per rung before any data is read.
 */
export function laterRungCount(search: SearchOptions, seed: number): number {
  const s = parseSearchOptions(search);
  return lastRung(s, candidatesOf(s, seed).length);
}

export function prepareSearch(table: Table, options: TrainOptions, search: SearchOptions): PreparedSearch {
  const opts = parseTrainOptions(options);
  const s = parseSearchOptions(search);
  const candidates = candidatesOf(s, opts.seed);
  const split = searchSplit(table, { target: opts.target, seed: opts.seed, validationFraction: s.validationFraction, ...(opts.task === undefined ? {} : { task: opts.task }) });
  const n = split.trainRows.length;
  const rungs = lastRung(s, candidates.length);
  let trainTable: Table | undefined;
  let validationBytes: Uint8Array | undefined;
  const trainBytes = new Map<number, Uint8Array>();
  const trial = (id: number, rung: number): SearchTrial => {
    const candidate = candidates[id];
    if (candidate === undefined || rung < 0 || rung > rungs) {
      throw new TrainingError('HOKUSAI_SEARCH_INVALID', `The search has no trial ${id} in rung ${rung} (${candidates.length} candidates, rungs 0..${rungs}).`);
    }
    return { id, rung, rows: Math.max(1, Math.min(n, Math.round(n * s.eta ** (rung - rungs)))), params: { ...opts.params, ...candidate } };
  };
  return {
    options: opts,
    search: s,
    candidates,
    split,
    rungs,
    trial,
    spec: (t) => {
      const expected = trial(t.id, t.rung);
      if (expected.rows !== t.rows) {
        throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Trial ${t.id} of rung ${t.rung} trains on ${expected.rows} rows in this search, not ${t.rows}; the trial belongs to another search or data.`);
      }
      trainTable ??= takeRows(table, split.trainRows);
      validationBytes ??= tableToIPC(takeRows(table, split.validationRows), 'stream');
      let train = trainBytes.get(t.rows);
      if (train === undefined) {
        // The train part is already shuffled, so its first rows are a random subset.
        train = tableToIPC(t.rows >= n ? trainTable : trainTable.slice(0, t.rows), 'stream');
        trainBytes.set(t.rows, train);
      }
      return {
        id: t.id,
        train,
        validation: validationBytes,
        target: opts.target,
        seed: opts.seed,
        family: opts.family,
        params: t.params,
        exclude: opts.exclude,
        ...(opts.features === undefined ? {} : { features: opts.features }),
        metric: s.metric,
      };
    },
  };
}

/**
 * Splits a search into trials a scheduler can run anywhere: the first wave of trials (all of
 * them for grid and random search, rung 0 for successive halving), each plain data. Same table,
 * options and seed give the same plan on every machine.
 */
export function planSearch(table: Table, options: TrainOptions, search: SearchOptions): SearchPlan {
  const p = prepareSearch(table, options, search);
  return {
    trials: p.candidates.map((_, id) => p.trial(id, 0)),
    rungs: p.rungs,
    split: { trainRows: p.split.trainRows.length, validationRows: p.split.validationRows.length },
  };
}

// Trials of one search in one process share the table object: their split and its bytes are made once.
const prepared = new WeakMap<Table, Map<string, PreparedSearch>>();

/** The prepared search for this table and options, made once per process. */
function preparedFor(table: Table, options: TrainOptions, search: SearchOptions): PreparedSearch {
  const key = JSON.stringify([options, search]);
  let byKey = prepared.get(table);
  if (byKey === undefined) prepared.set(table, (byKey = new Map()));
  let p = byKey.get(key);
  if (p === undefined) {
    p = prepareSearch(table, options, search);
    byKey.set(key, p);
  }
  return p;
}

/** The TrialSpec of one planned trial, for `runTrial`: the split is derived again from the table and seed. */
export function searchTrialSpec(table: Table, options: TrainOptions, search: SearchOptions, trial: SearchTrial): TrialSpec {
  return preparedFor(table, options, search).spec(trial);
}

/**
 * The trials of successive-halving rung `rung` (1 or more) from the results of the rung before
 * it, in any order: the best 1/eta of them (highest score, lowest candidate id on a tie), each on
 * eta times the rows. A scheduler fans them out as it did the first rung.
 */
export function planRung(table: Table, options: TrainOptions, search: SearchOptions, previous: readonly TrialResult[], rung: number): SearchTrial[] {
  const p = preparedFor(table, options, search);
  if (!Number.isInteger(rung) || rung < 1 || rung > p.rungs) {
    throw new TrainingError('HOKUSAI_SEARCH_INVALID', `This search has later rungs 1..${p.rungs}, not ${rung}.`);
  }
  return survivors(previous, p.search.eta).map((r) => p.trial(r.id, rung));
}

/** The best 1/eta of a rung's results (at least one), best first. */
export function survivors(results: readonly TrialResult[], eta: number): TrialResult[] {
  const keep = Math.max(1, Math.floor(results.length / eta));
  return [...results].sort(compareTrials).slice(0, keep);
}
