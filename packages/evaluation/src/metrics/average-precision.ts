import type { TieGroups } from './tie-groups.js';

/**
 * Average precision as scikit-learn's average_precision_score: the step-wise sum
 * sum_k (R_k - R_{k-1}) P_k over distinct thresholds, without interpolation.
 * Null when there are no positives (recall is undefined).
 */
export function averagePrecisionFromGroups(t: TieGroups): number | null {
  if (t.totalPos === 0) return null;
  return averagePrecisionFromCounts(t.pos, t.neg, t.totalPos);
}

/** Same sum from per-group counts ordered by descending score; totalPos must be > 0. */
export function averagePrecisionFromCounts(pos: Float64Array, neg: Float64Array, totalPos: number): number {
  let tp = 0;
  let fp = 0;
  let ap = 0;
  const m = pos.length;
  for (let g = 0; g < m; g++) {
    const p = pos[g] as number;
    tp += p;
    fp += neg[g] as number;
    if (p !== 0) ap += (p / totalPos) * (tp / (tp + fp));
  }
  return ap;
}
