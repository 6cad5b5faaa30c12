import { describe, expect, it } from 'vitest';
import { delong, mcnemar, mcnemarFromCounts, pairedBootstrap, binaryMetrics } from '../src/index.js';
import { erfc, chiSquare1Sf, normalQuantile } from '../src/significance/normal.js';
import { pairedZ, perRowLossDifferences } from '../src/significance/paired-z.js';
import { SeededRandom } from '../src/significance/random.js';
import { bootstrapAurocDeltas, bootstrapMeanDeltas, bootstrapAveragePrecisionDeltas, bootstrapRowDeltas, bootstrapCountDeltas, jointCells, quantileSorted } from '../src/significance/bootstrap.js';
import { buildTieGroups } from '../src/metrics/tie-groups.js';
import { averagePrecision } from '../src/index.js';
import { close, fixtures } from './fixtures.js';
import { syntheticBenchmark } from './data.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('normal and chi-square tails agree with scipy', () => {
  it('erfc to 1e-13 relative', () => {
    for (const [x, v] of fixtures.normal.erfc) expect(rel(erfc(x), v), `erfc(${x})`).toBeLessThan(1e-13);
  });
  it('normal quantile to 1e-12', () => {
    for (const [p, v] of fixtures.normal.ppf) expect(rel(normalQuantile(p), v), `ppf(${p})`).toBeLessThan(1e-12);
  });
  it('chi-square(1) survival to 1e-12 relative', () => {
    for (const [x, v] of fixtures.normal.chi2_sf) expect(rel(chiSquare1Sf(x), v), `sf(${x})`).toBeLessThan(1e-12);
  });
});

describe('McNemar', () => {
  it('matches statsmodels (exact below 25 discordant pairs, corrected chi-square above)', () => {
    for (const f of fixtures.mcnemar) {
      const r = mcnemarFromCounts(f.b, f.c);
      expect(r.method, `${f.b},${f.c}`).toBe(f.method);
      expect(close(r.statistic, f.statistic, 1e-12)).toBe(true);
      expect(rel(r.p_value, f.p_value), `${f.b},${f.c}`).toBeLessThan(1e-12);
    }
  });

  it('reproduces the published presidential-approval example (Agresti, Categorical Data Analysis, table 10.1)', () => {
    // 794 approve/approve, 150 approve->disapprove, 86 disapprove->approve, 570 disapprove/disapprove:
    // corrected statistic (|150 - 86| - 1)^2 / 236 = 16.82.
    const r = mcnemarFromCounts(150, 86);
    expect(r.statistic).toBeCloseTo(16.82, 2);
    expect(r.p_value).toBeLessThan(1e-4);
  });

  it('counts discordant rows from 0/1 predictions with score >= threshold', () => {
    const y = [1, 1, 0, 0, 1];
    const base = Float64Array.from([0.9, 0.2, 0.6, 0.1, 0.5]);
    const next = Float64Array.from([0.4, 0.8, 0.3, 0.1, 0.5]);
    const r = mcnemar(y, base, next);
    expect([r.b, r.c]).toEqual([1, 2]);
    expect(r.p_value).toBe(1);
  });
});

describe('DeLong', () => {
  for (const f of fixtures.delong) {
    it(`matches an independent O(n^2) implementation (${f.name})`, () => {
      const r = delong(f.y, Float64Array.from(f.baseline), Float64Array.from(f.new), { alpha: f.alpha });
      expect(r).not.toBeNull();
      const e = f.expected;
      for (const key of ['auc_baseline', 'auc_new', 'delta', 'se', 'z', 'p_value'] as const) {
        expect(close(r?.[key] ?? null, e[key], 1e-9), `${key}: ${String(r?.[key])} vs ${String(e[key])}`).toBe(true);
      }
      expect(close(r?.ci[0], (e.ci as number[])[0])).toBe(true);
      expect(close(r?.ci[1], (e.ci as number[])[1])).toBe(true);
    });
  }

  it('is null when a class has fewer than two rows', () => {
    expect(delong([1, 0, 0], Float64Array.from([0.1, 0.2, 0.3]), Float64Array.from([0.3, 0.2, 0.1]))).toBeNull();
  });
});

describe('paired z test on per-row loss differences', () => {
  it('matches statsmodels ztest', () => {
    const f = fixtures.paired_z;
    const r = pairedZ(Float64Array.from(f.diffs), f.alpha);
    expect(close(r.mean, f.mean, 1e-12)).toBe(true);
    expect(close(r.se, f.se, 1e-12)).toBe(true);
    expect(rel(r.p_value, f.p_value)).toBeLessThan(1e-10);
    expect(close(r.ci[0], f.ci[0], 1e-12) && close(r.ci[1], f.ci[1], 1e-12)).toBe(true);
  });
});

describe('seeded generator and binomial sampler', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('draws Binomial(n, p) with the right mean and variance for large n', () => {
    const rng = new SeededRandom(123);
    const n = 1_000_000;
    const p = 0.3;
    const k = 4000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < k; i++) {
      const x = rng.nextBinomial(n, p);
      expect(x >= 0 && x <= n && Number.isInteger(x)).toBe(true);
      sum += x;
      sq += x * x;
    }
    const mean = sum / k;
    const variance = sq / k - mean * mean;
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(k));
    // Sample variance of 4000 draws is within ~10% of n p (1 - p) with overwhelming probability.
    expect(Math.abs(variance / (sd * sd) - 1)).toBeLessThan(0.1);
  });
});

describe('binomial and multinomial draws follow their exact distributions', () => {
  it('matches the Binomial(100, 0.07) probability mass function (through the recursive branch)', () => {
    const rng = new SeededRandom(99);
    const n = 100;
    const p = 0.07;
    const draws = 20000;
    const hist = new Float64Array(n + 1);
    for (let i = 0; i < draws; i++) {
      const x = rng.nextBinomial(n, p);
      hist[x] = (hist[x] as number) + 1;
    }
    // Pearson chi-square over the cells with expected count >= 5, plus one pooled tail cell.
    let coef = 1;
    let chi = 0;
    let cells = 0;
    let tailObs = 0;
    let tailExp = 0;
    for (let k = 0; k <= n; k++) {
      const pmf = coef * p ** k * (1 - p) ** (n - k);
      coef = (coef * (n - k)) / (k + 1);
      const expected = pmf * draws;
      if (expected >= 5) {
        chi += ((hist[k] as number) - expected) ** 2 / expected;
        cells++;
      } else {
        tailObs += hist[k] as number;
        tailExp += expected;
      }
    }
    chi += (tailObs - tailExp) ** 2 / tailExp;
    // About 14 degrees of freedom; the 99.9th percentile of chi-square(14) is 36.1.
    expect(cells).toBeGreaterThan(8);
    expect(chi).toBeLessThan(36.1);
  });

  it('multinomial cells sum to n and have the right means', () => {
    const rng = new SeededRandom(5);
    const weights = Float64Array.from([500, 0, 300, 150, 50, 0, 0, 1000]);
    const out = new Float64Array(8);
    const sums = new Float64Array(8);
    const reps = 2000;
    for (let r = 0; r < reps; r++) {
      rng.nextMultinomial(2000, weights, out);
      expect(out.reduce((a, b) => a + b, 0)).toBe(2000);
      expect(out[1]).toBe(0);
      for (let k = 0; k < 8; k++) sums[k] = (sums[k] as number) + (out[k] as number);
    }
    for (let k = 0; k < 8; k++) {
      const pk = (weights[k] as number) / 2000;
      const sd = Math.sqrt(2000 * pk * (1 - pk));
      expect(Math.abs((sums[k] as number) / reps - 2000 * pk)).toBeLessThanOrEqual((5 * sd) / Math.sqrt(reps) + 1e-12);
    }
  });
});

describe('paired bootstrap', () => {
  const { y, base, next } = syntheticBenchmark(1500, 21, 0.05);

  it('multinomial table resampling has the same distribution as row resampling', () => {
    const cells = jointCells(y, base, next, 0.5);
    const viaTable = bootstrapCountDeltas(cells, 2000, 5, 0).accuracy.slice().sort();
    const accuracy = (yy: Int32Array, ss: Float64Array): number => {
      let ok = 0;
      for (let i = 0; i < yy.length; i++) if ((ss[i] as number) >= 0.5 === (yy[i] === 1)) ok++;
      return ok / yy.length;
    };
    expect(accuracy(y, base)).toBe(binaryMetrics(y, base).accuracy);
    const viaRows = bootstrapRowDeltas(y, base, next, accuracy, 2000, 6).slice().sort();
    for (const q of [0.025, 0.25, 0.5, 0.75, 0.975]) {
      // Two independent 2000-draw estimates of the same quantile differ by well under 0.006 here.
      expect(Math.abs(quantileSorted(viaTable, q) - quantileSorted(viaRows, q)), `q=${q}`).toBeLessThan(0.006);
    }
  });

  it('grouped average-precision bootstrap equals re-sorting every resample, draw for draw', () => {
    const small = syntheticBenchmark(300, 77, 0.05, true);
    const grouped = bootstrapAveragePrecisionDeltas(small.y, buildTieGroups(small.y, small.base), buildTieGroups(small.y, small.next), 50, 4);
    const resorted = bootstrapRowDeltas(small.y, small.base, small.next, (yy, ss) => averagePrecision(yy, ss), 50, 4);
    for (let r = 0; r < 50; r++) expect(Math.abs((grouped[r] as number) - (resorted[r] as number))).toBeLessThan(1e-12);
  });

  it('grouped AUROC and row-mean bootstraps equal the recompute-everything bootstrap, draw for draw', () => {
    const small = syntheticBenchmark(300, 78, 0.05, true);
    const ga = buildTieGroups(small.y, small.base);
    const gb = buildTieGroups(small.y, small.next);
    const grouped = bootstrapAurocDeltas(small.y, ga, gb, 40, 8);
    const full = bootstrapRowDeltas(small.y, small.base, small.next, (yy, ss) => binaryMetrics(yy, ss).auroc, 40, 8);
    for (let r = 0; r < 40; r++) expect(Math.abs((grouped[r] as number) - (full[r] as number))).toBeLessThan(1e-12);
    for (const metric of ['log_loss', 'brier'] as const) {
      const viaMean = bootstrapMeanDeltas(perRowLossDifferences(metric, small.y, small.base, small.next), 40, 8);
      const viaFull = bootstrapRowDeltas(small.y, small.base, small.next, (yy, ss) => binaryMetrics(yy, ss)[metric], 40, 8);
      for (let r = 0; r < 40; r++) expect(Math.abs((viaMean[r] as number) - (viaFull[r] as number)), metric).toBeLessThan(1e-12);
    }
  });

  it('bootstrap AUROC interval agrees with DeLong on a large benchmark', () => {
    const big = syntheticBenchmark(4000, 31, 0.05);
    const dl = delong(big.y, big.base, big.next);
    const bs = pairedBootstrap(big.y, big.base, big.next, { metric: 'auroc', seed: 3, resamples: 400 });
    const [lo, hi] = bs.ci as [number, number];
    const [dlo, dhi] = dl?.ci as [number, number];
    expect(Math.abs(hi - lo - (dhi - dlo)) / (dhi - dlo)).toBeLessThan(0.2);
    expect(Math.abs((lo + hi) / 2 - (dlo + dhi) / 2)).toBeLessThan(0.25 * (dhi - dlo));
  });

  it('gives a seeded, reproducible interval containing the observed delta', () => {
    const a = pairedBootstrap(y, base, next, { metric: 'f1', seed: 9, resamples: 500 });
    const b = pairedBootstrap(y, base, next, { metric: 'f1', seed: 9, resamples: 500 });
    expect(a).toEqual(b);
    expect(a.method).toBe('multinomial_joint_table');
    const [lo, hi] = a.ci as [number, number];
    expect(lo).toBeLessThan(a.delta as number);
    expect(hi).toBeGreaterThan(a.delta as number);
    const ap = pairedBootstrap(y, base, next, { metric: 'average_precision', seed: 9, resamples: 100 });
    expect(ap.method).toBe('row_resampling');
    expect(ap.used).toBe(100);
  });

  it('covers the true delta about 95% of the time on simulated benchmarks', () => {
    // Both models are equally good by construction, so the true accuracy delta is 0.
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const d = syntheticBenchmark(400, 1000 + t, 0);
      const r = pairedBootstrap(d.y, d.base, d.next, { metric: 'accuracy', seed: t, resamples: 400 });
      const [lo, hi] = r.ci as [number, number];
      if (lo <= 0 && hi >= 0) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.89);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
