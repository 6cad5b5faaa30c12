import { createHash } from 'node:crypto';
import { ascendingOrder, valuesOfKeys } from './score-order.js';

/**
 * Scores grouped by distinct value, highest first, with positive/negative counts per group.
 * Every ranking metric (AUROC, AP, ROC/PR curves, DeLong) reads this one structure, so the
 * ordering of the scores happens once per model however many ranking figures are asked for.
 */
export interface TieGroups {
  /** Distinct scores, descending. */
  readonly values: Float64Array;
  /** Positives per group (float so weighted counts fit the same code). */
  readonly pos: Float64Array;
  readonly neg: Float64Array;
  /** Group index of each row. */
  readonly groupOf: Int32Array;
  readonly totalPos: number;
  readonly totalNeg: number;
}

/**
 * From this many rows, the last tie groups made are remembered: the pipeline's evaluate, delta
 * and report steps each order the same two models' scores (read back from the run store, so not
 * the same arrays), about 0.1 s a time at a million rows, where recognizing them (a SHA-256 of
 * the labels and scores) takes a few ms. Below it, ordering costs less than recognizing.
 */
const REMEMBER_MIN_ROWS = 100_000;
/** Two: the baseline's and the new model's scores. */
const REMEMBERED = 2;
const remembered: { key: string; groups: TieGroups }[] = [];

/** The tie groups of scores `s` (no NaN; -0 and 0 are one value) and 0/1 labels `y`; never changed by a caller (they may be shared). */
export function buildTieGroups(y: Int32Array, s: Float64Array): TieGroups {
  if (s.length < REMEMBER_MIN_ROWS) return tieGroupsOf(y, s);
  const key = createHash('sha256')
    .update(`${y.length}:${s.length}:`)
    .update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength))
    .update(new Uint8Array(s.buffer, s.byteOffset, s.byteLength))
    .digest('hex');
  const known = remembered.find((r) => r.key === key);
  if (known !== undefined) return known.groups;
  const groups = tieGroupsOf(y, s);
  remembered.unshift({ key, groups });
  remembered.length = Math.min(remembered.length, REMEMBERED);
  return groups;
}

/** buildTieGroups without remembering (the tests compare the two). */
export function tieGroupsOf(y: Int32Array, s: Float64Array): TieGroups {
  const n = s.length;
  const { order, hi, lo } = ascendingOrder(s);
  // From the highest score down, a new group wherever the key changes; each group's key is kept
  // to give its value.
  const groupHi = new Uint32Array(n);
  const groupLo = new Uint32Array(n);
  const groupOf = new Int32Array(n);
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  let m = 0;
  let totalPos = 0;
  let negativeZero = false;
  for (let k = n - 1; k >= 0; k--) {
    const h = hi[k] as number;
    const l = lo[k] as number;
    if (k === n - 1 || h !== groupHi[m - 1] || l !== groupLo[m - 1]) {
      groupHi[m] = h;
      groupLo[m] = l;
      m++;
    }
    const i = order[k] as number;
    const g = m - 1;
    groupOf[i] = g;
    if (y[i] === 1) {
      pos[g] = (pos[g] as number) + 1;
      totalPos++;
    } else {
      neg[g] = (neg[g] as number) + 1;
    }
    if (h === 0x80000000 && l === 0 && 1 / (s[i] as number) < 0) negativeZero = true;
  }
  const values = valuesOfKeys(groupHi, groupLo, m);
  // -0 and 0 are one group, written as -0 when any of its scores is -0 (the smaller in sort order).
  if (negativeZero) values[values.indexOf(0)] = -0;
  return { values, pos: pos.slice(0, m), neg: neg.slice(0, m), groupOf, totalPos, totalNeg: n - totalPos };
}
