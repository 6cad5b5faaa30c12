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
  const all = Array.from({ length: len }, (_, i) => i);
  if (maxPoints === undefined || len <= maxPoints) return all;
  const out: number[] = [];
  for (let i = 0; i < maxPoints; i++) {
    const idx = Math.round((i * (len - 1)) / (maxPoints - 1));
    if (out.length === 0 || out[out.length - 1] !== idx) out.push(idx);
  }
  return out;
}

function cumulative(yTrue: Labels, scores: Float64Array): { fps: number[]; tps: number[]; thr: number[]; P: number; N: number } {
  const y = toLabelArray(yTrue, 2);
  const s = checkScores(scores, y.length, 'scores', false);
  const g = buildTieGroups(y, s);
  const fps: number[] = [];
  const tps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < g.values.length; i++) {
    tp += g.pos[i] as number;
    fp += g.neg[i] as number;
    tps.push(tp);
    fps.push(fp);
    thr.push(g.values[i] as number);
  }
  return { fps, tps, thr, P: g.totalPos, N: g.totalNeg };
}

/**
 * ROC curve points as scikit-learn's roc_curve (drop_intermediate defaults to true, and the
 * curve starts at (0, 0) with threshold null for +inf). Null when either class is absent.
 */
export function rocCurve(yTrue: Labels, scores: Float64Array, options: CurveOptions = {}): RocCurve | null {
  const opts = parseOptions(curveOptions, options, 'rocCurve');
  let { fps, tps, thr } = cumulative(yTrue, scores);
  const last = fps.length - 1;
  const P = tps[last] as number;
  const N = fps[last] as number;
  if (P === 0 || N === 0) return null;
  if ((opts.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = (fps[i + 1] as number) - 2 * (fps[i] as number) + (fps[i - 1] as number);
      const d2t = (tps[i + 1] as number) - 2 * (tps[i] as number) + (tps[i - 1] as number);
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i] as number);
    tps = keep.map((i) => tps[i] as number);
    thr = keep.map((i) => thr[i] as number);
  }
  const fpr = [0, ...fps.map((v) => v / N)];
  const tpr = [0, ...tps.map((v) => v / P)];
  const thresholds: (number | null)[] = [null, ...thr];
  const idx = thinIndices(fpr.length, opts.maxPoints);
  return { fpr: idx.map((i) => fpr[i] as number), tpr: idx.map((i) => tpr[i] as number), thresholds: idx.map((i) => thresholds[i] as number | null) };
}

/**
 * Precision-recall points as scikit-learn's precision_recall_curve: recall decreasing,
 * ending at (recall 0, precision 1) whose threshold is null. Null when there is no positive.
 */
export function prCurve(yTrue: Labels, scores: Float64Array, options: CurveOptions = {}): PrCurve | null {
  const opts = parseOptions(curveOptions, options, 'prCurve');
  let { fps, tps, thr } = cumulative(yTrue, scores);
  const P = tps[tps.length - 1] as number;
  if (P === 0) return null;
  if ((opts.dropIntermediate ?? false) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < tps.length - 1; i++) {
      if ((tps[i] as number) !== (tps[i - 1] as number) || (tps[i + 1] as number) !== (tps[i] as number)) keep.push(i);
    }
    keep.push(tps.length - 1);
    fps = keep.map((i) => fps[i] as number);
    tps = keep.map((i) => tps[i] as number);
    thr = keep.map((i) => thr[i] as number);
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: (number | null)[] = [];
  for (let i = tps.length - 1; i >= 0; i--) {
    const t = tps[i] as number;
    const ps = t + (fps[i] as number);
    precision.push(ps === 0 ? 0 : t / ps);
    recall.push(t / P);
    thresholds.push(thr[i] as number);
  }
  precision.push(1);
  recall.push(0);
  thresholds.push(null);
  const idx = thinIndices(precision.length, opts.maxPoints);
  return { precision: idx.map((i) => precision[i] as number), recall: idx.map((i) => recall[i] as number), thresholds: idx.map((i) => thresholds[i] as number | null) };
}
