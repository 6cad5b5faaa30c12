/**
 * Population stability index, the drift statistic of the report's data section:
 *
 *   PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)
 *
 * over bins i, with e_i the share of the reference (base) rows in bin i and a_i the share of the
 * compared (contributed or benchmark) rows. Shares count every row, missing values in a bin of
 * their own. A share of 0 is replaced by PSI_EPSILON (1e-4), the usual convention, so that a bin
 * empty on one side adds a large but finite term. Read: below 0.1 no notable shift, 0.1 to 0.25 a
 * moderate shift, above 0.25 a major one.
 *
 * Bins: for numbers, the base deciles (type 1 quantiles: the value at sorted position ⌈q·m⌉ − 1
 * for q = 0.1 … 0.9 of the m non-missing base values; repeated edges merged), giving intervals
 * (−∞, q1], (q1, q2], …, (q9, ∞); for categories, each of the PSI_MAX_CATEGORIES most frequent
 * base values (ties by value), one bin for every other value, new values included.
 */
export const PSI_EPSILON = 1e-4;
export const PSI_MAX_CATEGORIES = 20;
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;

/** PSI of `actual` against `expected` (bin counts, same bins); null when either side has no rows. */
export function psiFromCounts(expected: ArrayLike<number>, actual: ArrayLike<number>): number | null {
  let te = 0;
  let ta = 0;
  for (let i = 0; i < expected.length; i++) {
    te += expected[i] as number;
    ta += actual[i] as number;
  }
  if (te === 0 || ta === 0) return null;
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max((expected[i] as number) / te, PSI_EPSILON);
    const a = Math.max((actual[i] as number) / ta, PSI_EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Decile edges of sorted non-missing base values (see the module comment); empty for no values. */
export function decileEdges(sorted: Float64Array): number[] {
  const m = sorted.length;
  if (m === 0) return [];
  const edges: number[] = [];
  for (let k = 1; k <= 9; k++) {
    const v = sorted[Math.max(0, Math.ceil((k / 10) * m) - 1)] as number;
    if (edges.length === 0 || v !== edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

/** Counts per bin (−∞, e0], (e0, e1], …, (e_last, ∞), then one bin of missing values. */
export function numberBinCounts(values: Float64Array, missing: number, edges: number[]): Float64Array {
  const counts = new Float64Array(edges.length + 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // first edge with v <= edge
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= (edges[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    (counts as Float64Array)[lo] = (counts[lo] as number) + 1;
  }
  counts[edges.length + 1] = missing;
  return counts;
}

/** Counts per bin: each of `categories`, then every other value, then missing values. */
export function categoryBinCounts(counts: Map<string, number>, missing: number, categories: string[]): Float64Array {
  const out = new Float64Array(categories.length + 2);
  const index = new Map(categories.map((c, i) => [c, i]));
  for (const [value, n] of counts) {
    const i = index.get(value) ?? categories.length;
    out[i] = (out[i] as number) + n;
  }
  out[categories.length + 1] = missing;
  return out;
}

/** The PSI bins of a category column: its most frequent base values, ties by value. */
export function psiCategories(base: Map<string, number>): string[] {
  return [...base.entries()]
    .sort(([va, a], [vb, b]) => b - a || (va < vb ? -1 : va > vb ? 1 : 0))
    .slice(0, PSI_MAX_CATEGORIES)
    .map(([v]) => v);
}
