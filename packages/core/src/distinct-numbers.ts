const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * Exact count of the distinct values among the first `n` entries of `values` (every entry when `n`
 * is left out), skipping the rows where `valid[i] === 0` when `valid` is given. -0 and 0 are one
 * value. The values must hold no NaN: NaN marks an empty slot of the table.
 *
 * Open addressing keyed by the float's bits in one Float64Array: one pass, each insert touching
 * one cache line, several times faster than a JS `Set` or a sort (2M rows of a 61-value column:
 * 30 ms against 200 ms for a sort). The data-integration manifests (distinct counts) and the
 * training feature plan (numeric or categorical) both count with it.
 */
export function distinctNumbers(values: Float64Array | Int32Array, n = values.length, valid?: Uint8Array): number {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Float64Array(cap).fill(Number.NaN);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    const x0 = values[i] as number;
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
