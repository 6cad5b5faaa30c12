import type { Column } from './column.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * Exact number of distinct non-null values. Numbers go through an open-addressing set on
 * typed arrays (keyed by the float's bits), which is several times faster than a JS Set.
 */
export function distinctCount(col: Column): number {
  if (col.type === 'string') return distinctStrings(col.values);
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
  // Other numbers: open addressing in one Float64Array (NaN marks an empty slot: loaded
  // columns never hold NaN), so each insert touches one cache line.
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Float64Array(cap).fill(Number.NaN);
  let count = 0;
  const vals = col.values;
  const valid = col.valid;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    const x0 = vals[i] as number;
    const x = x0 === 0 ? 0 : x0;
    f64[0] = x;
    let h = u32[1] as number;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= (h >>> 16) ^ (u32[0] as number);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    let slot = h & mask;
    for (;;) {
      const t = table[slot] as number;
      if (t !== t) {
        table[slot] = x;
        count++;
        break;
      }
      if (t === x) break;
      slot = (slot + 1) & mask;
    }
  }
  return count;
}

/**
 * Distinct strings through an open-addressing table of row indices keyed by a 32-bit string
 * hash: about three times faster than a JS Set at a million values, and it allocates nothing
 * per value. Equal hashes are confirmed by comparing the strings.
 */
function distinctStrings(values: readonly (string | null)[]): number {
  const n = values.length;
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap).fill(-1);
  const hashes = new Int32Array(cap);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const s = values[i];
    if (s === null || s === undefined) continue;
    let h = 0x811c9dc5 ^ s.length;
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= h >>> 12;
    let slot = h & mask;
    for (;;) {
      const at = slots[slot] as number;
      if (at < 0) {
        slots[slot] = i;
        hashes[slot] = h;
        count++;
        break;
      }
      if (hashes[slot] === h && values[at] === s) break;
      slot = (slot + 1) & mask;
    }
  }
  return count;
}
