import type { Column } from './column.js';
import { hashRows, rowsEqual } from './row-hash.js';
import type { RowHashes, RowKeyMode } from './row-hash.js';
import { tableCapacity } from '@hokusai/core';

/**
 * Duplicate detection with 64-bit row fingerprints in an open-addressing hash table: one pass
 * over the rows, and every candidate pair confirmed on the values, so a fingerprint collision
 * never drops a distinct row. Callers that check the same rows twice pass the fingerprints in.
 */

/** Rows grouped by fingerprint: `slotRow` holds a group's first row, `next` chains the rest. */
export class FingerprintTable {
  private readonly mask: number;
  private readonly slotRow: Int32Array;
  private readonly last: Int32Array;
  readonly next: Int32Array;

  constructor(
    private readonly h: RowHashes,
    rows: number,
  ) {
    const cap = tableCapacity(rows);
    this.mask = cap - 1;
    this.slotRow = new Int32Array(cap).fill(-1);
    this.last = new Int32Array(cap);
    this.next = new Int32Array(rows).fill(-1);
  }

  /** First row of the group with the fingerprint (h1, h2) (rows of `this.h`), or -1. */
  find(h1: number, h2: number): number {
    let slot = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const r = this.slotRow[slot] as number;
      if (r < 0 || (this.h.h1[r] === h1 && this.h.h2[r] === h2)) return r;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Appends `row` to the group of its fingerprint. */
  add(row: number): void {
    const h1 = this.h.h1[row] as number;
    const h2 = this.h.h2[row] as number;
    let slot = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const r = this.slotRow[slot] as number;
      if (r < 0) {
        this.slotRow[slot] = row;
        this.last[slot] = row;
        return;
      }
      if (this.h.h1[r] === h1 && this.h.h2[r] === h2) {
        this.next[this.last[slot] as number] = row;
        this.last[slot] = row;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}

/** For each row: 1 when it is a duplicate of another row that is kept (first or last occurrence). */
export function findDuplicates(cols: readonly Column[], n: number, mode: RowKeyMode, keep: 'first' | 'last', hashes?: RowHashes): Uint8Array {
  const dup = new Uint8Array(n);
  if (n === 0) return dup;
  const h = hashes ?? hashRows(cols, n, mode);
  // Only kept rows enter the table, so each group chains the distinct rows seen so far.
  const kept = new FingerprintTable(h, n);
  for (let k = 0; k < n; k++) {
    const row = keep === 'first' ? k : n - 1 - k;
    let rep = kept.find(h.h1[row] as number, h.h2[row] as number);
    let same = false;
    while (rep >= 0 && !same) {
      same = rowsEqual(cols, rep, cols, row, mode);
      rep = kept.next[rep] as number;
    }
    if (same) dup[row] = 1;
    else kept.add(row);
  }
  return dup;
}

/** For each row of `a`: 1 when some row of `b` holds the same values (columns aligned by position). */
export function findMatches(a: readonly Column[], na: number, b: readonly Column[], nb: number, mode: RowKeyMode, hashes?: { a?: RowHashes; b?: RowHashes }): Uint8Array {
  const hit = new Uint8Array(na);
  if (na === 0 || nb === 0) return hit;
  const ha = hashes?.a ?? hashRows(a, na, mode);
  const hb = hashes?.b ?? hashRows(b, nb, mode);
  const table = new FingerprintTable(hb, nb);
  for (let y = 0; y < nb; y++) table.add(y);
  for (let x = 0; x < na; x++) {
    let y = table.find(ha.h1[x] as number, ha.h2[x] as number);
    while (y >= 0) {
      if (rowsEqual(a, x, b, y, mode)) {
        hit[x] = 1;
        break;
      }
      y = table.next[y] as number;
    }
  }
  return hit;
}

/**
 * How many rows of `a` have an equal row in `b`, and how many rows of `b` have an equal row in
 * `a`: the two counts of `findMatches` both ways, from one table of `b`'s rows.
 */
export function countMatchesBothWays(a: readonly Column[], na: number, b: readonly Column[], nb: number, hashes: { a: RowHashes; b: RowHashes }): { aInB: number; bInA: number } {
  if (na === 0 || nb === 0) return { aInB: 0, bInA: 0 };
  const { a: ha, b: hb } = hashes;
  const table = new FingerprintTable(hb, nb);
  for (let y = 0; y < nb; y++) table.add(y);
  const seen = new Uint8Array(nb);
  let aInB = 0;
  let bInA = 0;
  for (let x = 0; x < na; x++) {
    let found = false;
    for (let y = table.find(ha.h1[x] as number, ha.h2[x] as number); y >= 0; y = table.next[y] as number) {
      if (!rowsEqual(a, x, b, y, 'exact')) continue;
      found = true;
      // The first row of a with these values marked every row of b equal to them: a repeat of
      // it stops here, instead of walking them all again (quadratic on tables of few distinct rows).
      if (seen[y] === 1) break;
      seen[y] = 1;
      bInA++;
    }
    if (found) aInB++;
  }
  return { aInB, bInA };
}

