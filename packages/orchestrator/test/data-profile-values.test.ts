import { Dictionary, Float64, Int32, Int64, Utf8, vectorFromArray, Table, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { categoryValues, numberValues } from '../src/flow/data-profile/column-values.js';
import { decileEdgesOf } from '../src/flow/data-profile/decile-select.js';
import { decileEdges, numberBinCounts } from '../src/flow/data-profile/psi.js';

// The profile reads the chunks' typed arrays and dictionary codes directly; these are the values
// a row-by-row walk over the Arrow vector gives, which it must match exactly (keys in row order).
function walkNumbers(col: Vector): { values: number[]; missing: number } {
  const values: number[] = [];
  let missing = 0;
  for (const v of col) {
    const x = typeof v === 'bigint' ? Number(v) : (v as number | null);
    if (x === null || Number.isNaN(x)) missing++;
    else values.push(x);
  }
  return { values, missing };
}

/** The smallest and largest of the values, each the first met of its equals (as a scan with < and > keeps them). */
function rangeOf(values: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

function walkCategories(col: Vector): { counts: [string, number][]; missing: number } {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const v of col) {
    if (v === null) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return { counts: [...counts], missing };
}

describe('column values for the data profile', () => {
  const floats = vectorFromArray([1.5, null, Number.NaN, -2, 0, null, 3.25], new Float64());
  const ints = vectorFromArray([7, null, 1, 7, -3], new Int32());
  const bigs = vectorFromArray([5n, null, -9n, 2n ** 40n], new Int64());
  const plans = vectorFromArray(['pro', 'basic', null, 'pro', 'plus', 'basic', null], new Dictionary(new Utf8(), new Int32()));
  const notes = vectorFromArray(['b', 'a', null, 'b'], new Utf8());

  it('reads numbers with nulls and NaN as missing, int64 as numbers, in row order', () => {
    const table = new Table({ x: floats });
    for (const [name, col] of [['f', floats], ['i', ints], ['b', bigs]] as const) {
      const t = new Table({ [name]: col });
      const got = numberValues(t, name);
      expect({ values: [...got.values], missing: got.missing }).toEqual(walkNumbers(col));
      expect({ min: got.min, max: got.max }).toEqual(rangeOf(walkNumbers(col).values));
    }
    expect(numberValues(table, 'absent')).toEqual({ values: new Float64Array(0), missing: 7, min: Infinity, max: -Infinity });
  });

  it('reads one float64 chunk without nulls or NaN in place, and copies one that holds a NaN', () => {
    const whole = vectorFromArray([0, 2.5, -0, -7, 2.5, 11], new Float64());
    const got = numberValues(new Table({ w: whole }), 'w');
    expect(got.values.buffer).toBe(whole.data[0]?.values.buffer);
    expect({ values: [...got.values], missing: got.missing, min: got.min, max: got.max }).toEqual({ ...walkNumbers(whole), ...rangeOf(walkNumbers(whole).values) });
    // Of equal bounds the first met is kept, as a scan with < and > keeps it: 0 or -0, as it comes.
    expect(Object.is(numberValues(new Table({ z: vectorFromArray([0, -0, 1], new Float64()) }), 'z').min, 0)).toBe(true);
    expect(Object.is(numberValues(new Table({ z: vectorFromArray([-0, 0, 1], new Float64()) }), 'z').min, -0)).toBe(true);
    const withNaN = vectorFromArray([1, Number.NaN, -3], new Float64());
    const copied = numberValues(new Table({ n: withNaN }), 'n');
    expect(copied.values.buffer).not.toBe(withNaN.data[0]?.values.buffer);
    expect({ values: [...copied.values], missing: copied.missing, min: copied.min, max: copied.max }).toEqual({ values: [1, -3], missing: 1, min: -3, max: 1 });
  });

  it('counts dictionary codes and plain text alike, keys in the order of their first row', () => {
    for (const col of [plans, notes]) {
      const got = categoryValues(new Table({ c: col }), 'c');
      expect({ counts: [...got.counts], missing: got.missing }).toEqual(walkCategories(col));
    }
    expect([...categoryValues(new Table({ c: plans }), 'c').counts.keys()]).toEqual(['pro', 'basic', 'plus']);
  });

  it('counts plain text of many distinct values (its table grows as they arrive) as the walk does', () => {
    let seed = 3;
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // 20,000 rows of up to 6,000 distinct values (some longer than a hash can tell), nulls among them.
    const rows = Array.from({ length: 20_000 }, () => (next() < 0.05 ? null : `v${Math.floor(next() * 6000)}${next() < 0.01 ? 'x'.repeat(40) : ''}`));
    const col = vectorFromArray(rows, new Utf8());
    const got = categoryValues(new Table({ c: col }), 'c');
    expect(got.counts.size).toBeGreaterThan(5000);
    expect({ counts: [...got.counts], missing: got.missing }).toEqual(walkCategories(col));
  });

  it('reads tables of several chunks, and sliced chunks through the vector', () => {
    const chunked = new Table({ p: plans.concat(vectorFromArray(['gold', 'pro', null], new Dictionary(new Utf8(), new Int32()))), f: floats.concat(vectorFromArray([9, null, 8, 1, 2, 3, 4, 5, 6, 7], new Float64())) });
    const cats = categoryValues(chunked, 'p');
    expect({ counts: [...cats.counts], missing: cats.missing }).toEqual(walkCategories(chunked.getChild('p') as Vector));
    const nums = numberValues(chunked, 'f');
    expect({ values: [...nums.values], missing: nums.missing }).toEqual(walkNumbers(chunked.getChild('f') as Vector));
    expect({ min: nums.min, max: nums.max }).toEqual(rangeOf(walkNumbers(chunked.getChild('f') as Vector).values));
    const sliced = chunked.slice(2, 6);
    const s = numberValues(sliced, 'f');
    expect({ values: [...s.values], missing: s.missing }).toEqual(walkNumbers(sliced.getChild('f') as Vector));
    const sc = categoryValues(sliced, 'p');
    expect({ counts: [...sc.counts], missing: sc.missing }).toEqual(walkCategories(sliced.getChild('p') as Vector));
  });
});

describe('decile edges by selection', () => {
  it('equal the edges of the sorted values, duplicates, ordered input and small inputs included', () => {
    let seed = 11;
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const cases: Float64Array[] = [new Float64Array(0), Float64Array.from([3]), Float64Array.from({ length: 200 }, () => 4)];
    for (const n of [10, 63, 64, 65, 1000, 100_000]) {
      cases.push(Float64Array.from({ length: n }, () => Math.floor(next() * 7) - 3));
      cases.push(Float64Array.from({ length: n }, () => (next() - 0.5) * 1e6));
      cases.push(Float64Array.from({ length: n }, (_, i) => i));
      cases.push(Float64Array.from({ length: n }, (_, i) => n - i));
      // Most values in one histogram bin (zeros) beside a long tail, and infinities at the ends.
      cases.push(Float64Array.from({ length: n }, () => (next() < 0.6 ? 0 : Math.exp(next() * 30))));
      cases.push(Float64Array.from({ length: n }, (_, i) => (i === 0 ? -Infinity : i === 1 ? Infinity : next())));
      cases.push(Float64Array.from({ length: n }, () => (next() < 0.5 ? -0 : 0) + (next() < 0.1 ? 1e-300 : 0)));
    }
    for (const values of cases) {
      const sorted = decileEdges(Float64Array.from(values).sort());
      expect(decileEdgesOf(values)).toEqual(sorted);
      // The range handed in by a caller that has it (the profile's value reader) gives the same edges.
      expect(decileEdgesOf(values, rangeOf([...values]))).toEqual(sorted);
    }
  });
});

describe('number bin counts', () => {
  it('count each value in the bin of the edges below it, as a binary search over the edges does', () => {
    let seed = 5;
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const bySearch = (values: Float64Array, missing: number, edges: number[]): number[] => {
      const counts = new Array<number>(edges.length + 2).fill(0);
      for (const v of values) {
        const bin = edges.filter((e) => e < v).length;
        counts[bin] = (counts[bin] ?? 0) + 1;
      }
      counts[edges.length + 1] = missing;
      return counts;
    };
    for (let trial = 0; trial < 40; trial++) {
      const raw = Float64Array.from({ length: 2000 }, () => Math.round((next() - 0.5) * 10 ** (1 + (trial % 6))) / 10 ** (trial % 4));
      const edges = decileEdgesOf(raw);
      // Values on the edges, just beside them, in the cells they cross, and far outside.
      const probe = Float64Array.from([...raw, ...edges, ...edges.map((e) => e + Number.EPSILON * Math.abs(e)), ...edges.map((e) => e - 1e-9), -Infinity, Infinity, -1e300, 1e300]);
      expect([...numberBinCounts(probe, 3, edges)]).toEqual(bySearch(probe, 3, edges));
    }
    expect([...numberBinCounts(Float64Array.from([1, 2, 3]), 0, [])]).toEqual([3, 0]);
    expect([...numberBinCounts(Float64Array.from([1, 2, 3]), 1, [2], { min: 1, width: 0, counts: new Float64Array(1) })]).toEqual([2, 1, 1]);
    expect([...numberBinCounts(Float64Array.from([1, 2, 3]), 1, [2])]).toEqual([2, 1, 1]);
    expect([...numberBinCounts(Float64Array.from([-Infinity, 0, Infinity]), 0, [-Infinity, 0, Infinity])]).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('equal-width histogram counted in the bin pass', () => {
  it('counts each value in bin min(k - 1, floor((v - min) / width)), as a pass of its own does', () => {
    let seed = 9;
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 30; trial++) {
      const values = Float64Array.from({ length: 3000 }, () => Math.round((next() - 0.5) * 10 ** (1 + (trial % 5))) / 10 ** (trial % 3));
      const { min, max } = rangeOf([...values]);
      const k = trial % 7 === 0 ? 1 : 20;
      const width = (max - min) / k;
      const own = new Array<number>(k).fill(0);
      for (const v of values) {
        const b = width === 0 ? 0 : Math.min(k - 1, Math.floor((v - min) / width));
        own[b] = (own[b] ?? 0) + 1;
      }
      const counts = new Float64Array(k);
      const edges = decileEdgesOf(values);
      const bins = numberBinCounts(values, 2, edges, { min, width, counts });
      expect([...counts]).toEqual(own);
      expect([...bins]).toEqual([...numberBinCounts(values, 2, edges)]);
    }
  });

  it('counts a value outside the bins nowhere, as writing to its bin index of a typed array does', () => {
    // The definition's bin of -∞ or a value under min is negative, of ∞ over an infinite width NaN:
    // a pass of its own writing counts[b] drops them; ∞ over a finite width lands in the last bin.
    const own = (values: number[], min: number, width: number, k: number): number[] => {
      const counts = new Float64Array(k);
      for (const v of values) {
        const b = width === 0 ? 0 : Math.min(k - 1, Math.floor((v - min) / width));
        counts[b] = (counts[b] as number) + 1;
      }
      return [...counts];
    };
    const cases: { values: number[]; min: number; width: number }[] = [
      { values: [-Infinity, -5, 0, 0.5, 1, 2, Infinity], min: 0, width: 0.25 },
      { values: [-Infinity, 0, 1e300, Infinity], min: -1e300, width: Infinity },
      { values: [-Infinity, 3, Infinity], min: 3, width: 0 },
      { values: Array.from({ length: 37 }, (_, i) => (i % 5 === 0 ? -1 : i / 7)), min: 0, width: 0.3 },
    ];
    for (const { values, min, width } of cases) {
      const counts = new Float64Array(4);
      numberBinCounts(Float64Array.from(values), 0, [0.5], { min, width, counts });
      expect([...counts]).toEqual(own(values, min, width, 4));
    }
  });
});
