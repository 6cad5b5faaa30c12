import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contributorWeights, EvaluationError } from '../src/index.js';

describe('contributorWeights', () => {
  it('gives each contributor its share of kept rows', () => {
    const w = contributorWeights([
      { id: 'alice', keptRows: 300 },
      { id: 'bob', keptRows: 100 },
    ]);
    expect(w).toEqual([
      { id: 'alice', kept_rows: 300, weight: 0.75 },
      { id: 'bob', kept_rows: 100, weight: 0.25 },
    ]);
  });

  it('sums to 1 and keeps proportions for any row counts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 20 }).filter((a) => a.some((v) => v > 0)), (rows) => {
        const w = contributorWeights(rows.map((r, i) => ({ id: `c${i}`, keptRows: r })));
        const total = rows.reduce((a, b) => a + b, 0);
        const sum = w.reduce((a, b) => a + b.weight, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-14);
        w.forEach((c, i) => expect(Math.abs(c.weight - (rows[i] as number) / total)).toBeLessThan(1e-14));
      }),
    );
  });

  it('refuses empty, all-zero, duplicate and negative contributions', () => {
    expect(() => contributorWeights([])).toThrow(EvaluationError);
    expect(() => contributorWeights([{ id: 'a', keptRows: 0 }])).toThrow(/kept 0 rows/);
    expect(() => contributorWeights([{ id: 'a', keptRows: 1 }, { id: 'a', keptRows: 2 }])).toThrow(/twice/);
    expect(() => contributorWeights([{ id: 'a', keptRows: -1 }])).toThrow(EvaluationError);
  });
});
