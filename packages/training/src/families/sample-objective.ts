import { blockGradient } from './binary-blocks.js';
import type { RowSample } from './row-sample.js';

/**
 * The binary logistic objective over a row sample (weighted mean log-loss + (l2 / 2) * |w|^2,
 * intercept unpenalized) at x (d weights, then the intercept): returns it, writes its gradient to
 * g and, when `hessian` is given, its Hessian (row-major (d + 1) x (d + 1), both triangles).
 */
export function sampleObjective(sample: RowSample, x: Float64Array, d: number, l2: number, g: Float64Array, hessian: Float64Array | null): number {
  const { rows, starts, index, value, y, weight } = sample;
  const D = d + 1;
  g.fill(0);
  hessian?.fill(0);
  const dense = hessian === null ? null : denseColumns(sample, D);
  // Each row's Hessian weight w * p * (1 - p), for the dense columns' pass below.
  const hs = dense === null ? null : new Float64Array(rows);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const from = starts[r] as number;
    const to = starts[r + 1] as number;
    let z = 0;
    for (let t = from; t < to; t++) z += (value[t] as number) * (x[index[t] as number] as number);
    const w = weight[r] as number;
    const yr = y[r] as number;
    const e = Math.exp(-Math.abs(z));
    loss += w * ((z > 0 ? z : 0) + Math.log1p(e) - yr * z);
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const res = w * (p - yr);
    for (let t = from; t < to; t++) {
      const j = index[t] as number;
      g[j] = (g[j] as number) + res * (value[t] as number);
    }
    if (hessian === null) continue;
    const h = (w * e) / ((1 + e) * (1 + e));
    if (hs !== null) {
      hs[r] = h;
      continue;
    }
    // h times the outer product of the row with itself, lower triangle only.
    for (let a = from; a < to; a++) {
      const ha = h * (value[a] as number);
      const rowAt = (index[a] as number) * D;
      for (let b = from; b <= a; b++) {
        const at = rowAt + (index[b] as number);
        hessian[at] = (hessian[at] as number) + ha * (value[b] as number);
      }
    }
  }
  if (hessian !== null && dense !== null && hs !== null) denseHessian(dense, hs, rows, D, hessian);
  const inv = 1 / sample.totalWeight;
  let reg = 0;
  for (let j = 0; j < D; j++) g[j] = (g[j] as number) * inv;
  for (let j = 0; j < d; j++) {
    const xj = x[j] as number;
    g[j] = (g[j] as number) + l2 * xj;
    reg += xj * xj;
  }
  if (hessian !== null) {
    for (let a = 0; a < D; a++) {
      for (let b = 0; b <= a; b++) {
        const v = (hessian[a * D + b] as number) * inv + (a === b && a < d ? l2 : 0);
        hessian[a * D + b] = v;
        hessian[b * D + a] = v;
      }
    }
  }
  return loss * inv + 0.5 * l2 * reg;
}

/** Widest sample (features and intercept) held as dense columns: 128 columns of 65,536 rows are 64 MB. */
const MAX_DENSE_COLUMNS = 64;
/** Share of a dense sample's cells that must be non-zero: one-hot and hashed blocks stay sparse. */
const MIN_DENSE_SHARE = 0.5;

const dense = new WeakMap<RowSample, Float32Array[] | null>();

/**
 * The sample as one column per feature (0 where a row has no entry), made once per sample, or
 * null when it is too wide or too sparse for that to pay. A zero adds h * 0 * x = 0 to a cell,
 * which leaves a sum that started at +0 unchanged: the dense pass gives the sparse one's bits.
 * Float32 columns hold the features exactly (they are float32 values; the intercept is 1) in half
 * the memory: 5.5 MB for 21 columns.
 */
function denseColumns(sample: RowSample, D: number): Float32Array[] | null {
  const known = dense.get(sample);
  if (known !== undefined) return known;
  let cols: Float32Array[] | null = null;
  if (D <= MAX_DENSE_COLUMNS && sample.index.length >= MIN_DENSE_SHARE * sample.rows * D) {
    cols = Array.from({ length: D }, () => new Float32Array(sample.rows));
    const { starts, index, value } = sample;
    for (let r = 0; r < sample.rows && cols !== null; r++) {
      for (let t = starts[r] as number; t < (starts[r + 1] as number); t++) {
        const v = value[t] as number;
        // Every sampled value is a float32 (the features are); anything else keeps the sparse pass.
        if (Math.fround(v) !== v) {
          cols = null;
          break;
        }
        (cols[index[t] as number] as Float32Array)[r] = v;
      }
    }
  }
  dense.set(sample, cols);
  return cols;
}

/**
 * The lower triangle of sum_r hs[r] * x_r x_r^T, each cell summed over the rows in row order
 * with each term (hs[r] * x_ra) * x_rb, as the row-by-row pass sums it: the same bits. Row a of
 * the triangle is the gradient-block sum of the weights hs[r] * x_ra against columns 0..a, which
 * `blockGradient` takes four columns at a time instead of one scattered update per cell and row
 * (about 5x faster for 21 dense columns).
 */
function denseHessian(cols: Float32Array[], hs: Float64Array, rows: number, D: number, hessian: Float64Array): void {
  const ha = new Float64Array(rows);
  for (let a = 0; a < D; a++) {
    const xa = cols[a] as Float32Array;
    for (let r = 0; r < rows; r++) ha[r] = (hs[r] as number) * (xa[r] as number);
    blockGradient(hessian, a * D, ha, cols, a + 1, 0, rows);
  }
}
