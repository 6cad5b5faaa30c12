import { Xoshiro128State } from './xoshiro128-state.js';

/**
 * The generator of the significance tests (the paired bootstrap in @hokusai/evaluation):
 * xoshiro128** (Blackman & Vigna) seeded by a SplitMix32 pair, so seeds above 2^32 do not
 * collide with their low 32 bits. Only 32-bit integer arithmetic is used: same seed, same stream
 * on every platform. Its stream is attested through the confidence intervals, so it never changes.
 */
export class Xoshiro128Random extends Xoshiro128State {
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    // Seeds above 2^32 would otherwise collide with their low 32 bits.
    let hi = Math.floor(seed / 4294967296) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      hi = (hi + 0x6d2b79f5) | 0;
      let z = s ^ Math.imul(hi, 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    super([next(), next(), next(), next()]);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return this.float53();
  }

  /** Uniform integer in [0, n), n <= 2^32; the multiply-shift bias is below n / 2^32. */
  nextIndex(n: number): number {
    return Math.floor((this.nextUint32() * n) / 4294967296);
  }

  /** Standard normal via the Marsaglia polar method. */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.nextFloat() - 1;
      const v = 2 * this.nextFloat() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * f;
        return u * f;
      }
    }
  }

  /** Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000). */
  nextGamma(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.nextNormal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.nextFloat();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * Exact Binomial(n, p) by Knuth's order-statistic recursion (TAOCP 3.4.1): a Beta draw
   * halves n each step, so the cost is O(log n) however large n * p is, which is what lets
   * the bootstrap resample a million rows through their contingency table.
   */
  nextBinomial(n: number, p: number): number {
    let count = 0;
    let trials = n;
    let prob = p;
    while (trials > 48) {
      if (prob <= 0) return count;
      if (prob >= 1) return count + trials;
      const a = 1 + Math.floor(trials / 2);
      const b = trials + 1 - a;
      const ga = this.nextGamma(a);
      const y = ga / (ga + this.nextGamma(b));
      if (y >= prob) {
        trials = a - 1;
        prob = prob / y;
      } else {
        count += a;
        trials = b - 1;
        prob = (prob - y) / (1 - y);
      }
    }
    for (let i = 0; i < trials; i++) if (this.nextFloat() < prob) count++;
    return count;
  }

  /**
   * Multinomial(n, weights / sum(weights)) by sequential conditional binomials. Weights are
   * integer cell counts, so the running mass stays exact.
   */
  nextMultinomial(n: number, weights: Float64Array, out: Float64Array): void {
    const k = weights.length;
    let remaining = n;
    let mass = 0;
    for (let j = 0; j < k; j++) mass += weights[j] as number;
    for (let j = 0; j < k; j++) {
      const w = weights[j] as number;
      let x: number;
      if (j === k - 1 || w >= mass) x = remaining;
      else if (remaining === 0 || w <= 0) x = 0;
      else x = this.nextBinomial(remaining, w / mass);
      out[j] = x;
      remaining -= x;
      mass -= w;
    }
  }
}
