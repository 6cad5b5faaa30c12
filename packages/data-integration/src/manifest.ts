import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { Column, ColumnTable } from './column.js';
import { nullCount } from './column.js';
import { DistinctScratch } from '@hokusai/core';
import { distinctCount } from './distinct-count.js';
import { hashRows, hashRowsAndValues, rowsEqual, sortByHashNoting } from './row-hash.js';
import type { RowHashes } from './row-hash.js';
import { utf8Codes } from './text-codes.js';
import type { TextCodes } from './text-codes.js';
import type { DataFormat, DatasetManifest } from './dataset.js';
import type { Data } from 'apache-arrow';
import { bitIsSet, knownUtf8 } from './utf8-column.js';
import { copyBytes, utf8Of } from './utf8-layout.js';
import type { Utf8Layout } from './utf8-layout.js';

const TAG_NULL = 0;
const TAG_NUMBER = 1;
const TAG_BOOL = 2;
const TAG_TIMESTAMP = 3;
const TAG_STRING = 4;

/** Writes bytes[start..end) as u32 little-endian length and the bytes at out[at]; returns the end. */
function putUtf8(out: Uint8Array, at: number, bytes: Uint8Array, start: number, end: number): number {
  const len = end - start;
  out[at] = len & 0xff;
  out[at + 1] = (len >>> 8) & 0xff;
  out[at + 2] = (len >>> 16) & 0xff;
  out[at + 3] = len >>> 24;
  return copyBytes(bytes, start, end, out, at + 4);
}

class HashWriter {
  private buf: Buffer;
  private at = 0;
  constructor(
    private readonly hash = createHash('sha256'),
    capacity = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n * 2);
  }
  flush(): void {
    if (this.at > 0) this.hash.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }
  /** The same encoding as `str`, from bytes already in UTF-8. */
  utf8(bytes: Uint8Array, start: number, end: number): void {
    this.room(4 + end - start);
    this.at = putUtf8(this.buf, this.at, bytes, start, end);
  }
  str(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.room(4 + len);
    this.buf.writeUInt32LE(len, this.at);
    this.at += 4;
    this.at += this.buf.write(s, this.at, 'utf8');
  }
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }
}

function writeCell(w: HashWriter, col: Column, i: number): void {
  const utf8 = knownUtf8(col);
  if (utf8 !== undefined) {
    if (!utf8.getValid(i)) w.byte(TAG_NULL);
    else {
      const offsets = utf8.valueOffsets as Int32Array;
      w.byte(TAG_STRING);
      w.utf8(utf8.values as Uint8Array, offsets[i] as number, offsets[i + 1] as number);
    }
    return;
  }
  if (col.type === 'string') {
    const s = col.values[i];
    if (s === null || s === undefined) w.byte(TAG_NULL);
    else {
      w.byte(TAG_STRING);
      w.str(s);
    }
    return;
  }
  if (col.valid[i] === 0) {
    w.byte(TAG_NULL);
    return;
  }
  const v = col.values[i] as number;
  if (col.type === 'bool') {
    w.byte(TAG_BOOL);
    w.byte(v);
  } else {
    w.byte(col.type === 'timestamp' ? TAG_TIMESTAMP : TAG_NUMBER);
    w.f64(v === 0 ? 0 : v);
  }
}

function encodedRow(cols: readonly Column[], i: number): Buffer {
  const parts: Buffer[] = [];
  // Rows tie only when duplicated, but a file may hold many duplicates: a small buffer each.
  const w = new HashWriter({ update: (b: Buffer) => parts.push(Buffer.from(b)), digest: () => '' } as unknown as ReturnType<typeof createHash>, 256);
  for (const c of cols) writeCell(w, c, i);
  w.flush();
  return Buffer.concat(parts);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Row order that depends only on the row multiset: by 64-bit fingerprint, ties by encoded bytes. */
export function canonicalOrder(cols: readonly Column[], n: number): Uint32Array {
  return canonicalOrderOf(cols, hashRows(cols, n));
}

/** `canonicalOrder` from the rows' fingerprints (`hashRows` of the same columns). */
function canonicalOrderOf(cols: readonly Column[], h: RowHashes): Uint32Array {
  const { idx, ties } = sortByHashNoting(h);
  for (let t = 0; t < ties.length; t += 2) {
    const i = ties[t] as number;
    const j = ties[t + 1] as number;
    if (allEqual(cols, idx, i, j)) continue;
    const group = Array.from(idx.subarray(i, j), (x) => ({ x, b: encodedRow(cols, x) }));
    group.sort((p, q) => Buffer.compare(p.b, q.b));
    group.forEach((g, k) => (idx[i + k] = g.x));
  }
  return idx;
}

/**
 * Whether rows idx[i..j) hold the same values: duplicated rows, by far the usual reason for equal
 * fingerprints, whose order cannot change the hash (equal values encode to equal bytes), so they
 * need no encoding and sorting.
 */
function allEqual(cols: readonly Column[], idx: Uint32Array, i: number, j: number): boolean {
  const first = idx[i] as number;
  for (let k = i + 1; k < j; k++) if (!rowsEqual(cols, first, cols, idx[k] as number)) return false;
  return true;
}

/**
 * What the content hash and the distinct counts share, computed once: the columns in name order,
 * the rows' fingerprints and, for each text column known as UTF-8, its values numbered
 * (`utf8Codes`, from value hashes made in the same pass over the bytes as the fingerprints).
 */
interface HashedColumns {
  names: string[];
  cols: Column[];
  hashes: RowHashes;
  /** Per column, its distinct count when its values were numbered (text known as UTF-8). */
  distinct: (number | undefined)[];
  /** The numbering itself, kept only where the content hash writes from it. */
  coded: (TextCodes | undefined)[];
}

function hashedColumns(ct: ColumnTable): HashedColumns {
  const order = ct.names.map((_, k) => k).sort((a, b) => ((ct.names[a] as string) < (ct.names[b] as string) ? -1 : 1));
  const cols = order.map((k) => ct.columns[k] as Column);
  const names = order.map((k) => ct.names[k] as string);
  const n = ct.rowCount;
  const coded: (TextCodes | undefined)[] = cols.map(() => undefined);
  const { hashes, taken } = hashRowsAndValues(cols, n, (c, d, values) => {
    const codes = utf8Codes(d, values);
    if (codes.count <= n * CODED_TEXT_MAX_SHARE) coded[c] = codes;
    return codes.count;
  });
  return { names, cols, hashes, distinct: taken, coded };
}

/**
 * Content hash, version 1 (documented in the README). Rows are put in a canonical order that
 * depends only on the multiset of rows; then SHA-256 runs over "hokusai-content-v1", the row
 * count, the column count and, for each column in name order: its name, one tag byte per row
 * (0 null, 1 number, 2 bool, 3 timestamp, 4 string) and the non-null values in row order —
 * numbers and timestamps as float64 little-endian (ints as the equal double, -0 as 0), bools as
 * one byte, strings as u32 little-endian byte length and UTF-8. So the hash changes with any
 * value, but not with row order, column order or the file format the rows came from.
 */
export function contentHash(ct: ColumnTable): string {
  return contentHashOf(hashedColumns(ct), ct.rowCount);
}

/**
 * A text column whose distinct values are at most this share of its rows is written from its
 * value numbers: the numbers are scattered to canonical order (4 bytes a row) and the bytes
 * copied front to back from the few distinct values, instead of scattering every value's bytes
 * to a random place of the output.
 */
const CODED_TEXT_MAX_SHARE = 0.5;

function contentHashOf(hc: HashedColumns, n: number): string {
  const { cols, names } = hc;
  const hash = createHash('sha256');
  const w = new HashWriter(hash);
  w.str('hokusai-content-v1');
  w.u32(n);
  w.u32(names.length);
  const idx = canonicalOrderOf(cols, hc.hashes);
  const tags = new Uint8Array(n);
  let nums: Float64Array | undefined;
  let bools: Uint8Array | undefined;
  let pos: Uint32Array | undefined;
  let starts: Int32Array | undefined;
  cols.forEach((col, c) => {
    w.str(names[c] as string);
    const known = knownUtf8(col);
    const coded = hc.coded[c];
    if (known !== undefined && coded !== undefined) {
      pos ??= inversePermutation(idx);
      w.flush();
      codedTextInOrder(pos, coded, known, tags, (starts ??= new Int32Array(n)), hash);
      return;
    }
    const layout = known !== undefined ? { offsets: known.valueOffsets as Int32Array, bytes: known.values as Uint8Array } : col.type === 'string' ? utf8Of(col.values) : undefined;
    if (layout !== undefined) {
      // Straight from the UTF-8: no string is made, and the bytes are those `str` would write.
      pos ??= inversePermutation(idx);
      const out = utf8InOrder(pos, layout, textValidity(col, known), tags, (starts ??= new Int32Array(n)));
      w.flush();
      hash.update(tags);
      hash.update(out);
      return;
    }
    if (col.type === 'string') {
      const vals = col.values;
      const present: string[] = [];
      for (let k = 0; k < n; k++) {
        const v = vals[idx[k] as number];
        if (v === null || v === undefined) tags[k] = TAG_NULL;
        else {
          tags[k] = TAG_STRING;
          present.push(v);
        }
      }
      w.flush();
      hash.update(tags);
      for (const v of present) w.str(v);
      w.flush();
      return;
    }
    pos ??= inversePermutation(idx);
    const tag = col.type === 'bool' ? TAG_BOOL : col.type === 'timestamp' ? TAG_TIMESTAMP : TAG_NUMBER;
    w.flush();
    if (col.type === 'bool') {
      const present = bytesInOrder(pos, col.valid, col.values, tag, tags, (bools ??= new Uint8Array(n)));
      hash.update(tags);
      hash.update(bools.subarray(0, present));
      return;
    }
    const present = col.type === 'int' ? intsInOrder(pos, col.valid, col.values, tag, tags, (nums ??= new Float64Array(n))) : floatsInOrder(pos, col.valid, col.values, tag, tags, (nums ??= new Float64Array(n)));
    hash.update(tags);
    if (LITTLE_ENDIAN) hash.update(new Uint8Array(nums.buffer, 0, present * 8));
    else {
      const le = Buffer.alloc(present * 8);
      for (let k = 0; k < present; k++) le.writeDoubleLE(nums[k] as number, k * 8);
      hash.update(le);
    }
  });
  return w.digest();
}

/** 1 per non-null row of a text column, or null when it has no nulls. */
function textValidity(col: Column, known: Data | undefined): Uint8Array | null {
  if (known !== undefined) {
    if (known.nullCount === 0) return null;
    const bitmap = known.nullBitmap;
    const valid = new Uint8Array(known.length);
    for (let r = 0; r < valid.length; r++) valid[r] = bitIsSet(bitmap, 0, r) ? 1 : 0;
    return valid;
  }
  const vals = (col as { values: (string | null)[] }).values;
  let valid: Uint8Array | null = null;
  for (let r = 0; r < vals.length; r++) {
    if (vals[r] === null || vals[r] === undefined) {
      if (valid === null) valid = new Uint8Array(vals.length).fill(1);
      valid[r] = 0;
    }
  }
  return valid;
}

/**
 * A text column's tags, then its values in canonical order (u32 little-endian length and UTF-8),
 * into the hash: the value numbers are scattered to canonical order, the distinct values laid out
 * once, and each row's bytes copied from there into a block that is hashed when full.
 */
function codedTextInOrder(pos: Uint32Array, coded: TextCodes, d: Data, tags: Uint8Array, inOrder: Int32Array, hash: Hash): void {
  const n = pos.length;
  const codes = coded.codes;
  for (let r = 0; r < n; r++) inOrder[pos[r] as number] = codes[r] as number;
  for (let k = 0; k < n; k++) tags[k] = (inOrder[k] as number) < 0 ? TAG_NULL : TAG_STRING;
  hash.update(tags);
  const { bytes: values, starts: start } = coded.encoded ?? encodedValues(coded, d);
  // The distinct values and the block being filled share one buffer, so that a longer value is
  // copied by `copyWithin` (a native copy, no view made per value); a short one is copied four
  // bytes at a time through a DataView (unaligned), cheaper than a call. Both beat a byte loop
  // about three times on e-mail-sized values.
  const blockStart = values.length;
  const buf = new Uint8Array(blockStart + (1 << 20));
  buf.set(values);
  const view = new DataView(buf.buffer);
  let at = blockStart;
  for (let k = 0; k < n; k++) {
    const v = inOrder[k] as number;
    if (v < 0) continue;
    let j = start[v] as number;
    const e = start[v + 1] as number;
    if (at + e - j > buf.length) {
      hash.update(buf.subarray(blockStart, at));
      at = blockStart;
      if (e - j > buf.length - blockStart) {
        hash.update(values.subarray(j, e));
        continue;
      }
    }
    if (e - j > 16) {
      buf.copyWithin(at, j, e);
      at += e - j;
      continue;
    }
    for (; j + 4 <= e; j += 4, at += 4) view.setInt32(at, view.getInt32(j));
    for (; j < e; j++) buf[at++] = buf[j] as number;
  }
  hash.update(buf.subarray(blockStart, at));
}

/** The distinct values of `coded` laid out as `TextCodes.encoded`, from their first rows. */
function encodedValues(coded: TextCodes, d: Data): { bytes: Uint8Array; starts: Int32Array } {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const { count, firstRows } = coded;
  const starts = new Int32Array(count + 1);
  for (let v = 0; v < count; v++) {
    const row = firstRows[v] as number;
    starts[v + 1] = (starts[v] as number) + 4 + (offsets[row + 1] as number) - (offsets[row] as number);
  }
  const out = new Uint8Array(starts[count] as number);
  for (let v = 0; v < count; v++) {
    const row = firstRows[v] as number;
    putUtf8(out, starts[v] as number, bytes, offsets[row] as number, offsets[row + 1] as number);
  }
  return { bytes: out, starts };
}

/**
 * A text column's values in canonical order, each as u32 little-endian length and its UTF-8,
 * with its tags. Scattered like the fixed-width values below: first each value's place in the
 * output, then its bytes, reading the column front to back.
 */
function utf8InOrder(pos: Uint32Array, layout: Utf8Layout, valid: Uint8Array | null, tags: Uint8Array, start: Int32Array): Buffer {
  const { offsets, bytes } = layout;
  const n = pos.length;
  for (let r = 0; r < n; r++) {
    const k = pos[r] as number;
    if (valid !== null && valid[r] === 0) {
      tags[k] = TAG_NULL;
      start[k] = 0;
    } else {
      tags[k] = TAG_STRING;
      start[k] = 4 + (offsets[r + 1] as number) - (offsets[r] as number);
    }
  }
  let total = 0;
  for (let k = 0; k < n; k++) {
    const size = start[k] as number;
    start[k] = total;
    total += size;
  }
  const out = Buffer.allocUnsafe(total);
  const outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const from = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let r = 0; r < n; r++) {
    if (valid !== null && valid[r] === 0) continue;
    let at = start[pos[r] as number] as number;
    const s = offsets[r] as number;
    const e = offsets[r + 1] as number;
    const len = e - s;
    out[at] = len & 0xff;
    out[at + 1] = (len >>> 8) & 0xff;
    out[at + 2] = (len >>> 16) & 0xff;
    out[at + 3] = len >>> 24;
    at += 4;
    if (len <= 64) {
      let j = s;
      for (; j + 4 <= e; j += 4, at += 4) outView.setInt32(at, from.getInt32(j));
      for (; j < e; j++) out[at++] = bytes[j] as number;
    } else out.set(bytes.subarray(s, e), at);
  }
  return out;
}

// Fixed-width values are scattered from row order to canonical order: sequential reads and
// scattered writes, faster than gathering one random read at a time. One function per value
// array type keeps each loop monomorphic; a column without nulls skips the per-row tag.

/** Floats and timestamps into `out` in canonical order (-0 as 0), nulls left out; returns how many. */
function floatsInOrder(pos: Uint32Array, valid: Uint8Array, vals: Float64Array, tag: number, tags: Uint8Array, out: Float64Array): number {
  const n = pos.length;
  const nulls = countNulls(valid);
  if (nulls === 0) {
    tags.fill(tag);
    for (let r = 0; r < n; r++) {
      const v = vals[r] as number;
      out[pos[r] as number] = v === 0 ? 0 : v;
    }
    return n;
  }
  for (let r = 0; r < n; r++) {
    const k = pos[r] as number;
    if (valid[r] === 1) {
      tags[k] = tag;
      const v = vals[r] as number;
      out[k] = v === 0 ? 0 : v;
    } else tags[k] = TAG_NULL;
  }
  return compactPresent(tags, out);
}

/** `floatsInOrder` for an int column (written as the equal double). */
function intsInOrder(pos: Uint32Array, valid: Uint8Array, vals: Int32Array, tag: number, tags: Uint8Array, out: Float64Array): number {
  const n = pos.length;
  const nulls = countNulls(valid);
  if (nulls === 0) {
    tags.fill(tag);
    for (let r = 0; r < n; r++) out[pos[r] as number] = vals[r] as number;
    return n;
  }
  for (let r = 0; r < n; r++) {
    const k = pos[r] as number;
    if (valid[r] === 1) {
      tags[k] = tag;
      out[k] = vals[r] as number;
    } else tags[k] = TAG_NULL;
  }
  return compactPresent(tags, out);
}

/** `floatsInOrder` for a bool column (one byte each). */
function bytesInOrder(pos: Uint32Array, valid: Uint8Array, vals: Uint8Array, tag: number, tags: Uint8Array, out: Uint8Array): number {
  const n = pos.length;
  for (let r = 0; r < n; r++) {
    const k = pos[r] as number;
    if (valid[r] === 1) {
      tags[k] = tag;
      out[k] = vals[r] as number;
    } else tags[k] = TAG_NULL;
  }
  return compactPresent(tags, out);
}

function countNulls(valid: Uint8Array): number {
  let nulls = 0;
  for (let r = 0; r < valid.length; r++) if (valid[r] === 0) nulls++;
  return nulls;
}

/** Moves the non-null values (by tag) to the front, in order; returns how many. */
function compactPresent(tags: Uint8Array, out: Float64Array | Uint8Array): number {
  let j = 0;
  for (let k = 0; k < tags.length; k++) if (tags[k] !== TAG_NULL) out[j++] = out[k] as number;
  return j;
}

/** pos[r] = k where order[k] = r. */
function inversePermutation(order: Uint32Array): Uint32Array {
  const pos = new Uint32Array(order.length);
  for (let k = 0; k < order.length; k++) pos[order[k] as number] = k;
  return pos;
}

export function buildManifest(ct: ColumnTable, meta: { source_path: string; format: DataFormat; file_sha256: string }): DatasetManifest {
  const dtypes: Record<string, string> = {};
  const null_counts: Record<string, number> = {};
  const unique_counts: Record<string, number> = {};
  const hc = hashedColumns(ct);
  const scratch = new DistinctScratch();
  ct.names.forEach((name, k) => {
    const col = ct.columns[k] as Column;
    dtypes[name] = col.type;
    null_counts[name] = nullCount(col);
    unique_counts[name] = hc.distinct[hc.cols.indexOf(col)] ?? distinctCount(col, scratch);
  });
  return {
    source_path: meta.source_path,
    format: meta.format,
    file_sha256: meta.file_sha256,
    content_hash: contentHashOf(hc, ct.rowCount),
    row_count: ct.rowCount,
    column_count: ct.names.length,
    columns: [...ct.names],
    dtypes,
    null_counts,
    unique_counts,
  };
}
