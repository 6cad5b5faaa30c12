import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Codes } from '../src/text-codes.js';
import { mulberry32 } from './mulberry32.js';

function utf8Data(values: (string | null)[]): Data {
  return new Table({ t: vectorFromArray(values, new Utf8()) }).getChildAt(0)?.data[0] as Data;
}

/** Codes agree with the values: equal codes exactly for equal text, -1 exactly for nulls, each code's first row holds its value. */
function expectCodesOf(values: (string | null)[]): void {
  const { count, codes, firstRows } = utf8Codes(utf8Data(values));
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
});
