import { chiSquare1Sf } from './normal.js';

export interface McNemarResult {
  /** Rows the baseline got right and the new model got wrong. */
  b: number;
  /** Rows the baseline got wrong and the new model got right. */
  c: number;
  statistic: number;
  p_value: number;
  method: 'exact_binomial' | 'chi_square_continuity';
}

/** Below this many discordant pairs the chi-square approximation is poor; use the exact test. */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * McNemar's paired test on the discordant counts. Exact: two-sided binomial p =
 * min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2), statistic min(b, c) (statsmodels'
 * convention). Otherwise chi-square with Edwards' continuity correction
 * max(0, |b - c| - 1)^2 / (b + c) on one degree of freedom.
 */
export function mcnemarTest(b: number, c: number, exactBelow = MCNEMAR_EXACT_BELOW): McNemarResult {
  const n = b + c;
  if (n < exactBelow) {
    const k = Math.min(b, c);
    // n < 53 here in practice; binomial coefficients stay exact integers in float64.
    let coef = 1;
    let sum = 0;
    for (let i = 0; i <= k; i++) {
      sum += coef;
      coef = (coef * (n - i)) / (i + 1);
    }
    const p = Math.min(1, (2 * sum) / 2 ** n);
    return { b, c, statistic: k, p_value: p, method: 'exact_binomial' };
  }
  const diff = Math.max(0, Math.abs(b - c) - 1);
  const statistic = (diff * diff) / n;
  return { b, c, statistic, p_value: chiSquare1Sf(statistic), method: 'chi_square_continuity' };
}

/** Discordant counts of two models' 0/1 predictions against the truth. */
export function discordantCounts(y: Int32Array, base: Float64Array, next: Float64Array, threshold: number): { b: number; c: number } {
  let b = 0;
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    const truth = y[i] === 1;
    const okBase = (base[i] as number) >= threshold === truth;
    const okNew = (next[i] as number) >= threshold === truth;
    if (okBase && !okNew) b++;
    else if (!okBase && okNew) c++;
  }
  return { b, c };
}
