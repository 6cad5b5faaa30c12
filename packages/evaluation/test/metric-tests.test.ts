import { afterAll, describe, expect, it } from 'vitest';
import { computeDelta, delong, listMetrics, mcnemar, newcombePairedInterval, pairedCorrectness, registerMetric, unregisterMetric } from '../src/index.js';
import { CUSTOM_METRIC_TEST, METRIC_TESTS, metricTestLabel } from '../src/metric-tests.js';
import { bootstrapAveragePrecisionDeltas, bootstrapCountDeltas, bootstrapRowDeltas, jointCells, streamSeed, summarizeBootstrap } from '../src/significance/bootstrap.js';
import { pairedZ, perRowLossDifferences } from '../src/significance/paired-z.js';
import { buildTieGroups } from '../src/metrics/tie-groups.js';
import { syntheticBenchmark } from './data.js';

// Each row of METRIC_TESTS, checked against the test it names computed on its own: the metric's
// interval and p-value in computeDelta's report must be that test's, and its label must say so.
describe('the per-metric test table', () => {
  const { y, base, next } = syntheticBenchmark(1500, 11, 0.06);
  const seed = 9;
  const resamples = 300;
  const alpha = 0.05;
  const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed, bootstrapResamples: resamples, alpha });

  afterAll(() => unregisterMetric('table_fpr'));

  it('names a test for every built-in metric and no other', () => {
    const builtIns = listMetrics()
      .filter((m) => m.builtIn)
      .map((m) => m.name)
      .sort();
    expect(Object.keys(METRIC_TESTS).sort()).toEqual(builtIns);
    expect(CUSTOM_METRIC_TEST).toBe('row_bootstrap');
  });

  it('accuracy: McNemar p-value with Newcombe paired score interval', () => {
    expect(METRIC_TESTS.accuracy).toBe('mcnemar_newcombe');
    const m = mcnemar(y, base, next);
    const d = r.metrics.accuracy;
    expect(d?.test).toBe(`mcnemar_${m.method}+newcombe_score_ci`);
    expect(d?.p_value).toBe(m.p_value);
    expect(d?.ci).toEqual(newcombePairedInterval(pairedCorrectness(y, base, next, 0.5), alpha));
  });

  it.each(['balanced_accuracy', 'precision', 'recall', 'f1'] as const)('%s: bootstrap of the joint count table', (name) => {
    expect(METRIC_TESTS[name]).toBe('count_bootstrap');
    const s = summarizeBootstrap(bootstrapCountDeltas(jointCells(y, base, next, 0.5), resamples, seed, 0)[name], alpha);
    const d = r.metrics[name];
    expect(d?.test).toBe('paired_bootstrap');
    expect(d?.ci).toEqual(s.ci);
    expect(d?.p_value).toBe(s.p_value);
  });

  it('auroc: DeLong, or none with the reason when a class has fewer than two rows', () => {
    expect(METRIC_TESTS.auroc).toBe('delong');
    const dl = delong(y, base, next, { alpha });
    expect(r.metrics.auroc?.test).toBe('delong');
    expect(r.metrics.auroc?.ci).toEqual(dl?.ci);
    expect(r.metrics.auroc?.p_value).toBe(dl?.p_value);
    const one = Int32Array.from(y, (_, i) => (i === 0 ? 1 : 0));
    const lone = computeDelta({ yTrue: one, baselineScores: base, newScores: next, seed, bootstrapResamples: 20, metrics: ['auroc'] });
    expect(lone.metrics.auroc).toMatchObject({ test: 'none: AUROC needs at least two rows of each class', ci: null, p_value: null });
  });

  it('average_precision: rows resampled in their tie groups, or none above the row limit', () => {
    expect(METRIC_TESTS.average_precision).toBe('ranking_bootstrap');
    const s = summarizeBootstrap(bootstrapAveragePrecisionDeltas(y, buildTieGroups(y, base), buildTieGroups(y, next), resamples, streamSeed(seed, 'average_precision')), alpha);
    expect(r.metrics.average_precision).toMatchObject({ test: 'paired_bootstrap', ci: s.ci, p_value: s.p_value });
    const capped = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed, bootstrapResamples: resamples, metrics: ['average_precision'], rowBootstrapMaxCells: 1000 });
    expect(capped.metrics.average_precision).toMatchObject({ test: `none: row bootstrap skipped because rows x resamples = ${y.length * resamples} exceeds rowBootstrapMaxCells = 1000`, ci: null, p_value: null });
  });

  it.each(['log_loss', 'brier'] as const)('%s: paired z test of per-row loss differences', (name) => {
    expect(METRIC_TESTS[name]).toBe('paired_z');
    const z = pairedZ(perRowLossDifferences(name, y, base, next), alpha);
    expect(r.metrics[name]).toMatchObject({ test: 'paired_z', ci: z.ci, p_value: z.p_value });
  });

  it('a custom metric: rows resampled and the metric recomputed on each', () => {
    const fpr = (yy: Int32Array, s: Float64Array): number | null => {
      let fp = 0;
      let neg = 0;
      for (let i = 0; i < yy.length; i++) {
        if (yy[i] === 0) {
          neg++;
          if ((s[i] as number) >= 0.5) fp++;
        }
      }
      return neg === 0 ? null : fp / neg;
    };
    registerMetric('table_fpr', fpr, { direction: 'lower' });
    const c = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed, bootstrapResamples: 100, metrics: ['table_fpr'] });
    const s = summarizeBootstrap(bootstrapRowDeltas(y, base, next, fpr, 100, streamSeed(seed, 'table_fpr')), alpha);
    expect(c.metrics.table_fpr).toMatchObject({ test: 'paired_bootstrap', ci: s.ci, p_value: s.p_value });
  });

  it('labels each kind of result as the report has always named it', () => {
    expect(metricTestLabel({ test: 'mcnemar', method: 'exact_binomial', interval: 'newcombe_score_ci', ci: null, p: 1 })).toBe('mcnemar_exact_binomial+newcombe_score_ci');
    expect(metricTestLabel({ test: 'delong', ci: [0, 1], p: 0.5 })).toBe('delong');
    expect(metricTestLabel({ test: 'paired_z', ci: [0, 1], p: 0.5 })).toBe('paired_z');
    expect(metricTestLabel({ test: 'paired_bootstrap', ci: null, p: null })).toBe('paired_bootstrap');
    expect(metricTestLabel({ test: 'none', reason: 'why' })).toBe('none: why');
  });
});
