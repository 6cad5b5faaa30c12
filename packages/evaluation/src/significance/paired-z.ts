import { normalQuantile, normalTwoSidedP } from './normal.js';
import { binaryLogLossTerm } from '../metrics/log-loss.js';

export interface PairedZResult {
  mean: number;
  se: number;
  p_value: number;
  ci: [number, number];
}

/**
 * Large-sample test of the mean per-row loss difference (new - baseline), used for log loss
 * and Brier: both are row means, so their delta is the mean of paired differences and the
 * central limit theorem gives its interval directly.
 */
export function pairedZ(diffs: Float64Array, alpha: number): PairedZResult {
  const n = diffs.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += diffs[i] as number;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (diffs[i] as number) - mean;
    ss += d * d;
  }
  const se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  const zq = normalQuantile(1 - alpha / 2);
  const p = se > 0 ? normalTwoSidedP(mean / se) : mean === 0 ? 1 : 0;
  return { mean, se, p_value: p, ci: [mean - zq * se, mean + zq * se] };
}

/** Per-row new-minus-baseline loss for the two row-mean metrics. */
export function perRowLossDifferences(metric: 'log_loss' | 'brier', y: Int32Array, base: Float64Array, next: Float64Array): Float64Array {
  const n = y.length;
  const diffs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    const pb = base[i] as number;
    const pn = next[i] as number;
    diffs[i] = metric === 'log_loss' ? binaryLogLossTerm(yi, pn) - binaryLogLossTerm(yi, pb) : (yi - pn) * (yi - pn) - (yi - pb) * (yi - pb);
  }
  return diffs;
}
