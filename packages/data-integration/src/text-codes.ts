import type { Data } from 'apache-arrow';
import { hashPartitions, tableCapacity } from '@hokusai/core';
import { utf8ValueHash } from './row-hash.js';
import { bitIsSet } from './utf8-column.js';

/** A text column's distinct values, numbered in the order they first appear. */
export interface TextCodes {
  /** Distinct non-null values. */
  count: number;
  /** Per row, its value's number; -1 for a null. */
  codes: Int32Array;
  /** Per value number, the first row that holds it (the first `count` entries). */
  firstRows: Int32Array;
  /**
   * When kept, the distinct values as the content hash writes text (u32 little-endian length,
   * then the UTF-8), value v at bytes[starts[v]..starts[v + 1]).
   */
  encoded?: { bytes: Uint8Array; starts: Int32Array };
}

/** Codes already made for a column's data (by a loader's dictionary encoding), kept while the data lives. */
const madeElsewhere = new WeakMap<Data, TextCodes>();

/** Hands `utf8Codes` the codes of `d` made elsewhere, so that they are not made twice. */
export function rememberTextCodes(d: Data, codes: TextCodes): void {
  madeElsewhere.set(d, codes);
}

/**
 * After this many rows, a column whose values were nearly all new (ids) is counted by partitions
 * instead: its table would outgrow the cache. One that repeats its values (e-mails seen several
 * times) stays with the growing table, where each row's own bytes are read in order.
 */
const PARTITION_CHECK_ROWS = 1 << 16;
const PARTITION_NEW_SHARE = 0.9;

/** Rows per partition aimed at, so that a partition's table stays in cache. */
const PARTITION_ROWS = 4096;

/**
 * Numbers the distinct values of a text column known as UTF-8 (equal strings have equal bytes).
 * Each value's hash (`utf8ValueHash`, or the ones given, e.g. computed beside the row
 * fingerprints; -1 for a null) is probed in an open-addressing table that holds each entry's
 * first row, hash and number side by side; a hash match is confirmed on the bytes, so colliding
 * values stay apart. The table grows with the distinct values, so a column of a few values probes
 * a table that stays in cache. A column with many distinct values (ids, e-mails) is instead split
 * by the hashes' top bits into partitions of a few thousand rows, each counted with a small
 * table: one pass of local writes instead of a cache miss per row in a table of tens of MB.
 */
export function utf8Codes(d: Data, hashes?: Int32Array): TextCodes {
  const made = madeElsewhere.get(d);
  if (made !== undefined) return made;
  const h = hashes ?? valueHashes(d);
  return growingTableCodes(d, h) ?? partitionedCodes(d, h);
}

/** Each row's `utf8ValueHash`, -1 for a null. */
function valueHashes(d: Data): Int32Array {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const bitmap = d.nullCount === 0 ? null : d.nullBitmap;
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = bitIsSet(bitmap, 0, i) ? utf8ValueHash(bytes, offsets[i] as number, offsets[i + 1] as number) : -1;
  return out;
}

/** Whether rows i and j hold the same bytes. */
function sameBytes(offsets: Int32Array, bytes: Uint8Array, i: number, j: number): boolean {
  const s = offsets[i] as number;
  const s2 = offsets[j] as number;
  const len = (offsets[i + 1] as number) - s;
  if ((offsets[j + 1] as number) - s2 !== len) return false;
  let k = 0;
  while (k < len && bytes[s + k] === bytes[s2 + k]) k++;
  return k === len;
}

/**
 * The codes from one table that doubles as it fills, or null for a column better counted by
 * partitions. Each new value's bytes are appended to `values` as the content hash writes text
 * (u32 little-endian length, then the bytes): a repeated value is confirmed against that compact
 * copy, which stays in cache, rather than against its first row somewhere in the column.
 */
function growingTableCodes(d: Data, hashes: Int32Array): TextCodes | null {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const n = d.length;
  const codes = new Int32Array(n);
  let firstRows = new Int32Array(1024);
  let starts = new Int32Array(1025);
  let values = new Uint8Array(1 << 16);
  let end = 0;
  // Compared four bytes at a time through DataViews (unaligned), the rest byte by byte.
  const from = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let keptFor = values;
  let kept = new DataView(values.buffer);
  let cap = 1024;
  let mask = cap - 1;
  // Per slot, side by side: the value's place in `values` + 1 (0: empty), hash, number.
  let entries = new Int32Array(cap * 3);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (i === PARTITION_CHECK_ROWS && count > i * PARTITION_NEW_SHARE) return null;
    const h = hashes[i] as number;
    if (h === -1) {
      codes[i] = -1;
      continue;
    }
    const s = offsets[i] as number;
    const len = (offsets[i + 1] as number) - s;
    let slot = h & mask;
    for (;;) {
      const at = (entries[3 * slot] as number) - 1;
      if (at < 0) {
        entries[3 * slot] = end + 1;
        entries[3 * slot + 1] = h;
        entries[3 * slot + 2] = count;
        if (count === firstRows.length) {
          const rows = new Int32Array(count * 2);
          rows.set(firstRows);
          firstRows = rows;
          const grown = new Int32Array(count * 2 + 1);
          grown.set(starts);
          starts = grown;
        }
        if (end + 4 + len > values.length) {
          const grown = new Uint8Array(Math.max(values.length * 2, end + 4 + len));
          grown.set(values.subarray(0, end));
          values = grown;
        }
        values[end] = len & 0xff;
        values[end + 1] = (len >>> 8) & 0xff;
        values[end + 2] = (len >>> 16) & 0xff;
        values[end + 3] = len >>> 24;
        end += 4;
        if (values !== keptFor) {
          keptFor = values;
          kept = new DataView(values.buffer);
        }
        for (let k = 0; k < len; k++) values[end + k] = bytes[s + k] as number;
        end += len;
        firstRows[count] = i;
        codes[i] = count++;
        starts[count] = end;
        break;
      }
      if (entries[3 * slot + 1] === h && values[at] === (len & 0xff) && values[at + 1] === ((len >>> 8) & 0xff) && values[at + 2] === ((len >>> 16) & 0xff) && values[at + 3] === len >>> 24) {
        let k = 0;
        const v = at + 4;
        while (k + 4 <= len && from.getInt32(s + k) === kept.getInt32(v + k)) k += 4;
        if (k + 4 > len) while (k < len && bytes[s + k] === values[v + k]) k++;
        if (k === len) {
          codes[i] = entries[3 * slot + 2] as number;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (count * 2 > cap) {
      // Past half full: twice the slots, entries placed again by their kept hashes.
      const old = entries;
      cap *= 2;
      mask = cap - 1;
      entries = new Int32Array(cap * 3);
      for (let j = 0; j < old.length; j += 3) {
        if (old[j] === 0) continue;
        let t = (old[j + 1] as number) & mask;
        while (entries[3 * t] !== 0) t = (t + 1) & mask;
        entries[3 * t] = old[j] as number;
        entries[3 * t + 1] = old[j + 1] as number;
        entries[3 * t + 2] = old[j + 2] as number;
      }
    }
  }
  return { count, codes, firstRows, encoded: { bytes: values.subarray(0, end), starts: starts.subarray(0, count + 1) } };
}

/**
 * The codes by partitions: rows grouped by the top bits of their hash (equal values share a
 * partition), then each partition counted with a table sized for it. Values are numbered
 * partition by partition, which is as good a numbering as any.
 */
function partitionedCodes(d: Data, hashes: Int32Array): TextCodes {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const n = d.length;
  const { shift, parts, start, largest } = hashPartitions(hashes, n, PARTITION_ROWS);
  const next = start.slice(0, parts);
  const codes = new Int32Array(n);
  const rows = new Int32Array(start[parts] as number);
  const rowHashes = new Int32Array(start[parts] as number);
  for (let i = 0; i < n; i++) {
    const h = hashes[i] as number;
    if (h === -1) {
      codes[i] = -1;
      continue;
    }
    const at = next[h >>> shift] as number;
    next[h >>> shift] = at + 1;
    rows[at] = i;
    rowHashes[at] = h;
  }
  const entries = new Int32Array(tableCapacity(largest) * 3);
  const firstRows = new Int32Array(rows.length);
  let count = 0;
  for (let p = 0; p < parts; p++) {
    const s = start[p] as number;
    const e = start[p + 1] as number;
    const cap = tableCapacity(e - s);
    const mask = cap - 1;
    entries.fill(0, 0, cap * 3);
    for (let j = s; j < e; j++) {
      const i = rows[j] as number;
      const h = rowHashes[j] as number;
      let slot = h & mask;
      for (;;) {
        const at = (entries[3 * slot] as number) - 1;
        if (at < 0) {
          entries[3 * slot] = i + 1;
          entries[3 * slot + 1] = h;
          entries[3 * slot + 2] = count;
          firstRows[count] = i;
          codes[i] = count++;
          break;
        }
        if (entries[3 * slot + 1] === h && sameBytes(offsets, bytes, i, at)) {
          codes[i] = entries[3 * slot + 2] as number;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }
  return { count, codes, firstRows };
}
