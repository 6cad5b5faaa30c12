import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascendingOrder } from '../src/metrics/score-order.js';
import { buildTieGroups, type TieGroups } from '../src/metrics/tie-groups.js';

/** The groups by the plain method: sort the distinct values, find each row's group by binary search. */
function reference(y: Int32Array, s: Float64Array): TieGroups {
  const n = s.length;
  const sorted = Float64Array.from(s).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i] as number;
  const asc = sorted.subarray(0, m);
  const values = Float64Array.from(asc).reverse();
  const pos = new Float64Array(m);
  const neg = new Float64Array(m);
  const groupOf = new Int32Array(n);
  let totalPos = 0;
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((asc[mid] as number) < (s[i] as number)) lo = mid + 1;
      else hi = mid;
    }
    const g = m - 1 - lo;
    groupOf[i] = g;
    if (y[i] === 1) {
      pos[g] = (pos[g] as number) + 1;
      totalPos++;
    } else neg[g] = (neg[g] as number) + 1;
  }
  return { values, pos, neg, groupOf, totalPos, totalNeg: n - totalPos };
}

/** Scores with many ties and every kind of double the sort keys must order: signs, both zeros, infinities, subnormals, float32 probabilities. */
const score = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, 2 ** -1074 * 3, 1 - 2 ** -53),
  fc.double({ noNaN: true }),
  fc.integer({ min: 0, max: 1000 }).map((k) => Math.fround(k / 1000)),
);

describe('tie groups', () => {
  const sameGroups = (rows: [number, boolean][]): void => {
    const s = Float64Array.from(rows, ([v]) => v);
    const y = Int32Array.from(rows, ([, b]) => (b ? 1 : 0));
    const got = buildTieGroups(y, s);
    const want = reference(y, s);
    const shown = (a: Float64Array): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
    expect(shown(got.values)).toEqual(shown(want.values));
    expect(got.pos).toEqual(want.pos);
    expect(got.neg).toEqual(want.neg);
    expect(got.groupOf).toEqual(want.groupOf);
    expect([got.totalPos, got.totalNeg]).toEqual([want.totalPos, want.totalNeg]);
  };

  it('equal the sort-and-search groups on short inputs (a comparison sort)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(score, fc.boolean()), { minLength: 1, maxLength: 100 }), sameGroups), { numRuns: 300 });
  });

  it('equal the sort-and-search groups on inputs long enough for the radix passes', () => {
    fc.assert(fc.property(fc.array(fc.tuple(score, fc.boolean()), { minLength: 512, maxLength: 3000, size: 'max' }), sameGroups), { numRuns: 60 });
  });

  it('orders doubles that differ in a single bit, for every bit of the 64', () => {
    // 1.5 with each mantissa bit flipped, each exponent bit flipped, and all of them negated: every
    // digit of every radix pass decides some pair. Shuffled and repeated past the radix threshold.
    const view = new DataView(new ArrayBuffer(8));
    const values: number[] = [];
    for (let bit = 0; bit < 63; bit++) {
      view.setFloat64(0, 1.5);
      view.setBigUint64(0, view.getBigUint64(0) ^ (1n << BigInt(bit)));
      const v = view.getFloat64(0);
      if (!Number.isNaN(v)) values.push(v, -v);
    }
    values.push(1.5, -1.5, 0, -0);
    const rows: [number, boolean][] = [];
    for (let r = 0; rows.length < 1500; r++) for (let i = 0; i < values.length; i++) rows.push([values[(i * 37 + r * 11) % values.length] as number, (i + r) % 3 === 0]);
    sameGroups(rows);
  });

  it('orders 100,000 float32 probabilities as a comparison sort does, ties in row order', () => {
    const n = 100_000;
    const s = Float64Array.from({ length: n }, (_, i) => Math.fround(((i * 7919) % 5003) / 5003));
    const { order } = ascendingOrder(s);
    const want = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (s[a] as number) - (s[b] as number) || a - b);
    expect(order).toEqual(want);
  });
});
