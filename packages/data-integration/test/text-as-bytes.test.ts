import { Float64, Table, Utf8, makeVector, vectorFromArray, type Data } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrowTable, toArrowTable } from '../src/arrow-convert.js';
import { columnLength, nullCount, takeRows } from '../src/column.js';
import type { Column, ColumnTable } from '../src/column.js';
import { distinctCount } from '../src/distinct-count.js';
import { buildManifest } from '../src/manifest.js';
import { hashRows, hashRowsAndValues, utf8ValueHash } from '../src/row-hash.js';
import { decodeUtf8Chunks, knownUtf8 } from '../src/utf8-column.js';

// Text read from Arrow stays UTF-8 until a step reads its values; fingerprints, distinct counts
// and the manifest read those bytes. Each must give exactly what it gives from the strings.
const cell = fc.option(fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('a', 'é', '😀', 'a😀', '')), { nil: null, freq: 5 });

function bothWays(values: (string | null)[]): { bytes: ColumnTable; strings: ColumnTable } {
  const x = Float64Array.from(values, (_, i) => i % 3);
  const table = new Table({ t: vectorFromArray(values, new Utf8()), x: makeVector({ type: new Float64(), data: x }) });
  const bytes = fromArrowTable(table, 'bytes');
  const strings: ColumnTable = { names: ['t', 'x'], columns: [{ type: 'string', values: [...values] }, bytes.columns[1] as Column], rowCount: values.length };
  return { bytes, strings };
}

const undecoded = (col: Column | undefined): boolean => col !== undefined && Object.getOwnPropertyDescriptor(col, 'values')?.get !== undefined;

describe('text read as UTF-8 bytes', () => {
  it("hands on, from the fingerprints' pass over the bytes, each value's utf8ValueHash (-1 for a null)", () => {
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 200 }), (values) => {
        const { bytes } = bothWays(values);
        const col = bytes.columns[0] as Column;
        const utf8 = knownUtf8(col) as Data;
        const offsets = utf8.valueOffsets as Int32Array;
        const expected = values.map((v, i) => (v === null ? -1 : utf8ValueHash(utf8.values as Uint8Array, offsets[i] as number, offsets[i + 1] as number)));
        const { taken } = hashRowsAndValues([col], values.length, (_c, _d, hashes) => [...hashes]);
        expect(taken[0]).toEqual(expected);
      }),
    );
  });

  it('counts distinct values as a Set does on columns that outgrow the counting table many times', () => {
    // Pools from 3 to 40,000 values that share lengths and prefixes, with non-ASCII, empty text
    // and nulls: the table grows from 1,024 slots and confirms every hash match on the bytes.
    for (const pool of [3, 900, 5000, 40_000]) {
      const values = Array.from({ length: 60_000 }, (_, i): string | null => {
        const k = (i * 7919) % pool;
        return k % 97 === 0 ? null : k % 89 === 0 ? '' : `${k % 2 === 0 ? 'user' : 'usér'}${k}@example.com`;
      });
      const { bytes } = bothWays(values);
      expect(distinctCount(bytes.columns[0] as Column)).toBe(new Set(values.filter((v) => v !== null)).size);
    }
    // Pairs of the same length and the same 32-bit value hash (found by search): the bytes decide.
    const colliding = ['sw3c758i', 'snq5sna4', 'hz5zmk28', 'ygct893x', 'lb4dhcao', 'g1nea9m7'];
    expect(distinctCount(bothWays([...colliding, ...colliding, null]).bytes.columns[0] as Column)).toBe(6);
  });

  it('gives the same row fingerprints, distinct count and manifest as the strings, without decoding them', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 60 }), (values) => {
        const { bytes, strings } = bothWays(values);
        const meta = { source_path: 'p', format: 'csv' as const, file_sha256: '0'.repeat(64) };
        expect(buildManifest(bytes, meta)).toEqual(buildManifest(strings, meta));
        const hb = hashRows(bytes.columns, values.length);
        const hs = hashRows(strings.columns, values.length);
        expect([...hb.h1]).toEqual([...hs.h1]);
        expect([...hb.h2]).toEqual([...hs.h2]);
        expect(distinctCount(bytes.columns[0] as Column)).toBe(new Set(values.filter((v) => v !== null)).size);
        expect(undecoded(bytes.columns[0])).toBe(true);
      }),
      { numRuns: 300, seed: 2711 },
    );
  });

  it('takes rows, counts nulls and rows from the bytes, and the taken rows hold the same values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(cell, fc.string({ minLength: 33, maxLength: 60 })), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 80 }), (values, picks) => {
        const { bytes } = bothWays(values);
        const col = bytes.columns[0] as Column;
        const idx = picks.map((p) => p % values.length);
        expect(nullCount(col)).toBe(values.filter((v) => v === null).length);
        expect(columnLength(col)).toBe(values.length);
        const taken = takeRows(col, idx);
        expect(undecoded(col) && undecoded(taken)).toBe(true);
        expect(taken.type === 'string' ? taken.values : []).toEqual(idx.map((i) => values[i]));
        expect(toArrowTable({ names: ['t'], columns: [taken], rowCount: idx.length }).getChild('t')?.toArray()).toEqual(idx.map((i) => values[i]));
      }),
      { numRuns: 200, seed: 1702 },
    );
  });

  it('converts strings to Arrow exactly, whether the column repeats a few values, never repeats, or changes half-way', () => {
    const few = ['north', 'süd', '東', '', 'a'.repeat(40)];
    const columns: Record<string, (string | null)[]> = {
      few: Array.from({ length: 9000 }, (_, i) => (i % 13 === 0 ? null : (few[i % few.length] as string))),
      unique: Array.from({ length: 9000 }, (_, i) => (i % 11 === 0 ? null : `v${i}-ü`)),
      changing: Array.from({ length: 9000 }, (_, i) => (i < 5000 ? (few[i % 3] as string) : `late-${i}${'x'.repeat(i % 50)}`)),
    };
    for (const [name, values] of Object.entries(columns)) {
      const out = toArrowTable({ names: [name], columns: [{ type: 'string', values }], rowCount: values.length });
      expect(out.getChild(name)?.toArray(), name).toEqual(values);
    }
  });

  it('orders duplicated rows the same way, so the content hash ties are broken alike', () => {
    const values = ['b', null, 'a', 'b', 'é', null, 'a', 'é', 'b'];
    const { bytes, strings } = bothWays(values);
    const meta = { source_path: 'p', format: 'csv' as const, file_sha256: '0'.repeat(64) };
    expect(buildManifest(bytes, meta).content_hash).toBe(buildManifest(strings, meta).content_hash);
    expect(undecoded(bytes.columns[0])).toBe(true);
  });
});

describe('decoding text columns', () => {
  it('gives the strings Arrow gives, for ASCII chunks (decoded whole, then cut) and others, sliced chunks and nulls included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(cell, fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '@', '.'), maxLength: 40 })), { minLength: 1, maxLength: 60 }), fc.nat(), fc.nat(), (values, s, e) => {
        const vec = vectorFromArray(values, new Utf8());
        const from = s % values.length;
        const to = from + (e % (values.length - from + 1));
        for (const v of [vec, vec.slice(from, to)]) expect(decodeUtf8Chunks(v.data, v.length)).toEqual(v.toArray());
      }),
      { numRuns: 300, seed: 909 },
    );
  });
});
