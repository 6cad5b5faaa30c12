import type { Column } from './column.js';
import { hashRows, rowsEqual, sortByHash } from './row-hash.js';
import type { RowKeyMode } from './row-hash.js';

/**
 * Duplicate detection by sorting 64-bit row fingerprints (linear radix sort) and confirming
 * every candidate pair on the values, so equal rows are found in O(n) and a fingerprint
 * collision never drops a distinct row.
 */

/** For each row: 1 when it is a duplicate of another row that is kept (first or last occurrence). */
export function findDuplicates(cols: readonly Column[], n: number, mode: RowKeyMode, keep: 'first' | 'last'): Uint8Array {
  const dup = new Uint8Array(n);
  if (n === 0) return dup;
  const h = hashRows(cols, n, mode);
  const order = sortByHash(h);
  let i = 0;
  while (i < n) {
    const r = order[i] as number;
    let j = i + 1;
    while (j < n && h.h1[order[j] as number] === h.h1[r] && h.h2[order[j] as number] === h.h2[r]) j++;
    if (j - i > 1) {
      // Radix sort is stable, so within a group rows are in input order.
      const group = Array.from(order.subarray(i, j));
      if (keep === 'last') group.reverse();
      const reps: number[] = [];
      for (const row of group) {
        const rep = reps.find((x) => rowsEqual(cols, x, cols, row, mode));
        if (rep === undefined) reps.push(row);
        else dup[row] = 1;
      }
    }
    i = j;
  }
  return dup;
}

/** For each row of `a`: 1 when some row of `b` holds the same values (columns aligned by position). */
export function findMatches(a: readonly Column[], na: number, b: readonly Column[], nb: number, mode: RowKeyMode): Uint8Array {
  const hit = new Uint8Array(na);
  if (na === 0 || nb === 0) return hit;
  const ha = hashRows(a, na, mode);
  const hb = hashRows(b, nb, mode);
  const h1 = new Uint32Array(na + nb);
  const h2 = new Uint32Array(na + nb);
  h1.set(ha.h1, 0);
  h1.set(hb.h1, na);
  h2.set(ha.h2, 0);
  h2.set(hb.h2, na);
  const order = sortByHash({ h1, h2 });
  const n = na + nb;
  let i = 0;
  while (i < n) {
    const r = order[i] as number;
    let j = i + 1;
    while (j < n && h1[order[j] as number] === h1[r] && h2[order[j] as number] === h2[r]) j++;
    if (j - i > 1) {
      const group = order.subarray(i, j);
      const bs: number[] = [];
      for (const x of group) if (x >= na) bs.push(x - na);
      if (bs.length > 0) {
        for (const x of group) {
          if (x >= na) continue;
          if (bs.some((y) => rowsEqual(a, x, b, y, mode))) hit[x] = 1;
        }
      }
    }
    i = j;
  }
  return hit;
}
