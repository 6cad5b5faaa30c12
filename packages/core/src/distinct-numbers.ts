import { gridDistinct } from './decimal-grid.js';
import { hashPartitions, tableCapacity } from './hash-partitions.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A 32-bit hash of a float's bits (-0 already made 0). */
function hashOf(x: number): number {
  f64[0] = x;
  let h = u32[1] as number;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= (h >>> 16) ^ (u32[0] as number);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * After this many entries, a column whose values were mostly new is counted by partitions: its
 * table would outgrow the cache. Rows per partition aimed at then.
 */
const PARTITION_CHECK = 1 << 16;
const PARTITION_NEW_SHARE = 0.5;
const PARTITION_ROWS = 4096;
/**
 * An earlier look, for a column whose first values were nearly all new (a continuous float, an
 * id): counting its first 65,536 values in the growing table (eight rehashes up to 2 MB) and then
 * again by partitions cost about as much as the partitioned count of 500k values.
 */
const EARLY_CHECK = 1 << 12;
const EARLY_NEW_SHARE = 0.9;

/**
 * Exact count of the distinct values among the first `n` entries of `values` (every entry when `n`
 * is left out), skipping the rows where `valid[i] === 0` when `valid` is given. -0 and 0 are one
 * value. The values must hold no NaN: NaN marks an empty slot of the table.
 *
 * Open addressing keyed by the float's bits in one Float64Array that doubles as it fills, so a
 * column of a few thousand values probes a table that stays in cache: several times faster than
 * a JS `Set` or a sort. A column of mostly distinct values (ids, amounts) is instead split by the
 * hashes' top bits into partitions of a few thousand values, each counted with a small table:
 * local writes instead of a cache miss per value in a table of tens of MB, unless most of its
 * values lie on one decimal grid (printed with a few decimals, or whole): those are bits in a
 * bitmap over the column's range (see gridDistinct), about three times faster. The data-integration
 * manifests (distinct counts) and the training feature plan (numeric or categorical) both count
 * with it.
 */
export function distinctNumbers(values: Float64Array | Int32Array, n = values.length, valid?: Uint8Array, scratch?: DistinctScratch): number {
  let cap = 1024;
  let mask = cap - 1;
  let table = new Float64Array(cap).fill(Number.NaN);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if ((i === EARLY_CHECK && count > i * EARLY_NEW_SHARE) || (i === PARTITION_CHECK && count > i * PARTITION_NEW_SHARE)) return mostlyDistinctCount(values, n, valid, scratch ?? new DistinctScratch());
    if (valid !== undefined && valid[i] === 0) continue;
    const x0 = values[i] as number;
    const x = x0 === 0 ? 0 : x0;
    count += insert(table, mask, x, hashOf(x));
    if (count * 2 > cap) {
      const old = table;
      cap *= 2;
      mask = cap - 1;
      table = new Float64Array(cap).fill(Number.NaN);
      for (let j = 0; j < old.length; j++) {
        const t = old[j] as number;
        if (t !== t) continue;
        let s = hashOf(t) & mask;
        while (table[s] === table[s]) s = (s + 1) & mask;
        table[s] = t;
      }
    }
  }
  return count;
}

/** A column of mostly distinct values: on a decimal grid when it lies on one (a bit per value), else by partitions. */
function mostlyDistinctCount(values: Float64Array | Int32Array, n: number, valid: Uint8Array | undefined, scratch: DistinctScratch): number {
  return gridDistinct(values, n, valid, scratch, (others, m) => distinctNumbers(others, m, undefined, scratch)) ?? partitionedCount(values, n, valid, scratch);
}

/**
 * The partitioned count's working arrays (and the decimal grid's bitmap), for a caller that counts
 * one column after another (a manifest, a feature plan): passed to each distinctNumbers call, they
 * are allocated once at the largest size asked for instead of a few MB of garbage per column,
 * which raised the process's peak memory and its collector's work. Drop it with the loop: it keeps
 * up to 20 bytes per row for the partitions, 8 for the bitmap and 8 for `floats`.
 */
export class DistinctScratch {
  hashes = new Int32Array(0);
  grouped = new Float64Array(0);
  groupedHashes = new Int32Array(0);
  table = new Float64Array(0);

  /** Room for n rows. */
  reserve(n: number): void {
    if (this.hashes.length >= n) return;
    this.hashes = new Int32Array(n);
    this.grouped = new Float64Array(n);
    this.groupedHashes = new Int32Array(n);
  }

  private values = new Float64Array(0);
  private bits = new Int32Array(0);

  /** The decimal grid's bitmap: room for `words` 32-bit words (see gridDistinct). */
  gridBits(words: number): Int32Array {
    if (this.bits.length < words) this.bits = new Int32Array(words);
    return this.bits;
  }

  /**
   * Room for n values a caller gathers before counting them (the present values of a column of
   * several chunks): one array for every column, as the other working arrays. Counting never
   * writes to it.
   */
  floats(n: number): Float64Array {
    if (this.values.length < n) this.values = new Float64Array(n);
    return this.values;
  }

  tableOf(slots: number): Float64Array {
    if (this.table.length < slots) this.table = new Float64Array(slots);
    return this.table;
  }
}

/** The count by partitions: values grouped by the top bits of their hash (equal values share one), each counted alone. */
function partitionedCount(values: Float64Array | Int32Array, n: number, valid: Uint8Array | undefined, scratch: DistinctScratch): number {
  scratch.reserve(n);
  // -1 leaves a row out (see hashPartitions): a value hashing to -1 takes -2, the same for all of its rows.
  const hashes = scratch.hashes;
  if (values instanceof Float64Array) floatHashes(values, n, valid, hashes);
  else {
    for (let i = 0; i < n; i++) {
      if (valid !== undefined && valid[i] === 0) hashes[i] = -1;
      else {
        const h = hashOf(values[i] as number);
        hashes[i] = h === -1 ? -2 : h;
      }
    }
  }
  const { shift, parts, start, largest } = hashPartitions(hashes, n, PARTITION_ROWS);
  const next = start.slice(0, parts);
  const grouped = scratch.grouped;
  const groupedHashes = scratch.groupedHashes;
  for (let i = 0; i < n; i++) {
    const h = hashes[i] as number;
    if (h === -1) continue;
    const at = next[h >>> shift] as number;
    next[h >>> shift] = at + 1;
    const x0 = values[i] as number;
    grouped[at] = x0 === 0 ? 0 : x0;
    groupedHashes[at] = h;
  }
  const table = scratch.tableOf(tableCapacity(largest));
  let count = 0;
  for (let p = 0; p < parts; p++) {
    const s = start[p] as number;
    const e = start[p + 1] as number;
    const cap = tableCapacity(e - s);
    const mask = cap - 1;
    table.fill(Number.NaN, 0, cap);
    for (let j = s; j < e; j++) {
      count += insert(table, mask, grouped[j] as number, groupedHashes[j] as number);
    }
  }
  return count;
}

/**
 * Hashes of a float column's values read as their two 32-bit words in place (no value goes
 * through memory to be split), -0 as 0; -1 for the rows left out. Any hash does, as long as equal
 * values get equal hashes: only the partitioned count uses these.
 */
function floatHashes(values: Float64Array, n: number, valid: Uint8Array | undefined, hashes: Int32Array): void {
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && valid[i] === 0) {
      hashes[i] = -1;
      continue;
    }
    const lo = words[2 * i] as number;
    let hi = words[2 * i + 1] as number;
    if (lo === 0 && hi === -2147483648) hi = 0;
    let h = Math.imul(hi ^ Math.imul(lo, 0xcc9e2d51), 0x1b873593);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    hashes[i] = h === -1 ? -2 : h;
  }
}

/** Puts x (hash h) into an open-addressing table (NaN = empty); 1 when it was not there yet, else 0. */
function insert(table: Float64Array, mask: number, x: number, h: number): number {
  let slot = h & mask;
  for (;;) {
    const t = table[slot] as number;
    if (t !== t) {
      table[slot] = x;
      return 1;
    }
    if (t === x) return 0;
    slot = (slot + 1) & mask;
  }
}
