import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeDelta, newcombePairedInterval } from '../src/index.js';

// Written by fixtures/make_newcombe_paired.py (scipy's normal quantile, the formula of the paper).
const reference = JSON.parse(readFileSync(new URL('./fixtures/newcombe-paired.json', import.meta.url), 'utf8')) as {
  cases: { table: [number, number, number, number]; alpha: number; ci: [number, number] }[];
};

/** Newcombe's (a, b, c, d) with the first proportion as the new model's accuracy. */
const table = (a: number, b: number, c: number, d: number) => ({ both: a, newOnly: b, baselineOnly: c, neither: d });

/** Benchmark rows whose paired correctness table is exactly (both, newOnly, baselineOnly, neither). */
function rowsFor(both: number, newOnly: number, baselineOnly: number, neither: number) {
  const n = both + newOnly + baselineOnly + neither;
  const y = new Int32Array(n).fill(1);
  const base = new Float64Array(n);
  const next = new Float64Array(n);
  let i = 0;
  for (const [count, b, nx] of [[both, 0.9, 0.9], [newOnly, 0.1, 0.9], [baselineOnly, 0.9, 0.1], [neither, 0.1, 0.1]] as const) {
    for (let k = 0; k < count; k++, i++) {
      base[i] = b;
      next[i] = nx;
    }
  }
  return { y, base, next };
}

describe('Newcombe interval for a difference of paired proportions', () => {
  it('reproduces the published example (Cavo et al. 2012 in Fagerland, Lydersen & Laake 2017: -0.0621, 95% CI -0.1186 to -0.0046)', () => {
    const [lo, hi] = newcombePairedInterval(table(59, 6, 16, 80), 0.05) as [number, number];
    expect(lo).toBeCloseTo(-0.1186, 4);
    expect(hi).toBeCloseTo(-0.0046, 4);
  });

  it('matches an independent implementation to 1e-12 on every table and level', () => {
    expect(reference.cases.length).toBeGreaterThan(10);
    for (const c of reference.cases) {
      const ci = newcombePairedInterval(table(...c.table), c.alpha) as [number, number];
      expect(Math.abs(ci[0] - c.ci[0]), JSON.stringify(c)).toBeLessThan(1e-12);
      expect(Math.abs(ci[1] - c.ci[1]), JSON.stringify(c)).toBeLessThan(1e-12);
    }
  });

  it('is null for an empty table', () => {
    expect(newcombePairedInterval(table(0, 0, 0, 0), 0.05)).toBeNull();
  });
});

describe('accuracy interval and decision agree with the paired test', () => {
  it('60 rows, 0 vs 5 discordant pairs: McNemar exact p = 0.0625 and the decision is not significant', () => {
    const { y, base, next } = rowsFor(50, 5, 0, 5);
    const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, minSamples: 50 });
    const acc = r.metrics.accuracy!;
    expect(acc.p_value).toBe(0.0625);
    expect(acc.test).toBe('mcnemar_exact_binomial+newcombe_score_ci');
    // The interval is Newcombe's, not a percentile bootstrap of 5 discordant rows.
    expect(acc.ci).toEqual(newcombePairedInterval(table(50, 5, 0, 5), 0.05));
    expect(r.delta_one).toBeCloseTo(100 / 12, 12);
    expect(r.decision.accepted).toBe(false);
    expect(r.decision.reasons.map((x) => x.code)).toEqual(['NOT_SIGNIFICANT']);
  });

  it('a significant p with an interval above 0 is accepted, and the rule says what was tested', () => {
    // 1,000 rows, 20 vs 40 discordant: corrected chi-square p = 0.0142.
    const { y, base, next } = rowsFor(900, 40, 20, 40);
    const strict = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, alpha: 0.02 });
    const acc = strict.metrics.accuracy!;
    expect(acc.p_value as number).toBeLessThan(0.02);
    expect((acc.ci as [number, number])[0]).toBeGreaterThan(0);
    expect(strict.decision.accepted).toBe(true);
    expect(strict.decision.rule).toContain('p < 0.02');
  });

  it('tests against the threshold when asked: significantly at least threshold_pp', () => {
    const { y, base, next } = rowsFor(900, 40, 20, 40);
    // DeltaOne = 2 pp; the 95% interval's lower end is near 0.47 pp.
    const vsZero = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, thresholdPp: 0.4 });
    const vsThreshold = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, thresholdPp: 1, significanceAgainst: 'threshold' });
    const lowPp = (vsZero.metrics.accuracy!.ci as [number, number])[0] * 100;
    expect(lowPp).toBeGreaterThan(0.4);
    expect(lowPp).toBeLessThan(1);
    expect(vsZero.decision.accepted).toBe(true);
    expect(vsThreshold.delta_one).toBeCloseTo(2, 12);
    expect(vsThreshold.decision.accepted).toBe(false);
    expect(vsThreshold.decision.reasons.map((x) => x.code)).toEqual(['NOT_SIGNIFICANT']);
    expect(vsThreshold.decision.significance_against).toBe('threshold');
    expect(vsThreshold.decision.rule).toContain('significantly at least the threshold');
    const lower = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, thresholdPp: 0.4, significanceAgainst: 'threshold' });
    expect(lower.decision.accepted).toBe(true);
  });

  it('refuses a different-recipe comparison unless it is allowed, and says so either way', () => {
    const { y, base, next } = rowsFor(900, 40, 20, 40);
    const recipe = { same: false, baseline: 'unknown', new: 'logistic_regression', detail: 'The supplied baseline does not record how it was trained.' };
    const refused = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, recipe: { ...recipe, allowDifferent: false } });
    expect(refused.decision.accepted).toBe(false);
    expect(refused.decision.reasons.map((x) => x.code)).toEqual(['DIFFERENT_RECIPE']);
    expect(refused.recipe).toMatchObject({ same: false, allow_different: false });
    const allowed = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, recipe: { ...recipe, allowDifferent: true } });
    expect(allowed.decision.accepted).toBe(true);
    expect(allowed.recipe).toMatchObject({ same: false, allow_different: true });
    const plain = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1 });
    expect(plain.recipe).toBeNull();
  });
});
