import type { TieGroups } from './tie-groups.js';

/**
 * Average precision as scikit-learn's average_precision_score: the step-wise sum
 * sum_k (R_k - R_{k-1}) P_k over distinct thresholds, without interpolation.
 * Null when there are no positives (recall is undefined).
 */
export function averagePrecisionFromGroups(t: TieGroups): number | null {
  if (t.totalPos === 0) return null;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  const m = t.values.length;
  for (let g = 0; g < m; g++) {
    const p = t.pos[g] as number;
    tp += p;
    fp += t.neg[g] as number;
    if (p !== 0) ap += (p / t.totalPos) * (tp / (tp + fp));
  }
  return ap;
}
