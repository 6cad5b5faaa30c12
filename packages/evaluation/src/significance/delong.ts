import type { TieGroups } from '../metrics/tie-groups.js';
import { normalQuantile, normalTwoSidedP } from './normal.js';

export interface DeLongResult {
  auc_baseline: number;
  auc_new: number;
  /** auc_new - auc_baseline */
  delta: number;
  /** Standard error of delta. */
  se: number;
  z: number | null;
  p_value: number;
  ci: [number, number];
  ci_level: number;
}

/**
 * Per-group structural components: a positive in group g has V10 = (negatives below +
 * half the tied negatives) / N, a negative has V01 = (positives above + half the tied
 * positives) / M. This is Sun & Xu's (2014) midrank form, O(n log n) because the ranks
 * come from the shared sort.
 */
function components(t: TieGroups): { v10: Float64Array; v01: Float64Array; auc: number } {
  const m = t.values.length;
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(m);
  let negBelow = t.totalNeg;
  let posAbove = 0;
  let pairs = 0;
  for (let g = 0; g < m; g++) {
    const p = t.pos[g] as number;
    const q = t.neg[g] as number;
    negBelow -= q;
    v10[g] = (negBelow + 0.5 * q) / t.totalNeg;
    v01[g] = (posAbove + 0.5 * p) / t.totalPos;
    pairs += p * negBelow + 0.5 * p * q;
    posAbove += p;
  }
  return { v10, v01, auc: pairs / (t.totalPos * t.totalNeg) };
}

/**
 * DeLong, DeLong & Clarke-Pearson (1988) test for two correlated AUROCs on the same rows.
 * Null when either class is absent or has a single row (the covariance needs two).
 */
export function delongFromGroups(y: Int32Array, base: TieGroups, next: TieGroups, alpha: number): DeLongResult | null {
  const M = base.totalPos;
  const N = base.totalNeg;
  if (M < 2 || N < 2) return null;
  const a = components(base);
  const b = components(next);
  let s10aa = 0, s10bb = 0, s10ab = 0, s01aa = 0, s01bb = 0, s01ab = 0;
  const ga = base.groupOf;
  const gb = next.groupOf;
  for (let i = 0; i < y.length; i++) {
    const ia = ga[i] as number;
    const ib = gb[i] as number;
    if (y[i] === 1) {
      const da = (a.v10[ia] as number) - a.auc;
      const db = (b.v10[ib] as number) - b.auc;
      s10aa += da * da;
      s10bb += db * db;
      s10ab += da * db;
    } else {
      const da = (a.v01[ia] as number) - a.auc;
      const db = (b.v01[ib] as number) - b.auc;
      s01aa += da * da;
      s01bb += db * db;
      s01ab += da * db;
    }
  }
  const varDelta = (s10aa + s10bb - 2 * s10ab) / (M - 1) / M + (s01aa + s01bb - 2 * s01ab) / (N - 1) / N;
  const se = Math.sqrt(Math.max(0, varDelta));
  const delta = b.auc - a.auc;
  const zq = normalQuantile(1 - alpha / 2);
  let z: number | null;
  let p: number;
  if (se > 0) {
    z = delta / se;
    p = normalTwoSidedP(z);
  } else {
    // Identical rankings (or a degenerate perfect split): no sampling variability to test.
    z = null;
    p = delta === 0 ? 1 : 0;
  }
  return { auc_baseline: a.auc, auc_new: b.auc, delta, se, z, p_value: p, ci: [delta - zq * se, delta + zq * se], ci_level: 1 - alpha };
}
