import { distinctNumbers, tableCapacity, type DistinctScratch } from '@hokusai/core';
import { utf8Codes } from './text-codes.js';
import { knownUtf8 } from './utf8-column.js';
import type { Column } from './column.js';

/**
 * Exact number of distinct non-null values. Numbers go through an open-addressing set on
 * typed arrays (keyed by the float's bits), which is several times faster than a JS Set.
 * `scratch` lends that count its working arrays (one for all the columns of a table).
 */
export function distinctCount(col: Column, scratch?: DistinctScratch): number {
  if (col.type === 'string') {
    const utf8 = knownUtf8(col);
    return utf8 === undefined ? distinctStrings(col.values) : utf8Codes(utf8).count;
  }
  const n = col.valid.length;
  if (col.type === 'int' || col.type === 'bool') {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (col.valid[i] === 0) continue;
      const v = col.values[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) return 0;
    // Small integer ranges: a presence bitmap is one pass and no hashing.
    if (max - min < 1 << 26) {
      const seen = new Uint8Array(max - min + 1);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (col.valid[i] === 0) continue;
        const j = (col.values[i] as number) - min;
        if (seen[j] === 0) {
          seen[j] = 1;
          count++;
        }
      }
      return count;
    }
  }
  // Other numbers: the hash table keyed by the float's bits (loaded columns never hold NaN). A
  // bool column always fits the bitmap above.
  return distinctNumbers(col.type === 'bool' ? Int32Array.from(col.values) : col.values, n, col.valid, scratch);
}

/**
 * Counts distinct rows through an open-addressing table of row indices keyed by a 32-bit hash:
 * about three times faster than a JS Set at a million values, and it allocates nothing per
 * value. A row hash of -1 skips the row (a null); equal hashes are confirmed by `same`.
 */
function countDistinct(rowHashes: Int32Array, same: (i: number, j: number) => boolean): number {
  const n = rowHashes.length;
  const cap = tableCapacity(n);
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  const hashes = new Int32Array(cap);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const h = rowHashes[i] as number;
    if (h === -1) continue;
    let slot = h & mask;
    for (;;) {
      const at = slots[slot] as number;
      if (at < 0) {
        slots[slot] = i;
        hashes[slot] = h;
        count++;
        break;
      }
      if (hashes[slot] === h && same(at, i)) break;
      slot = (slot + 1) & mask;
    }
  }
  return count;
}

/** Finishes an FNV-1a hash; never -1, which marks a row to skip. */
function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 12;
  return h === -1 ? 0 : h;
}

function distinctStrings(values: readonly (string | null)[]): number {
  const rowHashes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = values[i];
    if (s === null || s === undefined) {
      rowHashes[i] = -1;
      continue;
    }
    let h = 0x811c9dc5 ^ s.length;
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    rowHashes[i] = avalanche(h);
  }
  return countDistinct(rowHashes, (a, b) => values[a] === values[b]);
}
