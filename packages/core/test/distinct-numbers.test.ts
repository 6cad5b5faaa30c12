import { describe, expect, it } from 'vitest';
import { DistinctScratch, distinctNumbers, Sfc32Random } from '../src/index.js';

/** The count over a sorted copy (-0 and 0 equal), as the training feature plan once made it. */
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

  it('counts what a Set of the present values counts, -0 and 0 as one', () => {
    const random = new Sfc32Random(7);
    for (const [n, spread] of [[0, 1], [1, 1], [1000, 3], [50_000, 40_000], [50_000, 1e9]] as const) {
      const values = new Float64Array(n);
      const valid = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        values[i] = random.int(10) === 0 ? -0 : (random.nextUint32() % spread) / 4;
        valid[i] = random.int(5) === 0 ? 0 : 1;
      }
      const all = new Set(Array.from(values, (v) => (v === 0 ? 0 : v)));
      const present = new Set(Array.from(values, (v) => (v === 0 ? 0 : v)).filter((_, i) => valid[i] === 1));
      expect(distinctNumbers(values)).toBe(all.size);
      expect(distinctNumbers(values, n, valid)).toBe(present.size);
    }
  });

  it('counts only the first n entries, and int32 values as their numbers', () => {
    expect(distinctNumbers(Float64Array.from([1, 2, 2, 3, 4]), 3)).toBe(2);
    expect(distinctNumbers(Int32Array.from([5, -5, 5, 2 ** 31 - 1, -(2 ** 31)]))).toBe(4);
    expect(distinctNumbers(Float64Array.from([0, -0, 0.5, -0.5]))).toBe(3);
  });
});

describe('distinctNumbers on large columns', () => {
  it('counts what a Set counts whether the values repeat (one growing table) or are nearly all distinct (partitions)', () => {
    const random = new Sfc32Random(11);
    const n = 200_000;
    for (const spread of [50, 30_000, 2 ** 32]) {
      const values = new Float64Array(n);
      const valid = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        values[i] = random.int(20) === 0 ? -0 : (random.nextUint32() % spread) / 8 - spread / 16;
        valid[i] = random.int(7) === 0 ? 0 : 1;
      }
      const all = new Set(Array.from(values, (v) => (v === 0 ? 0 : v)));
      const present = new Set(Array.from(values, (v) => (v === 0 ? 0 : v)).filter((_, i) => valid[i] === 1));
      expect(distinctNumbers(values)).toBe(all.size);
      expect(distinctNumbers(values, n, valid)).toBe(present.size);
      expect(distinctNumbers(values, 150_000)).toBe(new Set(Array.from(values.subarray(0, 150_000), (v) => (v === 0 ? 0 : v))).size);
    }
    const ints = Int32Array.from({ length: n }, (_, i) => (i * 2654435761) | 0);
    expect(distinctNumbers(ints)).toBe(new Set(ints).size);
  });

  it('counts exactly when the first values are all new and the rest repeat them, or the reverse', () => {
    // The partitioned count starts after a look at the first 4,096 values (nearly all new) or at
    // the first 65,536 (mostly new); either way the count is the whole column's.
    for (const firstNew of [4_095, 4_096, 4_097, 70_000]) {
      const values = Float64Array.from({ length: 100_000 }, (_, i) => (i < firstNew ? i * 0.37 : (i % 97) * 0.37));
      expect(distinctNumbers(values)).toBe(new Set(values).size);
      const reversed = values.slice().reverse();
      expect(distinctNumbers(reversed)).toBe(new Set(reversed).size);
      expect(distinctNumbers(values, 4_096)).toBe(new Set(values.subarray(0, 4_096)).size);
    }
  });

  it('counts the same with one scratch lent to calls on columns of every size, larger ones before smaller ones', () => {
    const random = new Sfc32Random(12);
    const scratch = new DistinctScratch();
    // Mostly distinct columns (partitioned: multiples of pi lie on no decimal grid), largest
    // first, so later calls find the scratch holding an earlier, longer column's rows past their
    // own n; then one of few values.
    for (const n of [300_000, 120_000, 90_000, 250_000, 70_000]) {
      const values = Float64Array.from({ length: n }, () => (random.nextUint32() % (n * 2)) * Math.PI);
      const valid = Uint8Array.from({ length: n }, () => (random.int(9) === 0 ? 0 : 1));
      expect(distinctNumbers(values, n, undefined, scratch)).toBe(distinctNumbers(values));
      expect(distinctNumbers(values, n, valid, scratch)).toBe(new Set(Array.from(values).filter((_, i) => valid[i] === 1)).size);
      expect(distinctNumbers(values, n >> 1, undefined, scratch)).toBe(bySorting(values, n >> 1));
    }
    expect(scratch.hashes.length).toBe(300_000);
    const few = Float64Array.from({ length: 100_000 }, (_, i) => i % 37);
    expect(distinctNumbers(few, few.length, undefined, scratch)).toBe(37);
  });

  it('lends one gathering array across columns, grown when a longer one comes, and counting leaves it as it is', () => {
    const scratch = new DistinctScratch();
    const first = scratch.floats(200_000);
    expect(first.length).toBe(200_000);
    expect(scratch.floats(50_000)).toBe(first);
    const random = new Sfc32Random(4);
    for (let i = 0; i < 200_000; i++) first[i] = random.nextUint32() % 150_000;
    const copy = first.slice();
    expect(distinctNumbers(first, 200_000, undefined, scratch)).toBe(new Set(copy).size);
    expect(first).toEqual(copy);
    expect(scratch.floats(300_000).length).toBe(300_000);
  });
});
