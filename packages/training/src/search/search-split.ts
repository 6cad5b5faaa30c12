import type { Table } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import { discoverClasses } from '../labels.js';
import { SeededRandom } from '../seeded-random.js';

export interface SearchSplit {
  /** Rows of the table that train each trial, shuffled (successive halving takes prefixes). */
  trainRows: Int32Array;
  /** Rows held out to score each trial. */
  validationRows: Int32Array;
}

export interface SearchSplitOptions {
  target: string;
  seed: number;
  task?: 'binary' | 'multiclass';
  /** Share of each class held out (default 0.2). */
  validationFraction?: number;
}

/**
 * The seeded, stratified validation split of a search, drawn from `table` alone (the training
 * data, never the benchmark). It depends only on the labels and the seed, so every machine that
 * runs a trial of the search derives the same rows.
 */
export function searchSplit(table: Table, options: SearchSplitOptions): SearchSplit {
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) {
    throw new TrainingError('HOKUSAI_SEARCH_INVALID', `The validation fraction of a search must lie strictly between 0 and 1, not ${fraction}.`);
  }
  const { y } = discoverClasses(table, options.target, options.task);
  return stratifiedSplit(y, fraction, new SeededRandom(options.seed).fork());
}

/** Per class, a seeded shuffle puts `fraction` of the rows in validation (at least one per class with two or more rows). */
function stratifiedSplit(y: Int32Array, fraction: number, rng: SeededRandom): SearchSplit {
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
