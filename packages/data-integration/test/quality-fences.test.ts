import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fencesOfSample } from '../src/quality.js';

/** The fences from a sorted copy (the definition). */
function bySort(sample: readonly number[]): [number, number] | null {
  if (sample.length < 3) return null;
  const s = Float64Array.from(sample).sort();
  const q = (p: number): number => {
    const x = p * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(s.length - 1, lo + 1);
    return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (x - lo);
  };
  const iqr = q(0.75) - q(0.25);
  return [q(0.25) - 3 * iqr, q(0.75) + 3 * iqr];
}

describe('the outlier fences', () => {
  it('equal those of a sorted sample, bit for bit: ties, few values, NaN, -0, infinities', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true }), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 0.1, 0.2, 0.30000000000000004));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (sample) => {
        expect(fencesOfSample(sample)).toEqual(bySort(sample));
      }),
      { numRuns: 3000 },
    );
  });

});
