import { describe, expect, it } from 'vitest';
import { distinctNumbers } from '../src/features/distinct-numbers.js';
import { SeededRandom } from '../src/index.js';

/** The count the feature plan made before: over a sorted copy, -0 and 0 equal. */
function bySorting(values: Float64Array, n: number): number {
  const sorted = Float64Array.from(values.subarray(0, n)).sort();
  let distinct = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

describe('distinctNumbers', () => {
  it('counts as a sorted copy does: -0 and 0 one value, infinities, only the first n', () => {
    const v = Float64Array.from([0, -0, 1.5, Infinity, -Infinity, 1.5, 2 ** 53, -(2 ** 53), 5e-324, 7]);
    expect(distinctNumbers(v, 9)).toBe(bySorting(v, 9));
    expect(distinctNumbers(v, 9)).toBe(7);
    expect(distinctNumbers(v, 0)).toBe(0);
  });

  it('agrees with the sorted count on low- and high-cardinality columns', () => {
    const rng = new SeededRandom(5);
    for (const [n, spread] of [[100_000, 60], [100_000, 1e9], [3, 2]] as const) {
      const v = Float64Array.from({ length: n }, () => Math.round(rng.uniform() * spread) / (spread > 100 ? 100 : 1));
      expect(distinctNumbers(v, n)).toBe(bySorting(v, n));
    }
  });
});
