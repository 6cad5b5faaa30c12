import { z } from 'zod';
import { checkScores, parseOptions, toLabelArray } from '../validation.js';
import type { Labels } from '../validation.js';

export interface CalibrationBin {
  lower: number;
  upper: number;
  /** Mean predicted probability of the rows in the bin. */
  mean_predicted: number;
  /** Share of those rows whose label is 1. */
  fraction_positive: number;
  count: number;
}

const optionsSchema = z
  .object({
    bins: z.number().int().min(1).max(10_000).optional(),
    strategy: z.enum(['uniform', 'quantile']).optional(),
  })
  .strict();

/** numpy.percentile with linear interpolation on ascending data. */
function percentile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

/**
 * Reliability-diagram bins as scikit-learn's calibration_curve: a probability equal to an
 * inner edge falls in the lower bin; empty bins are omitted. Default 10 uniform bins.
 */
export function calibrationCurve(yTrue: Labels, probabilities: Float64Array, options: { bins?: number; strategy?: 'uniform' | 'quantile' } = {}): CalibrationBin[] {
  const opts = parseOptions(optionsSchema, options, 'calibrationCurve');
  const y = toLabelArray(yTrue, 2);
  const p = checkScores(probabilities, y.length, 'probabilities', true);
  const nBins = opts.bins ?? 10;
  const edges = new Float64Array(nBins + 1);
  if ((opts.strategy ?? 'uniform') === 'uniform') {
    const step = 1 / nBins;
    for (let i = 0; i <= nBins; i++) edges[i] = i * step;
    edges[nBins] = 1;
  } else {
    const sorted = Float64Array.from(p).sort();
    for (let i = 0; i <= nBins; i++) edges[i] = percentile(sorted, i === nBins ? 1 : i * (1 / nBins));
  }
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const counts = new Float64Array(nBins);
  for (let i = 0; i < y.length; i++) {
    const v = p[i] as number;
    // searchsorted(edges[1:-1], v, side='left'): number of inner edges strictly below v.
    let lo = 1;
    let hi = nBins;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((edges[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    const b = lo - 1;
    sums[b] = (sums[b] as number) + v;
    trues[b] = (trues[b] as number) + (y[i] as number);
    counts[b] = (counts[b] as number) + 1;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < nBins; b++) {
    const c = counts[b] as number;
    if (c === 0) continue;
    out.push({ lower: edges[b] as number, upper: edges[b + 1] as number, mean_predicted: (sums[b] as number) / c, fraction_positive: (trues[b] as number) / c, count: c });
  }
  return out;
}
