/** Most decimals a grid is tried with: values that need more read as raw doubles. */
const MAX_GRID_DECIMALS = 9;
const POW10 = Array.from({ length: MAX_GRID_DECIMALS + 1 }, (_, d) => 10 ** d);
/** Values read to find the grid's decimals. */
const SAMPLE = 1024;
/** Largest bitmap, in bits (32 MB), and largest bits per counted value: past either the bitmap costs more than it saves. */
const MAX_SPAN = 1 << 28;
const MAX_SPAN_PER_VALUE = 64;
/** Share of values off the grid past which the grid is given up. */
const MAX_MISFIT_SHARE = 1 / 16;
/** Grid positions k stay well within the doubles' exact integers, so v·10^d rounds to k exactly. */
const MAX_POSITION = 2 ** 50;

/** The bitmap a grid count marks values in, kept by its caller across columns (see DistinctScratch). */
export interface GridScratch {
  gridBits(words: number): Int32Array;
}

/** The fewest decimals d ≤ MAX_GRID_DECIMALS with round(v·10^d) / 10^d === v, or -1. */
function decimalsOnGrid(v: number): number {
  for (let d = 0; d <= MAX_GRID_DECIMALS; d++) {
    const p = POW10[d] as number;
    if (Math.round(v * p) / p === v) return d;
  }
  return -1;
}

/**
 * The distinct values among `values[0..n)` (rows with `valid[i] === 0` skipped; -0 and 0 one
 * value; no NaN) when most of them lie on one decimal grid: v = k / 10^d for a whole k, as in a
 * column read from text printed with d decimals (prices, measurements, ids). Each such value is
 * one bit at k in a bitmap over the column's range, marked and counted in one pass without
 * hashing or scattering; the few values off the grid (none, usually) are counted apart by
 * `countOthers`. Null when the grid does not pay: its decimals (from the first values) exceed
 * nine, its bitmap would be large against the values counted, or more than a sixteenth of them
 * are off it. The count is exact: a value on the grid is k / 10^d for exactly one k (the check
 * is that division, not a tolerance), and a value off the grid equals no value on it.
 */
export function gridDistinct(values: Float64Array | Int32Array, n: number, valid: Uint8Array | undefined, scratch: GridScratch, countOthers: (others: Float64Array, m: number) => number): number | null {
  let d = 0;
  let seen = 0;
  let min = Infinity;
  let max = -Infinity;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    const v = values[i] as number;
    if (seen < SAMPLE) {
      seen++;
      const dv = decimalsOnGrid(v);
      if (dv < 0) return null;
      if (dv > d) d = dv;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    counted++;
  }
  if (counted === 0) return 0;
  const p = POW10[d] as number;
  if (!(Math.abs(min * p) <= MAX_POSITION && Math.abs(max * p) <= MAX_POSITION)) return null;
  const low = Math.round(min * p);
  const span = Math.round(max * p) - low + 1;
  if (span > MAX_SPAN || span > MAX_SPAN_PER_VALUE * counted) return null;
  const words = Math.ceil(span / 32);
  const bits = scratch.gridBits(words);
  bits.fill(0, 0, words);
  const others = new Float64Array(Math.floor(counted * MAX_MISFIT_SHARE) + 1);
  let m = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    const v = values[i] as number;
    const k = Math.round(v * p);
    if (k / p === v) {
      const j = k - low;
      const w = j >>> 5;
      const b = 1 << (j & 31);
      const word = bits[w] as number;
      if ((word & b) === 0) {
        bits[w] = word | b;
        count++;
      }
    } else {
      if (m === others.length) return null;
      others[m++] = v;
    }
  }
  return m === 0 ? count : count + countOthers(others, m);
}
