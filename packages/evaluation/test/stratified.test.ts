import { describe, expect, it } from 'vitest';
import { binaryMetrics, stratifiedDelta, stratifiedMetrics, EvaluationError } from '../src/index.js';
import { syntheticBenchmark } from './data.js';

describe('stratifiedMetrics', () => {
  const { y, base } = syntheticBenchmark(500, 8, 0);
  const plan = Array.from(y, (_, i) => (i < 20 ? 'enterprise' : i % 2 === 0 ? 'basic' : null));

  it('reports each stratum with its size, positives and the same metrics as on its rows alone', () => {
    const r = stratifiedMetrics(y, base, plan, { column: 'plan', minStratumSize: 30 });
    expect(r.column).toBe('plan');
    expect(r.strata.map((s) => s.key)).toEqual(['basic', 'enterprise', null]);
    expect(r.strata.reduce((a, s) => a + s.n, 0)).toBe(500);
    const ent = r.strata.find((s) => s.key === 'enterprise');
    expect(ent?.n).toBe(20);
    expect(ent?.small).toBe(true);
    expect(r.strata.find((s) => s.key === 'basic')?.small).toBe(false);
    const expected = binaryMetrics(y.subarray(0, 20), base.subarray(0, 20));
    expect(ent?.metrics.accuracy).toBe(expected.accuracy);
    expect(ent?.metrics.auroc).toBe(expected.auroc);
    expect(ent?.positives).toBe(y.subarray(0, 20).reduce((a, v) => a + v, 0));
    expect(r.overall.metrics.f1).toBe(binaryMetrics(y, base).f1);
  });

  it('gives per-label figures when stratified by the label itself, with undefined AUROC as null', () => {
    const r = stratifiedMetrics(y, base, Array.from(y), { metrics: ['recall', 'auroc'] });
    const pos = r.strata.find((s) => s.key === '1');
    expect(pos?.metrics.auroc).toBeNull();
    expect(pos?.metrics.recall).toBe(binaryMetrics(y, base).recall);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('compares both models per stratum with directions', () => {
    const d = syntheticBenchmark(500, 8, 0.1);
    const r = stratifiedDelta(d.y, d.base, d.next, plan, { metrics: ['accuracy', 'brier'], minStratumSize: 30 });
    const basic = r.strata.find((s) => s.key === 'basic');
    const rows = Array.from({ length: 500 }, (_, i) => i).filter((i) => plan[i] === 'basic');
    const yy = Int32Array.from(rows, (i) => d.y[i] as number);
    const mb = binaryMetrics(yy, Float64Array.from(rows, (i) => d.base[i] as number));
    const mn = binaryMetrics(yy, Float64Array.from(rows, (i) => d.next[i] as number));
    expect(basic?.metrics.accuracy).toEqual({ baseline: mb.accuracy, new: mn.accuracy, absolute_delta: mn.accuracy - mb.accuracy, improved: mn.accuracy > mb.accuracy });
    expect(basic?.metrics.brier?.improved).toBe(mn.brier < mb.brier);
    expect(r.strata.find((s) => s.key === 'enterprise')?.small).toBe(true);
    expect(r.directions).toEqual({ accuracy: 'higher', brier: 'lower' });
  });

  it('refuses strata of the wrong length and unknown metrics', () => {
    expect(() => stratifiedMetrics(y, base, plan.slice(1))).toThrow(EvaluationError);
    expect(() => stratifiedMetrics(y, base, plan, { metrics: ['acc'] })).toThrow(/Unknown metric "acc"/);
  });
});
