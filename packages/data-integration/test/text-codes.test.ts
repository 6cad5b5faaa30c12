import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrowTable } from '../src/arrow-convert.js';
import type { Column } from '../src/column.js';
import { dictionaryEncoded } from '../src/dictionary-encode.js';
import { buildManifest } from '../src/manifest.js';
import { utf8Codes } from '../src/text-codes.js';
import { knownUtf8 } from '../src/utf8-column.js';
import { mulberry32 } from './mulberry32.js';

function utf8Data(values: (string | null)[]): Data {
  return utf8Table(values).getChildAt(0)?.data[0] as Data;
}

function utf8Table(values: (string | null)[]): Table {
  return new Table({ t: vectorFromArray(values, new Utf8()) });
}

/** Codes agree with the values: equal codes exactly for equal text, -1 exactly for nulls, each code's first row holds its value. */
function expectCodesOf(values: (string | null)[]): void {
  expectCodesMatch(values, utf8Codes(utf8Data(values)));
}

function expectCodesMatch(values: (string | null)[], { count, codes, firstRows }: { count: number; codes: Int32Array; firstRows: Int32Array }): void {
  const byValue = new Map<string, number>();
  const wrong: number[] = [];
  values.forEach((v, i) => {
    const code = codes[i] as number;
    if (v === null) {
      if (code !== -1) wrong.push(i);
      return;
    }
    const seen = byValue.get(v);
    if (seen === undefined) {
      byValue.set(v, code);
      if (values[firstRows[code] as number] !== v) wrong.push(i);
    } else if (code !== seen) wrong.push(i);
  });
  expect(wrong).toEqual([]);
  expect(count).toBe(byValue.size);
  expect(new Set(byValue.values()).size).toBe(count);
  expect(Math.max(-1, ...byValue.values())).toBe(count - 1);
}

// Pairs of the same length and the same 32-bit value hash (found by search): the bytes decide.
const colliding = ['sw3c758i', 'snq5sna4', 'hz5zmk28', 'ygct893x', 'lb4dhcao', 'g1nea9m7'];

describe('utf8Codes', () => {
  it('numbers columns of few values, with nulls, empty and non-ASCII text and colliding hashes', () => {
    const rnd = mulberry32(3);
    const pool = ['', 'a', 'é', '東京', ...colliding];
    expectCodesOf(Array.from({ length: 5000 }, () => (rnd() < 0.1 ? null : (pool[Math.floor(rnd() * pool.length)] as string))));
    expectCodesOf(Array.from({ length: 5000 }, (_, i) => `v${i % 3000}`));
    expectCodesOf([null, null]);
    expectCodesOf([]);
  });

  it('numbers columns of mostly new values (counted by partitions), colliding hashes and nulls included', () => {
    const rnd = mulberry32(4);
    // Past the first 65,536 rows nearly every value is new; then values repeat, so that equal
    // values are found in one partition, and the colliding pairs land in one partition too.
    const ids = Array.from({ length: 150_000 }, (_, i): string | null => (i % 5000 === 7 ? null : i < 100_000 ? `id${i}` : `id${Math.floor(rnd() * 100_000)}`));
    colliding.forEach((v, k) => {
      ids[120_000 + k] = v;
      ids[140_000 + k] = v;
    });
    expectCodesOf(ids);
  });

  it('gives the same count with value hashes passed in as without', () => {
    const values = Array.from({ length: 70_000 }, (_, i) => (i % 9 === 0 ? null : `u${(i * 7) % 69_000}`));
    const d = utf8Data(values);
    const own = utf8Codes(d);
    // A few thousand hash values for 61,000 distinct values: matches are decided on the bytes.
    const hashes = Int32Array.from(values, (v) => (v === null ? -1 : Math.imul(Number(v.slice(1)) % 4096, 0x9e3779b1) | 1));
    const given = utf8Codes(d, hashes);
    expect(given.count).toBe(own.count);
    expect(own.count).toBe(new Set(values.filter((v) => v !== null)).size);
  });

  it("takes the numbers a loader's dictionary encoding made for a column of few values, nulls included", () => {
    const rnd = mulberry32(8);
    const values = Array.from({ length: 20_000 }, () => (rnd() < 0.1 ? null : (['north', 'south', '', 'Öst'][Math.floor(rnd() * 4)] as string)));
    const table = utf8Table(values);
    const meta = { source_path: 'p', format: 'csv' as const, file_sha256: '0'.repeat(64) };
    const before = buildManifest(fromArrowTable(utf8Table(values), 'p'), meta);
    dictionaryEncoded(table, 'p');
    const ct = fromArrowTable(table, 'p');
    const d = knownUtf8(ct.columns[0] as Column) as Data;
    const made = utf8Codes(d);
    expect(utf8Codes(d)).toBe(made); // the same numbers, not numbered again
    expectCodesMatch(values, made);
    expect(buildManifest(ct, meta)).toEqual(before);
  });
});
