import { describe, expect, it } from 'vitest';
import { binaryMetrics, computeDelta, EvaluationError } from '../src/index.js';
import { syntheticBenchmark } from './data.js';

describe('computeDelta', () => {
  const { y, base, next } = syntheticBenchmark(3000, 5, 0.08);

  it('reports every metric with baseline, new and consistent deltas', () => {
    const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, bootstrapResamples: 200 });
    const mb = binaryMetrics(y, base);
    const mn = binaryMetrics(y, next);
    for (const name of ['accuracy', 'precision', 'recall', 'f1', 'auroc', 'log_loss', 'brier', 'balanced_accuracy', 'average_precision'] as const) {
      const d = r.metrics[name];
      expect(d, name).toBeDefined();
      expect(d?.baseline).toBe(mb[name]);
      expect(d?.new).toBe(mn[name]);
      expect(Math.abs((d?.absolute_delta as number) - ((mn[name] as number) - (mb[name] as number)))).toBeLessThan(1e-12);
      expect(d?.delta_pp).toBeCloseTo((d?.absolute_delta as number) * 100, 12);
      const ci = d?.ci as [number, number];
      expect(ci[0]).toBeLessThanOrEqual(ci[1]);
    }
    expect(r.metrics.log_loss?.direction).toBe('lower');
    expect(r.metrics.log_loss?.improved).toBe((mn.log_loss as number) < (mb.log_loss as number));
    expect(r.primary_metric).toBe('accuracy');
    expect(r.delta_one).toBe(r.metrics.accuracy?.delta_pp);
  });

  it('is deterministic for a seed and plain JSON', () => {
    const a = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 42, bootstrapResamples: 100 });
    const b = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 42, bootstrapResamples: 100 });
    const c = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 43, bootstrapResamples: 100 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('accepts a clear, significant improvement above threshold', () => {
    const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 3, bootstrapResamples: 200 });
    expect(r.delta_one as number).toBeGreaterThan(1);
    expect(r.decision).toMatchObject({ accepted: true, reasons: [], significance_against: 'zero' });
  });

  it('names each reason a contribution is refused', () => {
    const small = syntheticBenchmark(60, 9, 0.0);
    const r = computeDelta({
      yTrue: small.y,
      baselineScores: small.base,
      newScores: small.base,
      seed: 1,
      bootstrapResamples: 50,
      benchmark: { id: 'churn-v1', registeredHash: 'a'.repeat(64), actualHash: 'b'.repeat(64) },
    });
    expect(r.decision.accepted).toBe(false);
    expect(r.decision.reasons.map((x) => x.code).sort()).toEqual(['BELOW_THRESHOLD', 'BENCHMARK_HASH_MISMATCH', 'NOT_SIGNIFICANT', 'TOO_FEW_SAMPLES']);
    expect(r.delta_one).toBe(0);
  });

  it('writes the numbers in its reasons as the report does, keeping the exact values in the fields', () => {
    // 1,020 rows, the new model wrong on 11 the baseline gets right: DeltaOne = -1100/1020 pp.
    const yy = new Int32Array(1020).fill(1);
    const b0 = new Float64Array(1020).fill(0.9);
    const b1 = new Float64Array(1020).fill(0.9);
    for (let i = 0; i < 11; i++) b1[i] = 0.1;
    const r = computeDelta({ yTrue: yy, baselineScores: b0, newScores: b1, seed: 1, bootstrapResamples: 50 });
    expect(r.delta_one).toBe(-1.0784313725490196);
    const below = r.decision.reasons.find((x) => x.code === 'BELOW_THRESHOLD');
    expect(below?.message).toBe('DeltaOne is \u22121.08 pp on accuracy; at least 1 pp is required.');
    const significance = r.decision.reasons.find((x) => x.code === 'NOT_SIGNIFICANT');
    expect(significance?.message).toMatch(/^p = (0\.\d{3}|\d\.\de\u2212\d+) for accuracy /);
    for (const reason of r.decision.reasons) expect(reason.message, reason.code).not.toMatch(/\d\.\d{4,}/);
    // just under the threshold: enough decimals to show it is under
    const near = computeDelta({ yTrue: yy, baselineScores: b1, newScores: b0, seed: 1, bootstrapResamples: 50, thresholdPp: 1.0785 });
    expect(near.decision.reasons.find((x) => x.code === 'BELOW_THRESHOLD')?.message).toBe('DeltaOne is +1.078 pp on accuracy; at least 1.0785 pp is required.');
  });

  it('treats an exact threshold-sized gain as meeting the threshold', () => {
    // 100 rows, new model fixes exactly 1 row more than baseline => exactly 1.0 pp.
    const yy = new Int32Array(100).fill(1);
    const b0 = new Float64Array(100).fill(0.9);
    const b1 = new Float64Array(100).fill(0.9);
    b0[0] = 0.1;
    const r = computeDelta({ yTrue: yy, baselineScores: b0, newScores: b1, seed: 1, bootstrapResamples: 50 });
    expect(r.delta_one).toBe(1);
    expect(r.decision.reasons.map((x) => x.code)).toEqual(['NOT_SIGNIFICANT']);
    expect(r.metrics.auroc?.baseline).toBeNull();
    expect(r.tests.delong).toBeNull();
  });

  it('orients DeltaOne so that positive means better for a lower-is-better primary metric', () => {
    const r = computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, primaryMetric: 'log_loss', bootstrapResamples: 50, thresholdPp: 0.1 });
    const d = r.metrics.log_loss;
    expect(d?.improved).toBe(true);
    expect(r.delta_one).toBeCloseTo(-(d?.delta_pp as number), 12);
    expect(r.delta_one as number).toBeGreaterThan(0);
  });

  it('rejects unknown metrics and bad options with typed errors', () => {
    expect(() => computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, primaryMetric: 'acuracy' })).toThrow(EvaluationError);
    try {
      computeDelta({ yTrue: y, baselineScores: base, newScores: next, seed: 1, alpha: 2 });
    } catch (e) {
      expect((e as EvaluationError).code).toBe('HOKUSAI_EVAL_INVALID_OPTION');
    }
    expect(() => computeDelta({ yTrue: y, baselineScores: base, newScores: next.subarray(1), seed: 1 })).toThrow(/has 2999 values/);
    // A misspelt option is refused rather than silently ignored.
    const typo = { yTrue: y, baselineScores: base, newScores: next, seed: 1, treshold: 2 } as unknown as Parameters<typeof computeDelta>[0];
    expect(() => computeDelta(typo)).toThrow(/treshold|Unrecognized/);
  });
});
