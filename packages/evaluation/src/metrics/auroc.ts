import type { TieGroups } from './tie-groups.js';

/**
 * Area under the ROC curve as the Mann-Whitney probability P(score+ > score-) + 0.5 P(tie),
 * which equals scikit-learn's trapezoidal area exactly, ties included. The pair count is
 * accumulated in integers and half-integers (exact in float64 up to ~4.5e15 pairs) and
 * divided once. Returns null when one class is absent: the area is undefined, not 0.5.
 */
export function aurocFromGroups(t: TieGroups): number | null {
  if (t.totalPos === 0 || t.totalNeg === 0) return null;
  let negBelow = t.totalNeg;
  let pairs = 0;
  const m = t.values.length;
  for (let g = 0; g < m; g++) {
    const p = t.pos[g] as number;
    const q = t.neg[g] as number;
    negBelow -= q;
    if (p !== 0) pairs += p * negBelow + 0.5 * p * q;
  }
  return pairs / (t.totalPos * t.totalNeg);
}
