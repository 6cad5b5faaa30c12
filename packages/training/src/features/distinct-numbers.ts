const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * How many distinct values the first n entries of `values` hold (no NaN among them; -0 and 0 are
 * one value, as when counted over a sorted copy). Open addressing keyed by the float's bits in
 * one Float64Array: one pass, against a sort of every value (2M rows of a 61-value column:
 * 30 ms against 200 ms).
 */
export function distinctNumbers(values: Float64Array, n: number): number {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  // NaN marks an empty slot: the values hold none.
  const table = new Float64Array(cap).fill(Number.NaN);
  let count = 0;
  for (let i = 0; i < n; i++) {
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
