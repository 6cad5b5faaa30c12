import { describe, expect, it } from 'vitest';
import { multiclassMetrics } from '../src/index.js';
import { codeOf } from './error-code.js';

describe('multiclassMetrics input checks', () => {
  const p = Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1]);

  it('names the row whose probabilities do not sum to 1', () => {
    const bad = Float64Array.from([0.7, 0.2, 0.1, 0.5, 0.8, 0.1]);
    expect(codeOf(() => multiclassMetrics([0, 1], bad, 3))).toBe('HOKUSAI_EVAL_PROBABILITIES_NOT_NORMALIZED');
    expect(() => multiclassMetrics([0, 1], bad, 3)).toThrow(/row 1/);
  });

  it('refuses mismatched shapes, labels out of range, NaN and a single class count', () => {
    expect(codeOf(() => multiclassMetrics([0, 1, 2], p, 3))).toBe('HOKUSAI_EVAL_LENGTH_MISMATCH');
    expect(codeOf(() => multiclassMetrics([0, 3], p, 3))).toBe('HOKUSAI_EVAL_INVALID_LABEL');
    expect(codeOf(() => multiclassMetrics([0, 1], Float64Array.from([NaN, 0.2, 0.1, 0.1, 0.8, 0.1]), 3))).toBe('HOKUSAI_EVAL_NAN_SCORE');
    expect(codeOf(() => multiclassMetrics([0, 0], Float64Array.from([1, 1]), 1))).toBe('HOKUSAI_EVAL_INVALID_OPTION');
  });

  it('reports OvR AUROC averages as null when a class never occurs, and stays JSON', () => {
    const m = multiclassMetrics([0, 1], p, 3);
    expect(m.per_class[2]?.auroc).toBeNull();
    expect(m.auroc_ovr).toEqual({ macro: null, weighted: null });
    expect(m.per_class[0]?.auroc).toBe(1);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});
