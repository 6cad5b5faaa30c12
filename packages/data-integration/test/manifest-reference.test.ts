import { createHash } from 'node:crypto';
import { Bool, Float64, Int32, Table, TimestampMillisecond, Utf8, makeVector, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { fromArrowTable } from '../src/arrow-convert.js';
import type { Column, ColumnTable } from '../src/column.js';
import { distinctCount } from '../src/distinct-count.js';
import { buildManifest } from '../src/manifest.js';
import { hashRows } from '../src/row-hash.js';
import { mulberry32 } from './mulberry32.js';

// The manifest's content hash and counts, computed the slow and obvious way from the written
// definition (README, "Content hash, version 1"): every faster path (text kept as UTF-8, columns
// with few distinct values, all-unique columns, nulls, empty and non-ASCII text) must agree.

type Cell = string | number | boolean | null;
type Kind = 'int' | 'float' | 'bool' | 'timestamp' | 'string';

/** One cell as the content hash encodes it: tag byte, then the value. */
function encodeCell(kind: Kind, v: Cell): Buffer {
  if (v === null) return Buffer.from([0]);
  if (kind === 'string') {
    const b = Buffer.from(v as string, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return Buffer.concat([Buffer.from([4]), len, b]);
  }
  if (kind === 'bool') return Buffer.from([2, v === true ? 1 : 0]);
  const f = Buffer.alloc(9);
  f[0] = kind === 'timestamp' ? 3 : 1;
  f.writeDoubleLE((v as number) === 0 ? 0 : (v as number), 1);
  return f;
}

function referenceManifest(names: string[], kinds: Kind[], cells: Cell[][]): { content_hash: string; unique_counts: Record<string, number>; null_counts: Record<string, number> } {
  const n = cells[0]?.length ?? 0;
  const order = names.map((_, k) => k).sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
  // Fingerprints from plain JS values (the strings' path), so the UTF-8 paths are checked against them.
  const plain: Column[] = order.map((k) => {
    const kind = kinds[k] as Kind;
    const col = cells[k] as Cell[];
    if (kind === 'string') return { type: 'string', values: col.map((v) => (v === null ? null : (v as string))) };
    const valid = Uint8Array.from(col, (v) => (v === null ? 0 : 1));
    if (kind === 'int') return { type: 'int', values: Int32Array.from(col, (v) => (v === null ? 0 : (v as number))), valid };
    if (kind === 'bool') return { type: 'bool', values: Uint8Array.from(col, (v) => (v === true ? 1 : 0)), valid };
    return { type: kind, values: Float64Array.from(col, (v) => (v === null ? 0 : (v as number))), valid };
  });
  const h = hashRows(plain, n);
  const rowBytes = (r: number): Buffer => Buffer.concat(order.map((k) => encodeCell(kinds[k] as Kind, (cells[k] as Cell[])[r] as Cell)));
  const rows = Array.from({ length: n }, (_, r) => r).sort((a, b) => {
    if (h.h1[a] !== h.h1[b]) return (h.h1[a] as number) - (h.h1[b] as number);
    if (h.h2[a] !== h.h2[b]) return (h.h2[a] as number) - (h.h2[b] as number);
    return Buffer.compare(rowBytes(a), rowBytes(b));
  });
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  const str = (s: string): Buffer => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
  const sha = createHash('sha256');
  sha.update(str('hokusai-content-v1'));
  sha.update(u32(n));
  sha.update(u32(names.length));
  const unique_counts: Record<string, number> = {};
  const null_counts: Record<string, number> = {};
  for (const k of order) {
    const kind = kinds[k] as Kind;
    const col = cells[k] as Cell[];
    sha.update(str(names[k] as string));
    sha.update(Buffer.from(rows.map((r) => (col[r] === null ? 0 : kind === 'string' ? 4 : kind === 'bool' ? 2 : kind === 'timestamp' ? 3 : 1))));
    for (const r of rows) if (col[r] !== null) sha.update(encodeCell(kind, col[r] as Cell).subarray(1));
    const present = col.filter((v) => v !== null).map((v) => (v === 0 ? 0 : v));
    unique_counts[names[k] as string] = new Set(present).size;
    null_counts[names[k] as string] = col.length - present.length;
  }
  return { content_hash: sha.digest('hex'), unique_counts, null_counts };
}

/** The same cells as an Arrow table (text kept as UTF-8 bytes) and as plain JS columns. */
function tables(names: string[], kinds: Kind[], cells: Cell[][]): { arrow: ColumnTable; plain: ColumnTable } {
  const n = cells[0]?.length ?? 0;
  const vectors = Object.fromEntries(
    names.map((name, k) => {
      const col = cells[k] as Cell[];
      const kind = kinds[k] as Kind;
      const type = kind === 'string' ? new Utf8() : kind === 'int' ? new Int32() : kind === 'bool' ? new Bool() : kind === 'timestamp' ? new TimestampMillisecond() : new Float64();
      return [name, kind === 'float' && col.every((v) => v !== null) ? makeVector({ type: new Float64(), data: Float64Array.from(col as number[]) }) : vectorFromArray(col, type)];
    }),
  );
  const arrow = fromArrowTable(new Table(vectors), 'reference');
  const plain: ColumnTable = {
    names,
    rowCount: n,
    columns: names.map((_, k): Column => {
      const col = cells[k] as Cell[];
      const kind = kinds[k] as Kind;
      if (kind === 'string') return { type: 'string', values: col as (string | null)[] };
      const valid = Uint8Array.from(col, (v) => (v === null ? 0 : 1));
      if (kind === 'int') return { type: 'int', values: Int32Array.from(col, (v) => (v === null ? 0 : (v as number))), valid };
      if (kind === 'bool') return { type: 'bool', values: Uint8Array.from(col, (v) => (v === true ? 1 : 0)), valid };
      return { type: kind, values: Float64Array.from(col, (v) => (v === null ? 0 : (v as number))), valid };
    }),
  };
  return { arrow, plain };
}

const meta = { source_path: 'reference', format: 'csv' as const, file_sha256: '0'.repeat(64) };

function check(names: string[], kinds: Kind[], cells: Cell[][]): void {
  const { arrow, plain } = tables(names, kinds, cells);
  // The fast paths first (reading a text column's values decodes it).
  const fromArrow = buildManifest(arrow, meta);
  const counts = arrow.columns.map((c) => distinctCount(c));
  const fromPlain = buildManifest(plain, meta);
  const want = referenceManifest(names, kinds, cells);
  expect(fromArrow.content_hash).toBe(want.content_hash);
  expect(fromArrow.unique_counts).toEqual(want.unique_counts);
  expect(fromArrow.null_counts).toEqual(want.null_counts);
  expect(counts).toEqual(names.map((name) => want.unique_counts[name]));
  expect(fromPlain.content_hash).toBe(want.content_hash);
  expect(fromPlain.unique_counts).toEqual(want.unique_counts);
}

describe('manifest against its written definition', () => {
  it('agrees on text of every cardinality, with nulls, empty and non-ASCII text, and all-equal or all-null columns', () => {
    const rnd = mulberry32(21);
    const n = 30_000;
    const low = ['north', 'south', 'Öst', '東京', '', 'west'];
    const unique = Array.from({ length: n }, (_, i) => `C${String(i * 7 + 3).padStart(8, '0')}`);
    const cells: Cell[][] = [
      unique.map((v, i) => (i % 1000 === 17 ? null : v)), // all but the nulls unique
      Array.from({ length: n }, () => `u${Math.floor(rnd() * 4000)}@example.${rnd() < 0.1 ? 'cöm' : 'com'}`), // a few thousand values
      Array.from({ length: n }, () => (rnd() < 0.05 ? null : (low[Math.floor(rnd() * low.length)] as string))), // a few values, nulls, empty text
      Array.from({ length: n }, () => 'same'), // one value
      Array.from({ length: n }, () => null), // only nulls
      Array.from({ length: n }, () => (rnd() < 0.5 ? '' : 'x'.repeat(1 + Math.floor(rnd() * 80)))), // empty text and long values
      Array.from({ length: n }, () => (rnd() < 0.02 ? null : Math.round((rnd() - 0.5) * 1e6) / 100)),
      Array.from({ length: n }, () => (rnd() < 0.1 ? -0 : rnd() < 0.02 ? null : Math.floor(rnd() * 90))),
      Array.from({ length: n }, () => (rnd() < 0.03 ? null : Math.floor((rnd() - 0.5) * 2 ** 31))),
      Array.from({ length: n }, () => (rnd() < 0.03 ? null : rnd() < 0.5)),
      Array.from({ length: n }, () => (rnd() < 0.03 ? null : 1.7e12 + Math.floor(rnd() * 1e6) * 1000)),
    ];
    const names = ['id', 'email', 'region', 'constant', 'missing', 'notes', 'amount', 'small', 'big', 'flag', 'when'];
    const kinds: Kind[] = ['string', 'string', 'string', 'string', 'string', 'string', 'float', 'float', 'int', 'bool', 'timestamp'];
    check(names, kinds, cells);
  });

  it('agrees when rows repeat, so that whole rows tie in the canonical order', () => {
    const rnd = mulberry32(5);
    const pool = Array.from({ length: 300 }, (_, i): Cell[] => [`v${i % 40}`, i % 7 === 0 ? null : `é${i % 11}`, i % 13, rnd()]);
    const rows = Array.from({ length: 20_000 }, () => pool[Math.floor(rnd() * pool.length)] as Cell[]);
    check(['a', 'b', 'c', 'd'], ['string', 'string', 'int', 'float'], [0, 1, 2, 3].map((k) => rows.map((r) => r[k] as Cell)));
  });

  it('agrees on tables of a few rows', () => {
    for (let n = 1; n <= 5; n++) {
      check(['t', 'x'], ['string', 'float'], [Array.from({ length: n }, (_, i) => (i === 1 ? null : `t${i % 2}`)), Array.from({ length: n }, (_, i) => i / 2)]);
    }
  });

  it('agrees on repeated text values as long as the copy block or longer', () => {
    const pool = ['x'.repeat(1_200_000), `é${'y'.repeat(500_000)}`, 'short', null, 'a'.repeat(17)];
    const n = 12;
    check(['t', 'i'], ['string', 'int'], [Array.from({ length: n }, (_, i) => pool[i % pool.length] as string | null), Array.from({ length: n }, (_, i) => i % 3)]);
  });
});
