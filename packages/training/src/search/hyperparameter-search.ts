import { availableParallelism } from 'node:os';
import { tableToIPC, type Table } from 'apache-arrow';
import { z } from 'zod';
import { TrainingError } from '../errors.js';
import { takeRows } from '../features/take-rows.js';
import { discoverClasses } from '../labels.js';
import { registeredBuiltins } from '../families/builtin-families.js';
import { SeededRandom } from '../seeded-random.js';
import { parseTrainOptions, type TrainOptions } from '../train-options.js';
import type { TrialResult, TrialSpec } from './run-trial.js';
import { gridCandidates, randomCandidates, SearchSpaceSchema } from './search-space.js';
import { runTrials } from './trial-pool.js';

const SearchOptionsSchema = z.strictObject({
  strategy: z.enum(['grid', 'random', 'halving']),
  space: SearchSpaceSchema,
  /** Candidates drawn for random search and successive halving (halving uses the grid when every dimension is a list and trials is unset). */
  trials: z.number().int().positive().max(10_000).optional(),
  validationFraction: z.number().gt(0).lt(1).default(0.2),
  metric: z.enum(['log_loss', 'accuracy', 'auroc']).default('log_loss'),
  /** Worker threads; 0 runs trials in this thread. Default: one per core, at most 4. */
  workers: z.number().int().min(0).max(64).optional(),
  /** Successive halving keeps the best 1/eta candidates per rung and gives them eta times the rows. */
  eta: z.number().int().min(2).default(3),
});
export type SearchOptions = z.input<typeof SearchOptionsSchema>;

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
  const opts = parseTrainOptions(options);
  const parsed = SearchOptionsSchema.safeParse(search);
  if (!parsed.success) throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Invalid search options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const s = parsed.data;
  const rng = new SeededRandom(opts.seed).fork();
  const { y } = discoverClasses(table, opts.target, opts.task);
  const { trainRows, validationRows } = stratifiedSplit(y, s.validationFraction, rng);
  const trainTable = takeRows(table, trainRows);
  const trainBytes = tableToIPC(trainTable, 'stream');
  const validationBytes = tableToIPC(takeRows(table, validationRows), 'stream');
  const allLists = Object.values(s.space).every((d) => 'values' in d);
  const candidates =
    s.strategy === 'grid' || (s.strategy === 'halving' && allLists && s.trials === undefined)
      ? gridCandidates(s.space)
      : randomCandidates(s.space, s.trials ?? 10, rng);
  // Custom families exist only in this thread's registry, so their trials cannot move to workers.
  const workers = registeredBuiltins().includes(opts.family) ? (s.workers ?? Math.min(4, availableParallelism())) : 0;
  const spec = (id: number, params: Record<string, unknown>, train: Uint8Array): TrialSpec => ({
    id,
    train,
    validation: validationBytes,
    target: opts.target,
    seed: opts.seed,
    family: opts.family,
    params: { ...opts.params, ...params },
    exclude: opts.exclude,
    ...(opts.features === undefined ? {} : { features: opts.features }),
    metric: s.metric,
  });
  const trials: (TrialResult & { rung: number })[] = [];
  if (s.strategy !== 'halving') {
    const results = await runTrials(candidates.map((c, i) => spec(i, c, trainBytes)), workers);
    trials.push(...results.map((r) => ({ ...r, rung: 0 })));
  } else {
    const rungs = Math.max(0, Math.floor(Math.log(candidates.length) / Math.log(s.eta) + 1e-9));
    let alive = candidates.map((c, i) => ({ id: i, params: c }));
    for (let rung = 0; rung <= rungs && alive.length > 0; rung++) {
      const rows = Math.max(1, Math.round(trainRows.length * s.eta ** (rung - rungs)));
      // The train part is already shuffled, so its first rows are a random subset.
      const bytes = rows >= trainRows.length ? trainBytes : tableToIPC(trainTable.slice(0, rows), 'stream');
      const results = await runTrials(alive.map((a) => spec(a.id, a.params, bytes)), workers);
      trials.push(...results.map((r) => ({ ...r, rung })));
      const keep = Math.max(1, Math.floor(alive.length / s.eta));
      const ranked = [...results].sort((a, b) => b.score - a.score || a.id - b.id);
      if (rung < rungs) alive = ranked.slice(0, keep).map((r) => ({ id: r.id, params: candidates[r.id] as Record<string, unknown> }));
    }
  }
  const finalRung = Math.max(...trials.map((t) => t.rung));
  const best = trials.filter((t) => t.rung === finalRung).sort((a, b) => b.score - a.score || a.id - b.id)[0];
  if (best === undefined) throw new TrainingError('HOKUSAI_SEARCH_INVALID', 'The search space produced no candidates.');
  return { bestParams: best.params, best, trials, split: { trainRows: trainRows.length, validationRows: validationRows.length } };
}

/** Per class, a seeded shuffle puts `fraction` of the rows in validation (at least one per class with two or more rows). */
function stratifiedSplit(y: Int32Array, fraction: number, rng: SeededRandom): { trainRows: Int32Array; validationRows: Int32Array } {
  const perm = rng.permutation(y.length);
  const byClass = new Map<number, number[]>();
  for (const i of perm) {
    const c = y[i] as number;
    let list = byClass.get(c);
    if (list === undefined) byClass.set(c, (list = []));
    list.push(i);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = byClass.get(c) as number[];
    const nv = list.length >= 2 ? Math.max(1, Math.round(list.length * fraction)) : 0;
    validation.push(...list.slice(0, nv));
    train.push(...list.slice(nv));
  }
  if (validation.length === 0 || train.length === 0) {
    throw new TrainingError('HOKUSAI_TOO_FEW_ROWS', `Too few rows (${y.length}) to hold out a validation split. Add rows or skip the search.`);
  }
  // Re-shuffle the train part so class blocks do not follow each other (halving takes prefixes).
  const order = rng.permutation(train.length);
  return { trainRows: Int32Array.from(order, (i) => train[i] as number), validationRows: Int32Array.from(validation) };
}
