const SQRT_PI = Math.sqrt(Math.PI);

/**
 * Complementary error function to ~1e-15 relative accuracy: a positive-term series for
 * small x (no cancellation) and a Lentz continued fraction in the tail, where 1 - erf(x)
 * would lose every significant digit. JavaScript has no Math.erf.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x === Infinity) return 0;
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) e^{-x^2} sum_n (2x^2)^n x / (1*3*...*(2n+1))
    const x2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - ((2 / SQRT_PI) * Math.exp(-x * x) * sum);
  }
  // erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal lower-tail probability. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Upper tail of a chi-square with one degree of freedom. */
export function chiSquare1Sf(x: number): number {
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

/**
 * Standard normal quantile. A rational start (Abramowitz & Stegun 26.2.23, error < 4.5e-4)
 * refined by Halley steps against the accurate tail probability, which reaches full
 * double precision in three or four steps.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return Number.NaN;
  }
  if (p === 0.5) return 0;
  const lower = p < 0.5;
  const q = lower ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  // x now approximates the upper-tail quantile: P(Z > x) = q.
  for (let i = 0; i < 6; i++) {
    const e = 0.5 * erfc(x / Math.SQRT2) - q;
    const u = -e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return lower ? -x : x;
}
