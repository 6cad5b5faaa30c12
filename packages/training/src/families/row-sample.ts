import type { RowParts } from './logistic-regression.js';

/**
 * Every `stride`-th training row (rows 0, stride, 2 * stride, ... counted across the parts), held
 * as sparse rows: the non-zero features of row r are index[starts[r], starts[r + 1]) with their
 * values, followed by the intercept (index d, value 1). One-hot and hashed blocks are mostly zeros,
 * so a row's Hessian terms cost (non-zeros)^2, not d^2.
 */
export interface RowSample {
  rows: number;
  starts: Int32Array;
  index: Int32Array;
  value: Float64Array;
  y: Int32Array;
  weight: Float64Array;
  /** Sum of the sampled rows' weights, in row order. */
  totalWeight: number;
  /** Sampled rows per class (class index 0 or 1). */
  classRows: [number, number];
}

/**
 * Gathers the sample in one pass over the parts. The rows taken depend only on their position in
 * the whole table, so parts read from disk give the same sample as the table in memory.
 */
export function sampleRows(parts: RowParts, stride: number): RowSample {
  const { d, rows: total } = parts;
  const rows = Math.ceil(total / stride);
  const starts = new Int32Array(rows + 1);
  // Room for every row dense when that is not huge: pages never written (the zeros of sparse
  // rows) are never resident, where growing by doubling (8, 16, then 32 a row for 20 dense
  // features) wrote 56 entries a row of fresh memory for the 21 kept.
  const dense = rows * (d + 1);
  let index: Int32Array = new Int32Array(dense <= MAX_DENSE_ENTRIES ? dense : rows * Math.min(d + 1, 8));
  let value: Float64Array = new Float64Array(index.length);
  const y = new Int32Array(rows);
  const weight = new Float64Array(rows);
  const classRows: [number, number] = [0, 0];
  let r = 0;
  let at = 0;
  let offset = 0;
  parts.forEach((part) => {
    // The first row of this part that falls on the stride.
    const first = (stride - (offset % stride)) % stride;
    for (let i = first; i < part.n; i += stride) {
      if (index.length - at < d + 1) {
        const grown = Math.max(index.length * 2, at + d + 1);
        index = grow(index, grown);
        value = growF(value, grown);
      }
      for (let j = 0; j < d; j++) {
        const v = (part.columns[j] as Float32Array)[i] as number;
        if (v === 0) continue;
        index[at] = j;
        value[at] = v;
        at++;
      }
      index[at] = d;
      value[at] = 1;
      at++;
      starts[r + 1] = at;
      const label = part.y[i] as number;
      y[r] = label;
      weight[r] = part.sampleWeight[i] as number;
      classRows[label === 1 ? 1 : 0]++;
      r++;
    }
    offset += part.n;
  });
  let totalWeight = 0;
  for (let i = 0; i < rows; i++) totalWeight += weight[i] as number;
  return { rows, starts, index: index.subarray(0, at), value: value.subarray(0, at), y, weight, totalWeight, classRows };
}

/** Largest sample reserved dense at once (384 MB of address space for index and value). */
const MAX_DENSE_ENTRIES = 1 << 25;

function grow(a: Int32Array, length: number): Int32Array {
  const out = new Int32Array(length);
  out.set(a);
  return out;
}

function growF(a: Float64Array, length: number): Float64Array {
  const out = new Float64Array(length);
  out.set(a);
  return out;
}
