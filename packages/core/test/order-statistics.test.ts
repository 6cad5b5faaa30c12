import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectPositions } from '../src/index.js';

describe('selectPositions', () => {
  it('puts the value of each wanted sorted position there, with runs of equal values and past the sort threshold', () => {
    const values = fc.array(fc.oneof(fc.integer({ min: -40, max: 40 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })), { minLength: 1, maxLength: 700 });
    fc.assert(
      fc.property(values, fc.array(fc.nat(), { maxLength: 9 }), (list, picks) => {
        const a = Float64Array.from(list);
        const wanted = [...new Set(picks.map((p) => p % a.length))].sort((x, y) => x - y);
        selectPositions(a, wanted);
        const sorted = Float64Array.from(list).sort();
        // -0 and 0 are one value to a comparison: compared as numbers, not by sign.
        for (const p of wanted) expect(a[p] === sorted[p]).toBe(true);
        expect(Float64Array.from(a).sort()).toEqual(sorted);
      }),
      { numRuns: 1500 },
    );
  });
});
