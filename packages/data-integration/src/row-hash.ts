import { isAscii } from 'node:buffer';
import type { Data } from 'apache-arrow';
import { utf8BytesHash } from '@hokusai/core';
import { bitIsSet, knownUtf8, utf8CellsEqual } from './utf8-column.js';
import type { Column } from './column.js';

/**
 * 64-bit row fingerprints (two independent 32-bit lanes) computed column by column over typed
 * arrays. They order rows for the content hash and find duplicate candidates; equality is always
 * confirmed on the values themselves, so a collision can never merge two different rows.
 */
export interface RowHashes {
  h1: Uint32Array;
  h2: Uint32Array;
}

export type RowKeyMode = 'exact' | 'normalized';

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const PUNCT = /[\p{P}\p{S}]/gu;
const SPACE = /\s+/g;

/** Case, whitespace and punctuation folded away: "  Hello,  World!" and "hello world" agree. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(PUNCT, '').replace(SPACE, ' ').trim();
}

/** The two lanes `hashText` leaves behind (two numbers out of one call, without allocating). */
const lanes = { a: 0, b: 0 };

/** Mixes one text value into both lanes, by its UTF-16 code units. */
function hashText(a: number, b: number, s: string): void {
  a = mix(a, 0x73747200 ^ s.length);
  b = mix(b, 0x53545200 ^ s.length);
  // Per character, two cheap multiplicative steps (FNV-1a and a multiply-rotate); the full mix
  // runs once per cell above and in the final avalanche.
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(((b << 5) | (b >>> 27)) + c, 0x9e3779b1);
  }
  lanes.a = mix(a, b);
  lanes.b = b;
}

/**
 * `hashText` of every value of a text column, read from its UTF-8 without making strings: an
 * ASCII value's bytes are its UTF-16 code units, so the loop below is `hashText` on the bytes;
 * other values are decoded one by one. The fingerprints are the same as from the strings. A
 * column whose bytes are all ASCII (one native check) skips the per-value check.
 *
 * With `values`, each non-null value's own hash (`utf8ValueHash`, independent of the row) is
 * written there as well, from the same read of the bytes: a third multiply chain beside the two
 * lanes costs little, and distinct counting then need not read the bytes again.
 */
function hashUtf8Column(d: Data, n: number, h1: Uint32Array, h2: Uint32Array, values?: Int32Array): void {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const bitmap = d.nullCount === 0 ? null : d.nullBitmap;
  const allAscii = isAscii(bytes.subarray(offsets[0] as number, offsets[n] as number));
  for (let i = 0; i < n; i++) {
    let a = h1[i] as number;
    let b = h2[i] as number;
    if (!bitIsSet(bitmap, 0, i)) {
      a = mix(a, 0x6e756c6c);
      b = mix(b, 0x4e554c4c);
      if (values !== undefined) values[i] = -1;
    } else {
      const s = offsets[i] as number;
      const e = offsets[i + 1] as number;
      let ascii = allAscii;
      if (!ascii) {
        ascii = true;
        for (let k = s; k < e; k++) {
          if ((bytes[k] as number) > 0x7f) {
            ascii = false;
            break;
          }
        }
      }
      if (ascii) {
        a = mix(a, 0x73747200 ^ (e - s));
        b = mix(b, 0x53545200 ^ (e - s));
        if (values !== undefined) {
          let v = 0x811c9dc5 ^ (e - s);
          for (let k = s; k < e; k++) {
            const c = bytes[k] as number;
            a = Math.imul(a ^ c, 0x01000193);
            b = Math.imul(((b << 5) | (b >>> 27)) + c, 0x9e3779b1);
            v = Math.imul(v ^ c, 0x01000193);
          }
          values[i] = finishValueHash(v);
        } else {
          for (let k = s; k < e; k++) {
            const c = bytes[k] as number;
            a = Math.imul(a ^ c, 0x01000193);
            b = Math.imul(((b << 5) | (b >>> 27)) + c, 0x9e3779b1);
          }
        }
        a = mix(a, b);
      } else {
        hashText(a, b, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', s, e));
        a = lanes.a;
        b = lanes.b;
        if (values !== undefined) values[i] = utf8ValueHash(bytes, s, e);
      }
    }
    h1[i] = a;
    h2[i] = b;
  }
}

/**
 * A hash of one UTF-8 value's bytes (FNV-1a over the length and the bytes, then an avalanche),
 * never -1, which marks a null. Equal text has equal hashes; distinct counts confirm on the bytes.
 */
export function utf8ValueHash(bytes: Uint8Array, s: number, e: number): number {
  const h = utf8BytesHash(bytes, s, e);
  return h === -1 ? 0 : h;
}

/**
 * The end of `utf8ValueHash` (utf8BytesHash's avalanche, then never -1) for the FNV state the row
 * pass builds beside its fingerprints, so both give each value the same hash (a test compares them).
 */
function finishValueHash(h: number): number {
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h ^= h >>> 12;
  return h === -1 ? 0 : h;
}

/**
 * `hashRows` that also hands `take`, for each text column known as UTF-8, every row's
 * `utf8ValueHash` (-1 for a null) from the same pass over the bytes, and keeps what it returns
 * (undefined for other columns). The hashes are in one array reused from column to column, so
 * `take` must not keep it.
 */
export function hashRowsAndValues<T>(columns: readonly Column[], n: number, take: (c: number, d: Data, values: Int32Array) => T): { hashes: RowHashes; taken: (T | undefined)[] } {
  const state = startRowHashes(n);
  let values: Int32Array | undefined;
  const taken = columns.map((col, c): T | undefined => {
    const utf8 = knownUtf8(col);
    if (utf8 === undefined) {
      addColumnsToHashes(state, [col], n);
      return undefined;
    }
    values ??= new Int32Array(n);
    hashUtf8Column(utf8, n, state.h1, state.h2, values);
    return take(c, utf8, values);
  });
  return { hashes: finishRowHashes(state), taken };
}

export function hashRows(columns: readonly Column[], n: number, mode: RowKeyMode = 'exact'): RowHashes {
  return finishRowHashes(addColumnsToHashes(startRowHashes(n), columns, n, mode));
}

/**
 * Fingerprints before their final avalanche: the state after some columns, which more columns
 * can extend. `finishRowHashes(addColumnsToHashes(copy of s, more))` over the state `s` of
 * columns C is `hashRows` of C followed by `more`, so rows hashed over the features need not be
 * hashed again over the features and the label.
 */
export interface RowHashState {
  h1: Uint32Array;
  h2: Uint32Array;
}

export function startRowHashes(n: number): RowHashState {
  return { h1: new Uint32Array(n).fill(0x9747b28c), h2: new Uint32Array(n).fill(0x5bd1e995) };
}

export function copyRowHashState(s: RowHashState): RowHashState {
  return { h1: s.h1.slice(), h2: s.h2.slice() };
}

/** The finished fingerprints of a state (new arrays; the state can still be extended). */
export function finishedRowHashes(s: RowHashState): RowHashes {
  return finishRowHashes(copyRowHashState(s));
}

/** Mixes `columns` into the state, in place, and returns it. */
export function addColumnsToHashes(state: RowHashState, columns: readonly Column[], n: number, mode: RowKeyMode = 'exact'): RowHashState {
  const { h1, h2 } = state;
  for (const col of columns) {
    if (col.type === 'string') {
      const utf8 = mode === 'exact' ? knownUtf8(col) : undefined;
      if (utf8 !== undefined) {
        hashUtf8Column(utf8, n, h1, h2);
        continue;
      }
      const vals = col.values;
      for (let i = 0; i < n; i++) {
        const s = vals[i];
        if (s === null || s === undefined) {
          h1[i] = mix(h1[i] as number, 0x6e756c6c);
          h2[i] = mix(h2[i] as number, 0x4e554c4c);
        } else {
          hashText(h1[i] as number, h2[i] as number, mode === 'normalized' ? normalizeText(s) : s);
          h1[i] = lanes.a;
          h2[i] = lanes.b;
        }
      }
      continue;
    }
    const valid = col.valid;
    // Ints are hashed as the equal double so that 3 (CSV) and 3.0 (Parquet) agree.
    const f = col.values instanceof Float64Array ? col.values : Float64Array.from(col.values);
    const u = new Uint32Array(f.buffer, f.byteOffset, n * 2);
    const tag = col.type === 'bool' ? 0x626f6f6c : col.type === 'timestamp' ? 0x74696d65 : 0x6e756d62;
    for (let i = 0; i < n; i++) {
      let lo: number;
      let hi: number;
      if (valid[i] === 0) {
        lo = 0x6e756c6c;
        hi = 0x4e554c4c;
      } else {
        lo = (u[2 * i] as number) ^ tag;
        hi = u[2 * i + 1] as number;
        if (lo === tag && (hi === 0 || hi === 0x80000000)) hi = 0; // -0 is 0
      }
      let a = Math.imul((h1[i] as number) ^ lo, 0xcc9e2d51);
      a = Math.imul(((a << 15) | (a >>> 17)) ^ hi, 0x1b873593);
      let b = Math.imul((h2[i] as number) ^ hi, 0x85ebca6b);
      b = Math.imul(((b << 13) | (b >>> 19)) ^ lo, 0xc2b2ae35);
      h1[i] = (a ^ (a >>> 16)) + 0xe6546b64;
      h2[i] = (b ^ (b >>> 15)) + 0x52dce729;
    }
  }
  return state;
}

/** The final avalanche, in place: the state's arrays become the fingerprints. */
function finishRowHashes(state: RowHashState): RowHashes {
  const { h1, h2 } = state;
  for (let i = 0; i < h1.length; i++) {
    h1[i] = fmix(h1[i] as number);
    h2[i] = fmix((h2[i] as number) ^ 0x68e31da4);
  }
  return { h1, h2 };
}

/**
 * Row order sorted by (h1, h2), rows with equal fingerprints in row order. One counting pass on
 * the top 16 bits of h1 puts each row in its bucket together with the rest of its key (the low
 * 16 bits of h1 and h2, exact in a double); a bucket then holds a few rows on average and is
 * sorted on that key where it lies. About a third of the time of four radix passes over the
 * whole fingerprint, which read the key through the row index at random.
 */
export function sortByHash(h: RowHashes): Uint32Array {
  return sortByHashNoting(h).idx;
}

/**
 * `sortByHash`, and where rows share a fingerprint: `ties` holds, flat, the start and end of each
 * run of idx with one fingerprint (seen where the sorted keys sit side by side).
 */
export function sortByHashNoting(h: RowHashes): { idx: Uint32Array; ties: number[] } {
  const { h1, h2 } = h;
  const n = h1.length;
  const start = new Uint32Array(65537);
  for (let i = 0; i < n; i++) {
    const b = ((h1[i] as number) >>> 16) + 1;
    start[b] = (start[b] as number) + 1;
  }
  for (let b = 1; b <= 65536; b++) start[b] = (start[b] as number) + (start[b - 1] as number);
  const next = start.slice(0, 65536);
  const idx = new Uint32Array(n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = h1[i] as number;
    const at = next[x >>> 16] as number;
    next[x >>> 16] = at + 1;
    idx[at] = i;
    key[at] = (x & 0xffff) * 4294967296 + (h2[i] as number);
  }
  const ties: number[] = [];
  for (let b = 0; b < 65536; b++) {
    const s = start[b] as number;
    const e = start[b + 1] as number;
    if (e - s < 2) continue;
    if (e - s > 64) radixSortRun(idx, key, s, e);
    else insertionSortRun(idx, key, s, e);
    for (let i = s + 1; i < e; i++) {
      if (key[i] !== key[i - 1]) continue;
      let j = i + 1;
      while (j < e && key[j] === key[i]) j++;
      ties.push(i - 1, j);
      i = j - 1;
    }
  }
  return { idx, ties };
}

/** Stable insertion sort of idx[s..e) by key (a bucket's rows arrive in row order). */
function insertionSortRun(idx: Uint32Array, key: Float64Array, s: number, e: number): void {
  for (let i = s + 1; i < e; i++) {
    const k = key[i] as number;
    const r = idx[i] as number;
    let j = i - 1;
    while (j >= s && (key[j] as number) > k) {
      key[j + 1] = key[j] as number;
      idx[j + 1] = idx[j] as number;
      j--;
    }
    key[j + 1] = k;
    idx[j + 1] = r;
  }
}

/**
 * Stable LSD radix sort of idx[s..e) by its 48-bit key, eight bits a pass: a large bucket comes
 * from many rows with one fingerprint (duplicated rows), where an insertion sort would be quadratic.
 */
function radixSortRun(idx: Uint32Array, key: Float64Array, s: number, e: number): void {
  const m = e - s;
  let ia = idx.slice(s, e);
  let ka = key.slice(s, e);
  let ib = new Uint32Array(m);
  let kb = new Float64Array(m);
  const count = new Uint32Array(256);
  for (let shift = 0; shift < 48; shift += 8) {
    const div = 2 ** shift;
    count.fill(0);
    for (let i = 0; i < m; i++) {
      const d = Math.floor((ka[i] as number) / div) & 0xff;
      count[d] = (count[d] as number) + 1;
    }
    if (count[Math.floor((ka[0] as number) / div) & 0xff] === m) continue; // one digit value: nothing moves
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = count[d] as number;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const k = ka[i] as number;
      const d = Math.floor(k / div) & 0xff;
      const at = count[d] as number;
      count[d] = at + 1;
      ib[at] = ia[i] as number;
      kb[at] = k;
    }
    [ia, ib] = [ib, ia];
    [ka, kb] = [kb, ka];
  }
  idx.set(ia, s);
  key.set(ka, s);
}

/** True when row i of `a` and row j of `b` hold the same values (columns aligned by position). */
export function rowsEqual(a: readonly Column[], i: number, b: readonly Column[], j: number, mode: RowKeyMode = 'exact'): boolean {
  for (let c = 0; c < a.length; c++) {
    const x = a[c] as Column;
    const y = b[c] as Column;
    if (x.type === 'string' || y.type === 'string') {
      if (x.type !== 'string' || y.type !== 'string') return false;
      const ux = mode === 'exact' ? knownUtf8(x) : undefined;
      const uy = ux === undefined ? undefined : knownUtf8(y);
      if (ux !== undefined && uy !== undefined) {
        if (!utf8CellsEqual(ux, i, uy, j)) return false;
        continue;
      }
      const s = x.values[i] ?? null;
      const t = y.values[j] ?? null;
      if (s === null || t === null) {
        if (s !== t) return false;
        continue;
      }
      if (mode === 'normalized' ? normalizeText(s) !== normalizeText(t) : s !== t) return false;
      continue;
    }
    const vx = x.valid[i] === 1;
    const vy = y.valid[j] === 1;
    if (vx !== vy) return false;
    if (vx && x.values[i] !== y.values[j]) return false;
  }
  return true;
}
