import { z } from 'zod';
import { checkScores, parseOptions, toLabelArray } from '../validation.js';
import type { Labels } from '../validation.js';
import { buildTieGroups } from './tie-groups.js';

/** Aligned arrays; a null threshold marks the extra end point scikit-learn adds (its +inf / none). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
}

export interface PrCurve {
  precision: number[];
  recall: number[];
  thresholds: (number | null)[];
}

const curveOptions = z
  .object({
    /** Thin to at most this many points (first and last always kept), for plotting. */
    maxPoints: z.number().int().min(2).optional(),
    dropIntermediate: z.boolean().optional(),
  })
  .strict();

export interface CurveOptions {
  maxPoints?: number;
  dropIntermediate?: boolean;
}

/** Evenly spaced subset of indices 0..len-1 keeping both ends. */
function thinIndices(len: number, maxPoints: number | undefined): number[] {
  if (maxPoints === undefined || len <= maxPoints) return Array.from({ length: len }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < maxPoints; i++) {
    const idx = Math.round((i * (len - 1)) / (maxPoints - 1));
    if (out.length === 0 || out[out.length - 1] !== idx) out.push(idx);
  }
  return out;
}

/**
 * Positives and negatives at or above each distinct score (descending), and the scores. Typed
 * arrays: a benchmark of a million distinct scores makes no million-element JavaScript arrays,
 * and the curves below read only the points they keep.
 */
interface Cumulative {
  fps: Float64Array;
  tps: Float64Array;
  thr: Float64Array;
}

function cumulative(yTrue: Labels, scores: Float64Array): Cumulative {
  const y = toLabelArray(yTrue, 2);
  const s = checkScores(scores, y.length, 'scores', false);
  const g = buildTieGroups(y, s);
  const m = g.values.length;
  const fps = new Float64Array(m);
  const tps = new Float64Array(m);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < m; i++) {
    tp += g.pos[i] as number;
    fp += g.neg[i] as number;
    tps[i] = tp;
    fps[i] = fp;
  }
  return { fps, tps, thr: g.values };
}

/** 0..m-1, or the indices `keep(i)` accepts between the two ends (which are always kept). */
function keptPoints(m: number, drop: boolean, keep: (i: number) => boolean): Int32Array {
  if (!drop || m <= 2) return Int32Array.from({ length: m }, (_, i) => i);
  const out = new Int32Array(m);
  let k = 0;
  out[k++] = 0;
  for (let i = 1; i < m - 1; i++) if (keep(i)) out[k++] = i;
  out[k++] = m - 1;
  return out.subarray(0, k);
}

/**
 * ROC curve points as scikit-learn's roc_curve (drop_intermediate defaults to true, and the
 * curve starts at (0, 0) with threshold null for +inf). Null when either class is absent.
 */
export function rocCurve(yTrue: Labels, scores: Float64Array, options: CurveOptions = {}): RocCurve | null {
  return rocFrom(cumulative(yTrue, scores), parseOptions(curveOptions, options, 'rocCurve'));
}

function rocFrom({ fps, tps, thr }: Cumulative, opts: CurveOptions): RocCurve | null {
  const last = fps.length - 1;
  const P = tps[last] as number;
  const N = fps[last] as number;
  if (P === 0 || N === 0) return null;
  const kept = keptPoints(fps.length, opts.dropIntermediate ?? true, (i) => {
    const d2f = (fps[i + 1] as number) - 2 * (fps[i] as number) + (fps[i - 1] as number);
    const d2t = (tps[i + 1] as number) - 2 * (tps[i] as number) + (tps[i - 1] as number);
    return d2f !== 0 || d2t !== 0;
  });
  // Point 0 is (0, 0) at +inf; point j > 0 is the kept group j - 1.
  const idx = thinIndices(kept.length + 1, opts.maxPoints);
  const at = (j: number): number => kept[j - 1] as number;
  return {
    fpr: idx.map((j) => (j === 0 ? 0 : (fps[at(j)] as number) / N)),
    tpr: idx.map((j) => (j === 0 ? 0 : (tps[at(j)] as number) / P)),
    thresholds: idx.map((j) => (j === 0 ? null : (thr[at(j)] as number))),
  };
}

/**
 * Precision-recall points as scikit-learn's precision_recall_curve: recall decreasing,
 * ending at (recall 0, precision 1) whose threshold is null. Null when there is no positive.
 */
export function prCurve(yTrue: Labels, scores: Float64Array, options: CurveOptions = {}): PrCurve | null {
  return prFrom(cumulative(yTrue, scores), parseOptions(curveOptions, options, 'prCurve'));
}

/**
 * `rocCurve` and `prCurve` of the same scores, which are ordered once for both (a million
 * scores: one sort instead of two).
 */
export function rocAndPrCurves(yTrue: Labels, scores: Float64Array, options: { roc?: CurveOptions; pr?: CurveOptions } = {}): { roc: RocCurve | null; pr: PrCurve | null } {
  const roc = parseOptions(curveOptions, options.roc ?? {}, 'rocAndPrCurves');
  const pr = parseOptions(curveOptions, options.pr ?? {}, 'rocAndPrCurves');
  const c = cumulative(yTrue, scores);
  return { roc: rocFrom(c, roc), pr: prFrom(c, pr) };
}

function prFrom({ fps, tps, thr }: Cumulative, opts: CurveOptions): PrCurve | null {
  const P = tps[tps.length - 1] as number;
  if (P === 0) return null;
  const kept = keptPoints(tps.length, opts.dropIntermediate ?? false, (i) => (tps[i] as number) !== (tps[i - 1] as number) || (tps[i + 1] as number) !== (tps[i] as number));
  // Point j < k is the kept group k - 1 - j (recall decreasing); point k is (recall 0, precision 1).
  const k = kept.length;
  const idx = thinIndices(k + 1, opts.maxPoints);
  const at = (j: number): number => kept[k - 1 - j] as number;
  return {
    precision: idx.map((j) => {
      if (j === k) return 1;
      const t = tps[at(j)] as number;
      const ps = t + (fps[at(j)] as number);
      return ps === 0 ? 0 : t / ps;
    }),
    recall: idx.map((j) => (j === k ? 0 : (tps[at(j)] as number) / P)),
    thresholds: idx.map((j) => (j === k ? null : (thr[at(j)] as number))),
  };
}
