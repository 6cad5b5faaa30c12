import { Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/index.js';
import { readCodedStrings } from '../src/features/arrow-columns.js';
import { Utf8ValueSet } from '../src/features/utf8-value-set.js';

/** The set of strings, non-null rows and whether a null was seen, as coding each batch's strings gives them. */
function byStrings(batches: Vector[]): { values: Set<string>; nonNull: number; hasNull: boolean } {
  const values = new Set<string>();
  let nonNull = 0;
  let hasNull = false;
  for (const col of batches) {
    const coded = readCodedStrings(col);
    for (const c of coded.codes) {
      if (c < 0) hasNull = true;
      else nonNull++;
    }
    for (const v of coded.values) values.add(v);
  }
  return { values, nonNull, hasNull };
}

function added(batches: Vector[]): Utf8ValueSet {
  const set = new Utf8ValueSet();
  for (const col of batches) set.addColumn(col);
  return set;
}

const raw = (...values: number[][]): Vector => {
  const offsets = new Int32Array(values.length + 1);
  values.forEach((v, i) => (offsets[i + 1] = (offsets[i] as number) + v.length));
  return makeVector(makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data: Uint8Array.from(values.flat()) }));
};

describe('Utf8ValueSet', () => {
  it('holds the distinct strings of batches in any layout, as a set of the decoded strings does', () => {
    const rng = new SeededRandom(4);
    const pool = ['a', 'é', '東京', '', ' ', 'A', '😀', '\uFEFFa'];
    for (let trial = 0; trial < 40; trial++) {
      const batches: Vector[] = [];
      for (let b = 0; b < 1 + rng.int(4); b++) {
        const values = Array.from({ length: 1 + rng.int(500) }, () => (rng.uniform() < 0.1 ? null : `${pool[rng.int(pool.length)]}${rng.int([3, 40, 2000][trial % 3] as number)}`));
        // Plain UTF-8, a dictionary, or a slice: every layout a reader gives.
        const kind = rng.int(3);
        batches.push(kind === 0 ? vectorFromArray(values, new Utf8()) : kind === 1 ? vectorFromArray(values) : vectorFromArray(['x', ...values, 'y'], new Utf8()).slice(1, values.length + 1));
      }
      const expected = byStrings(batches);
      const set = added(batches);
      expect(new Set(set.values()), `trial ${trial}`).toEqual(expected.values);
      expect([set.size, set.nonNull, set.hasNull]).toEqual([expected.values.size, expected.nonNull, expected.hasNull]);
    }
  });

  it('counts bytes that decode alike as one value, as their strings are: invalid UTF-8 and a leading byte order mark', () => {
    // "a" + 0xff and "a" + 0xfe both decode to "a\uFFFD"; a leading mark is dropped, so "\uFEFFb" reads as "b".
    const batches = [raw([0x61, 0xff], [0x61, 0xfe]), raw([0x61, 0xef, 0xbf, 0xbd], [0xef, 0xbb, 0xbf, 0x62], [0x62])];
    const set = added(batches);
    expect(set.values()).toEqual(['a\uFFFD', 'b']);
    expect(set.size).toBe(byStrings(batches).values.size);
  });

  it('keeps a million identifiers in the order first seen, a repeat in a later batch once', () => {
    const set = new Utf8ValueSet();
    for (let b = 0; b < 4; b++) set.addColumn(vectorFromArray(Array.from({ length: 250_000 }, (_, i) => `C${String(b * 250_000 + i).padStart(7, '0')}`), new Utf8()));
    set.addColumn(vectorFromArray(['C0000000', 'C0999999'], new Utf8()));
    expect([set.size, set.nonNull]).toEqual([1_000_000, 1_000_002]);
    const values = set.values();
    expect([values[0], values[999_999]]).toEqual(['C0000000', 'C0999999']);
  });
});
