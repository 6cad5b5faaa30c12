import { countMetrics } from '../metrics/confusion.js';
import type { CountMetrics } from '../metrics/confusion.js';
import { SeededRandom } from './random.js';
import type { TieGroups } from '../metrics/tie-groups.js';

export const COUNT_METRICS = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1'] as const;
export type CountMetricName = (typeof COUNT_METRICS)[number];

/**
 * Joint table of (truth, baseline prediction, new prediction): cell = 4y + 2pBase + pNew.
 * Every threshold metric of both models is a function of these 8 counts, so resampling
 * rows with replacement is the same in distribution as drawing the 8 counts from a
 * Multinomial(n, cells / n). That makes a 1000-resample paired bootstrap on a million rows
 * cost microseconds instead of a billion index draws.
 */
export function jointCells(y: Int32Array, base: Float64Array, next: Float64Array, threshold: number): Float64Array {
  const cells = new Float64Array(8);
  for (let i = 0; i < y.length; i++) {
    const k = ((y[i] as number) << 2) | ((base[i] as number) >= threshold ? 2 : 0) | ((next[i] as number) >= threshold ? 1 : 0);
    cells[k] = (cells[k] as number) + 1;
  }
  return cells;
}

function confusionOf(cells: Float64Array, bit: 1 | 2): { tp: number; fp: number; tn: number; fn: number } {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let k = 0; k < 8; k++) {
    const c = cells[k] as number;
    const pred = (k & bit) !== 0;
    if (k >= 4) {
      if (pred) tp += c;
      else fn += c;
    } else if (pred) fp += c;
    else tn += c;
  }
  return { tp, fp, tn, fn };
}

export function countMetricsFromCells(cells: Float64Array, zeroDivision: 0 | 1): { base: CountMetrics; next: CountMetrics } {
  return { base: countMetrics(confusionOf(cells, 2), zeroDivision), next: countMetrics(confusionOf(cells, 1), zeroDivision) };
}

/** Bootstrap distribution of (new - baseline) for each threshold metric. */
export function bootstrapCountDeltas(cells: Float64Array, resamples: number, seed: number, zeroDivision: 0 | 1): Record<CountMetricName, Float64Array> {
  let n = 0;
  for (let k = 0; k < 8; k++) n += cells[k] as number;
  const rng = new SeededRandom(seed);
  const draw = new Float64Array(8);
  const out = {} as Record<CountMetricName, Float64Array>;
  for (const name of COUNT_METRICS) out[name] = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    rng.nextMultinomial(n, cells, draw);
    const { base, next } = countMetricsFromCells(draw, zeroDivision);
    for (const name of COUNT_METRICS) (out[name] as Float64Array)[r] = next[name] - base[name];
  }
  return out;
}

/**
 * Plain row-resampling paired bootstrap for metrics that are not functions of the joint
 * table (average precision, custom metrics). Resamples where the metric is undefined for
 * either model (e.g. no positive drawn) are left out; NaN marks them.
 */
export function bootstrapRowDeltas(
  y: Int32Array,
  base: Float64Array,
  next: Float64Array,
  metric: (y: Int32Array, s: Float64Array) => number | null,
  resamples: number,
  seed: number,
): Float64Array {
  const n = y.length;
  const rng = new SeededRandom(seed);
  const ry = new Int32Array(n);
  const ra = new Float64Array(n);
  const rb = new Float64Array(n);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.nextIndex(n);
      ry[i] = y[j] as number;
      ra[i] = base[j] as number;
      rb[i] = next[j] as number;
    }
    const va = metric(ry, ra);
    const vb = metric(ry, rb);
    out[r] = va === null || vb === null ? Number.NaN : vb - va;
  }
  return out;
}

/**
 * Paired bootstrap of average precision without re-sorting: a resampled row keeps the tie
 * group it has in the full data, so each resample only re-counts positives and negatives per
 * group (O(n + groups)) instead of sorting again (O(n log n)).
 */
export function bootstrapAveragePrecisionDeltas(y: Int32Array, base: TieGroups, next: TieGroups, resamples: number, seed: number): Float64Array {
  return bootstrapRankingDeltas(y, base, next, resamples, seed, averagePrecisionFromInterleaved);
}

/** The same grouped resampling for AUROC (used by pairedBootstrap; computeDelta uses DeLong). */
export function bootstrapAurocDeltas(y: Int32Array, base: TieGroups, next: TieGroups, resamples: number, seed: number): Float64Array {
  return bootstrapRankingDeltas(y, base, next, resamples, seed, aurocFromInterleaved);
}

function bootstrapRankingDeltas(
  y: Int32Array,
  base: TieGroups,
  next: TieGroups,
  resamples: number,
  seed: number,
  metric: (counts: Int32Array) => number | null,
): Float64Array {
  const n = y.length;
  const rng = new SeededRandom(seed);
  // key = 2 * group + label: one branch-free increment per model per drawn row.
  const keyA = new Int32Array(n);
  const keyB = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    keyA[i] = ((base.groupOf[i] as number) << 1) | (y[i] as number);
    keyB[i] = ((next.groupOf[i] as number) << 1) | (y[i] as number);
  }
  const countA = new Int32Array(2 * base.values.length);
  const countB = new Int32Array(2 * next.values.length);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    countA.fill(0);
    countB.fill(0);
    for (let i = 0; i < n; i++) {
      const j = rng.nextIndex(n);
      const ka = keyA[j] as number;
      const kb = keyB[j] as number;
      countA[ka] = (countA[ka] as number) + 1;
      countB[kb] = (countB[kb] as number) + 1;
    }
    const va = metric(countA);
    const vb = metric(countB);
    out[r] = va === null || vb === null ? Number.NaN : vb - va;
  }
  return out;
}

/** Average precision from [neg0, pos0, neg1, pos1, ...] counts in descending-score order. */
function averagePrecisionFromInterleaved(counts: Int32Array): number | null {
  let totalPos = 0;
  for (let k = 1; k < counts.length; k += 2) totalPos += counts[k] as number;
  if (totalPos === 0) return null;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let k = 0; k < counts.length; k += 2) {
    const p = counts[k + 1] as number;
    tp += p;
    fp += counts[k] as number;
    if (p !== 0) ap += (p / totalPos) * (tp / (tp + fp));
  }
  return ap;
}

/** Mann-Whitney AUROC from [neg0, pos0, neg1, pos1, ...] counts in descending-score order. */
function aurocFromInterleaved(counts: Int32Array): number | null {
  let totalPos = 0;
  let totalNeg = 0;
  for (let k = 0; k < counts.length; k += 2) {
    totalNeg += counts[k] as number;
    totalPos += counts[k + 1] as number;
  }
  if (totalPos === 0 || totalNeg === 0) return null;
  let negBelow = totalNeg;
  let pairs = 0;
  for (let k = 0; k < counts.length; k += 2) {
    const q = counts[k] as number;
    const p = counts[k + 1] as number;
    negBelow -= q;
    if (p !== 0) pairs += p * negBelow + 0.5 * p * q;
  }
  return pairs / (totalPos * totalNeg);
}

/**
 * Paired bootstrap of a row-mean metric (log loss, Brier): the delta is the mean of the
 * per-row differences, so each resample only sums n drawn differences.
 */
export function bootstrapMeanDeltas(diffs: Float64Array, resamples: number, seed: number): Float64Array {
  const n = diffs.length;
  const rng = new SeededRandom(seed);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[rng.nextIndex(n)] as number;
    out[r] = sum / n;
  }
  return out;
}

/** numpy's default ("linear", Hyndman & Fan type 7) quantile of ascending-sorted values. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

export interface BootstrapSummary {
  ci: [number, number] | null;
  p_value: number | null;
  /** Resamples where the metric was defined for both models. */
  used: number;
}

/**
 * Percentile interval at level 1 - alpha and the interval-inversion p-value
 * min(1, 2 min((#{d <= 0} + 1) / (B + 1), (#{d >= 0} + 1) / (B + 1))), which never reports 0.
 */
export function summarizeBootstrap(deltas: Float64Array, alpha: number): BootstrapSummary {
  const kept = deltas.filter((d) => !Number.isNaN(d)).sort();
  const B = kept.length;
  if (B === 0) return { ci: null, p_value: null, used: 0 };
  let le = 0;
  let ge = 0;
  for (let i = 0; i < B; i++) {
    const d = kept[i] as number;
    if (d <= 0) le++;
    if (d >= 0) ge++;
  }
  const p = Math.min(1, 2 * Math.min((le + 1) / (B + 1), (ge + 1) / (B + 1)));
  return { ci: [quantileSorted(kept, alpha / 2), quantileSorted(kept, 1 - alpha / 2)], p_value: p, used: B };
}

/** Stable 32-bit FNV-1a of a metric name, so each metric gets its own reproducible stream. */
export function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((seed >>> 0) ^ (h >>> 0)) >>> 0;
}
