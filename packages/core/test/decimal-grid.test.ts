import { describe, expect, it } from 'vitest';
import { gridDistinct } from '../src/decimal-grid.js';
import { DistinctScratch, distinctNumbers, Sfc32Random } from '../src/index.js';

/** The distinct values by a Set (-0 and 0 as one), rows with valid[i] === 0 skipped. */
function bySet(values: ArrayLike<number>, n: number, valid?: Uint8Array): number {
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) if (valid === undefined || valid[i] === 1) seen.add((values[i] as number) === 0 ? 0 : (values[i] as number));
  return seen.size;
}

/** The next double above v (v finite, positive or negative). */
function nextUp(v: number): number {
  const f = new Float64Array([v]);
  const b = new BigInt64Array(f.buffer);
  b[0] = v >= 0 ? (b[0] as bigint) + 1n : (b[0] as bigint) - 1n;
  return f[0] as number;
}

const random = new Sfc32Random(31);
const uniform = (): number => random.nextUint32() / 2 ** 32;

describe('distinct values on a decimal grid', () => {
  it('counts as a Set does: 0 to 9 decimals, every magnitude, values off the grid, -0, nulls, integers', () => {
    for (let trial = 0; trial < 120; trial++) {
      const n = 4_100 + Math.floor(uniform() * 60_000);
      const d = trial % 10;
      const scale = 10 ** ((trial % 7) - 2);
      const offShare = [0, 0, 0.001, 0.03, 0.2][trial % 5] as number;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let v = Math.round((uniform() - 0.5) * scale * 10 ** d * 50) / 10 ** d;
        if (uniform() < offShare) v = uniform() < 0.5 ? nextUp(v) : (uniform() - 0.5) * scale;
        if (uniform() < 0.01) v = uniform() < 0.5 ? -0 : 0;
        values[i] = v;
      }
      const valid = trial % 3 === 0 ? Uint8Array.from({ length: n }, () => (uniform() < 0.85 ? 1 : 0)) : undefined;
      expect(distinctNumbers(values, n, valid, new DistinctScratch()), `trial ${trial}`).toBe(bySet(values, n, valid));
    }
    const ids = Int32Array.from({ length: 200_000 }, (_, i) => 1_000_000 + i * 3 - (i % 5 === 0 ? 3 : 0));
    expect(distinctNumbers(ids)).toBe(bySet(ids, ids.length));
  });

  it('tells a value from the next double above it: the grid check is an exact division, not a tolerance', () => {
    const scratch = new DistinctScratch();
    const base = Float64Array.from({ length: 50_000 }, (_, i) => (i - 25_000) / 1000);
    const neighbours = Float64Array.from(base, (v, i) => (i % 100 === 7 && v !== 0 ? nextUp(v) : v));
    const both = new Float64Array([...base, ...neighbours]);
    expect(gridDistinct(both, both.length, undefined, scratch, (o, m) => bySet(o, m))).toBe(bySet(both, both.length));
    expect(bySet(both, both.length)).toBe(50_000 + 500);
  });

  it('is not used where it does not pay: raw doubles, a range far wider than the values, many values off the grid', () => {
    const scratch = new DistinctScratch();
    const others = (o: Float64Array, m: number): number => bySet(o, m);
    const raw = Float64Array.from({ length: 10_000 }, () => uniform());
    expect(gridDistinct(raw, raw.length, undefined, scratch, others)).toBeNull();
    const sparse = Float64Array.from({ length: 10_000 }, (_, i) => i * 1_000_000);
    expect(gridDistinct(sparse, sparse.length, undefined, scratch, others)).toBeNull();
    const mixed = Float64Array.from({ length: 10_000 }, (_, i) => (i < 2000 ? i / 100 : i % 10 === 0 ? uniform() : i / 100));
    expect(gridDistinct(mixed, mixed.length, undefined, scratch, others)).toBeNull();
    const infinite = Float64Array.from({ length: 10_000 }, (_, i) => (i === 5 ? Infinity : i));
    expect(gridDistinct(infinite, infinite.length, undefined, scratch, others)).toBeNull();
    // Each still counted exactly, by the partitions.
    for (const v of [raw, sparse, mixed, infinite]) expect(distinctNumbers(v, v.length, undefined, scratch)).toBe(bySet(v, v.length));
    // And a column on the grid is counted by it, the bitmap reused and cleared between columns.
    const cents = Float64Array.from({ length: 10_000 }, (_, i) => (i % 4000) / 100);
    expect(gridDistinct(cents, cents.length, undefined, scratch, others)).toBe(4000);
    expect(gridDistinct(cents.subarray(0, 1000), 1000, undefined, scratch, others)).toBe(1000);
  });
});
