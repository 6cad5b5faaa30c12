import { afterEach, describe, expect, it } from 'vitest';
import { computeDelta, EvaluationError, listMetrics, registerMetric, stratifiedMetrics, unregisterMetric, pairedBootstrap } from '../src/index.js';
import { syntheticBenchmark } from './data.js';

/** Share of positives predicted with score >= 0.8: a "high-confidence recall". */
function highConfidenceRecall(y: Int32Array, s: Float64Array): number | null {
  let pos = 0;
  let hit = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    pos++;
    if ((s[i] as number) >= 0.8) hit++;
  }
  return pos === 0 ? null : hit / pos;
}

/** False-positive rate at the context threshold (lower is better). */
function falsePositiveRate(y: Int32Array, s: Float64Array, ctx: { threshold: number }): number | null {
  let neg = 0;
  let fp = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0) continue;
    neg++;
    if ((s[i] as number) >= ctx.threshold) fp++;
  }
  return neg === 0 ? null : fp / neg;
}

describe('custom metrics registry', () => {
  afterEach(() => {
    unregisterMetric('hc_recall');
    unregisterMetric('fpr');
    unregisterMetric('broken');
  });

  it('flows a custom metric through the delta with its declared direction', () => {
    registerMetric('fpr', falsePositiveRate, { direction: 'lower' });
    const { y, base, next } = syntheticBenchmark(800, 3, 0.08);
    const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 2, bootstrapResamples: 100, metrics: ['accuracy', 'fpr'] });
    const d = r.metrics.fpr;
    expect(d?.baseline).toBe(falsePositiveRate(y, base, { threshold: 0.5 }));
    expect(d?.new).toBe(falsePositiveRate(y, next, { threshold: 0.5 }));
    expect(d?.direction).toBe('lower');
    expect(d?.improved).toBe((d?.new as number) < (d?.baseline as number));
    expect(d?.test).toBe('paired_bootstrap');
    expect(d?.ci).not.toBeNull();
    // As the primary metric, a lower-is-better metric's DeltaOne is the reduction in pp.
    const r2 = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 2, bootstrapResamples: 100, metrics: ['fpr'], primaryMetric: 'fpr' });
    expect(r2.delta_one).toBeCloseTo(-((d?.absolute_delta as number) * 100), 12);
  });

  it('flows a custom metric through stratification and the bootstrap', () => {
    registerMetric('hc_recall', highConfidenceRecall, { direction: 'higher' });
    const { y, base, next } = syntheticBenchmark(600, 4, 0.1);
    const region = Array.from(y, (_, i) => (i % 3 === 0 ? 'north' : 'south'));
    const st = stratifiedMetrics(y, base, region, { metrics: ['hc_recall', 'accuracy'], column: 'region' });
    const north = st.strata.find((s) => s.key === 'north');
    const ny = Int32Array.from(y.filter((_, i) => i % 3 === 0));
    const ns = Float64Array.from(base.filter((_, i) => i % 3 === 0));
    expect(north?.metrics.hc_recall).toBe(highConfidenceRecall(ny, ns));
    expect(st.directions.hc_recall).toBe('higher');
    const b = pairedBootstrap(y, base, next, { metric: 'hc_recall', seed: 1, resamples: 200 });
    expect(b.method).toBe('row_resampling');
    expect(b.delta).toBe((highConfidenceRecall(y, next) as number) - (highConfidenceRecall(y, base) as number));
  });

  it('lists metrics and refuses duplicates, bad names and built-in removal', () => {
    registerMetric('hc_recall', highConfidenceRecall, { direction: 'higher' });
    expect(listMetrics().find((m) => m.name === 'hc_recall')).toEqual({ name: 'hc_recall', direction: 'higher', builtIn: false, requiresProbabilities: false });
    expect(() => registerMetric('hc_recall', highConfidenceRecall, { direction: 'higher' })).toThrow(/already registered/);
    expect(() => registerMetric('HC Recall', highConfidenceRecall, { direction: 'higher' })).toThrow(EvaluationError);
    expect(() => unregisterMetric('accuracy')).toThrow(/built in/);
  });

  it('turns a metric returning NaN into a typed error naming it', () => {
    registerMetric('broken', () => Number.NaN, { direction: 'higher' });
    const { y, base, next } = syntheticBenchmark(200, 4, 0.1);
    try {
      computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, metrics: ['broken'] });
      expect.unreachable();
    } catch (e) {
      expect((e as EvaluationError).code).toBe('HOKUSAI_EVAL_METRIC_FAILED');
      expect((e as EvaluationError).message).toContain('"broken"');
    }
  });

  it('skips the row bootstrap visibly above the configured budget', () => {
    registerMetric('hc_recall', highConfidenceRecall, { direction: 'higher' });
    const { y, base, next } = syntheticBenchmark(500, 4, 0.1);
    const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, bootstrapResamples: 100, rowBootstrapMaxCells: 10_000, metrics: ['hc_recall'] });
    expect(r.metrics.hc_recall?.ci).toBeNull();
    expect(r.metrics.hc_recall?.test).toMatch(/^none: row bootstrap skipped/);
  });
});
