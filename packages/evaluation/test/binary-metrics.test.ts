import { describe, expect, it } from 'vitest';
import { auroc, binaryMetrics } from '../src/index.js';
import { syntheticBenchmark } from './data.js';
import { codeOf } from './error-code.js';

function bruteAuroc(y: Int32Array, s: Float64Array): number {
  let num = 0;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) pos++;
    else neg++;
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      const a = s[i] as number;
      const b = s[j] as number;
      num += a > b ? 1 : a === b ? 0.5 : 0;
    }
  }
  return num / (pos * neg);
}

describe('binaryMetrics', () => {
  it('applies predicted = score >= threshold exactly at the boundary', () => {
    const m = binaryMetrics([1, 0, 1, 0], Float64Array.from([0.5, 0.5, 0.4999999, 0.2]));
    expect(m.confusion).toEqual({ tp: 1, fp: 1, tn: 1, fn: 1 });
    const m2 = binaryMetrics([1, 0, 1, 0], Float64Array.from([0.5, 0.5, 0.4999999, 0.2]), { threshold: 0.6 });
    expect(m2.confusion).toEqual({ tp: 0, fp: 0, tn: 2, fn: 2 });
    expect(m2.threshold).toBe(0.6);
  });

  it('matches a brute-force pairwise AUROC with heavy ties', () => {
    const { y, base } = syntheticBenchmark(600, 11, 0, true);
    const m = binaryMetrics(y, base);
    expect(m.auroc).not.toBeNull();
    expect(Math.abs((m.auroc as number) - bruteAuroc(y, base))).toBeLessThan(1e-12);
    expect(Math.abs((auroc(y, base) as number) - bruteAuroc(y, base))).toBeLessThan(1e-12);
  });

  it('reports AUROC and AP as null, never 0.5 or NaN, when a class is absent', () => {
    const m = binaryMetrics([0, 0, 0], Float64Array.from([0.1, 0.7, 0.3]));
    expect(m.auroc).toBeNull();
    expect(m.average_precision).toBeNull();
    expect(m.precision).toBe(0);
    expect(m.recall).toBe(0);
    const json = JSON.parse(JSON.stringify(m));
    expect(json).toEqual(m);
  });

  it('uses the configured zero-division value when nothing is predicted positive', () => {
    const y = [1, 0, 1];
    const s = Float64Array.from([0.1, 0.2, 0.3]);
    expect(binaryMetrics(y, s).precision).toBe(0);
    expect(binaryMetrics(y, s, { zeroDivision: 1 }).precision).toBe(1);
    expect(binaryMetrics(y, s, { zeroDivision: 1 }).recall).toBe(0);
  });

  it('rejects bad input with typed errors', () => {
    expect(codeOf(() => binaryMetrics([0, 1], Float64Array.from([0.1])))).toBe('HOKUSAI_EVAL_LENGTH_MISMATCH');
    expect(codeOf(() => binaryMetrics([], new Float64Array(0)))).toBe('HOKUSAI_EVAL_EMPTY_INPUT');
    expect(codeOf(() => binaryMetrics([0, 1], Float64Array.from([0.1, NaN])))).toBe('HOKUSAI_EVAL_NAN_SCORE');
    expect(codeOf(() => binaryMetrics([0, 1], Float64Array.from([0.1, 1.2])))).toBe('HOKUSAI_EVAL_SCORE_OUT_OF_RANGE');
    expect(codeOf(() => binaryMetrics([0, 2], Float64Array.from([0.1, 0.2])))).toBe('HOKUSAI_EVAL_INVALID_LABEL');
    expect(codeOf(() => binaryMetrics([0, 1], Float64Array.from([0.1, 0.2]), { threshold: Number.NaN }))).toBe('HOKUSAI_EVAL_INVALID_OPTION');
    // Ranking metrics accept raw scores outside [0, 1] but not NaN.
    expect(auroc([0, 1], Float64Array.from([-3, 7]))).toBe(1);
  });
});
