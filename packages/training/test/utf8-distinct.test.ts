import type { Data} from 'apache-arrow';
import { LargeUtf8, Utf8, type Table, makeData, makeTable, makeVector, tableFromArrays, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SeededRandom, planFeatures } from '../src/index.js';
import { readCodedStrings } from '../src/features/arrow-columns.js';
import { ID_DISTINCT_SHARE, fitFeaturizer } from '../src/features/featurizer.js';
import { utf8Distinct } from '../src/features/utf8-distinct.js';

/** A Utf8 vector of these values (null for a null) in chunks of the given sizes. */
function chunked(values: (string | null)[], sizes: number[]): Vector {
  const chunks: Data[] = [];
  let at = 0;
  for (const n of sizes) {
    chunks.push(vectorFromArray(values.slice(at, at + n), new Utf8()).data[0] as Data);
    at += n;
  }
  return makeVector(chunks);
}

/** What coding the strings finds: distinct non-null values and non-null rows. */
function byStrings(col: Vector): { distinct: number; nonNull: number } {
  const coded = readCodedStrings(col);
  return { distinct: coded.values.length, nonNull: coded.codes.filter((c) => c >= 0).length };
}

describe('distinct text values counted by their bytes', () => {
  it('counts what coding the strings counts, over chunks, nulls, slices and any UTF-8', () => {
    const rng = new SeededRandom(11);
    const pool = ['a', 'é', '東京', 'naïve café', '', ' ', 'a ', 'A', '😀', 'x'.repeat(40)];
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + rng.int(3000);
      const spread = [2, 30, 500, 5000][trial % 4] as number;
      const values = Array.from({ length: n }, () => (rng.uniform() < 0.1 ? null : `${pool[rng.int(pool.length)]}${rng.int(spread)}`));
      const cut = rng.int(n + 1);
      const col = chunked(values, [cut, n - cut].filter((s) => s > 0));
      const got = utf8Distinct(col);
      expect(got, `trial ${trial}`).toEqual({ ...byStrings(col), complete: true });
    }
    // A sliced chunk (Arrow slices the offsets, not the bitmap).
    const whole = vectorFromArray(['p', null, 'q', 'p', null, 'r', 'q', 's'], new Utf8());
    const sliced = whole.slice(1, 7);
    expect(utf8Distinct(sliced)).toEqual({ ...byStrings(sliced), complete: true });
    expect(byStrings(sliced)).toEqual({ distinct: 3, nonNull: 4 });
  });

  it('stops once the share cannot be reached, and only then', () => {
    const few = chunked(Array.from({ length: 10_000 }, (_, i) => `v${i % 4}`), [6000, 4000]);
    const stopped = utf8Distinct(few, ID_DISTINCT_SHARE);
    expect(stopped?.complete).toBe(false);
    expect(stopped?.distinct).toBe(4);
    const ids = chunked(Array.from({ length: 10_000 }, (_, i) => (i % 50 === 0 ? `id${i - 1}` : `id${i}`)), [5000, 5000]);
    // 200 repeats in 10,000 rows: 98% distinct, at or above the share, so counted in full.
    expect(utf8Distinct(ids, ID_DISTINCT_SHARE)).toEqual({ ...byStrings(ids), complete: true });
    expect(byStrings(ids).distinct).toBe(9801);
    // At the share exactly (950 distinct in 1,000 rows, the repeats last) the count goes to the end; one fewer stops.
    const edge = (distinct: number): Vector => chunked(Array.from({ length: 1000 }, (_, i) => `e${i < distinct ? i : 0}`), [1000]);
    expect(utf8Distinct(edge(950), 0.95)).toEqual({ distinct: 950, nonNull: 1000, complete: true });
    expect(utf8Distinct(edge(949), 0.95)?.complete).toBe(false);
  });

  it('leaves to the strings what bytes could count otherwise: invalid UTF-8, a byte order mark, other layouts', () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x61, 0xfe]);
    const invalid = makeVector(makeData({ type: new Utf8(), length: 2, valueOffsets: new Int32Array([0, 2, 4]), data: bytes }));
    // Both decode to "a\uFFFD": one string, two byte sequences.
    expect(byStrings(invalid).distinct).toBe(1);
    expect(utf8Distinct(invalid)).toBeNull();
    const bom = vectorFromArray(['\uFEFFabc', 'abc'], new Utf8());
    expect(utf8Distinct(bom)).toBeNull();
    expect(utf8Distinct(vectorFromArray(['a', 'b'], new LargeUtf8()))).toBeNull();
    expect(utf8Distinct(vectorFromArray(['a', 'b', 'a']))).toBeNull(); // dictionary-encoded
  });

  it('leaves the featurizer and the plan deciding as coding the strings decides', () => {
    const rng = new SeededRandom(5);
    for (const [n, distinctShare, expected] of [
      [4000, 1, 'identifier'],
      [4000, 0.97, 'identifier'],
      [4000, 0.9, 'hashed'],
      [4000, 0.004, 'categorical'],
      // Every value distinct but few of them: a category, not an identifier.
      [20, 1, 'categorical'],
    ] as const) {
      const pick = Math.max(1, Math.round(n * distinctShare));
      const id = Array.from({ length: n }, (_, i) => `k${i < pick ? i : rng.int(pick)}`);
      const y = Int32Array.from({ length: n }, () => rng.int(2));
      const numbers = tableFromArrays({ x: Float64Array.from({ length: n }, () => rng.uniform()), y });
      const table = makeTable({ id: vectorFromArray(id, new Utf8()).data[0] as Data, x: numbers.getChild('x')!.data[0]!, y: numbers.getChild('y')!.data[0]! } as never) as unknown as Table;
      expect(utf8Distinct(table.getChild('id') as Vector)).not.toBeNull();
      const f = fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 32, hashBuckets: 64, hashSeed: 0 });
      const kind = f.excluded.some((e) => e.name === 'id' && e.reason === 'identifier') ? 'identifier' : f.hashed.some((h) => h.name === 'id') ? 'hashed' : 'categorical';
      expect(kind, `share ${distinctShare}`).toBe(expected);
      const coded = byStrings(table.getChild('id') as Vector);
      const plan = planFeatures(table, { target: 'y', seed: 1 });
      expect(plan.columns.find((c) => c.name === 'id')).toMatchObject({ distinct: coded.distinct, missing: n - coded.nonNull });
    }
  });

  it('counts a million distinct identifiers exactly', () => {
    const n = 1_000_000;
    const ids = Array.from({ length: n }, (_, i) => `C${String(i).padStart(7, '0')}`);
    ids[n - 1] = ids[0] as string;
    const col = vectorFromArray(ids, new Utf8());
    expect(utf8Distinct(col)).toEqual({ distinct: n - 1, nonNull: n, complete: true });
  });
});
