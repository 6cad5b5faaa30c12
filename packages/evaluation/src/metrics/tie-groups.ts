/**
 * Scores grouped by distinct value, highest first, with positive/negative counts per group.
 * Every ranking metric (AUROC, AP, ROC/PR curves, DeLong) reads this one structure, so the
 * O(n log n) sort happens once per model however many ranking figures are asked for.
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

export function buildTieGroups(y: Int32Array, s: Float64Array): TieGroups {
  const n = s.length;
  // The native numeric sort is several times faster than sorting indices with a comparator.
  const sorted = Float64Array.from(s).sort();
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || (sorted[i] as number) !== (sorted[m - 1] as number)) {
      sorted[m++] = sorted[i] as number;
    }
  }
  const asc = sorted.subarray(0, m);
  const values = new Float64Array(m);
  for (let g = 0; g < m; g++) values[g] = asc[m - 1 - g] as number;
  const pos = new Float64Array(m);
  const neg = new Float64Array(m);
  const groupOf = new Int32Array(n);
  let totalPos = 0;
  for (let i = 0; i < n; i++) {
    const v = s[i] as number;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((asc[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    const g = m - 1 - lo;
    groupOf[i] = g;
    if (y[i] === 1) {
      pos[g] = (pos[g] as number) + 1;
      totalPos++;
    } else {
      neg[g] = (neg[g] as number) + 1;
    }
  }
  return { values, pos, neg, groupOf, totalPos, totalNeg: n - totalPos };
}
