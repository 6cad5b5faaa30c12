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
    // w * p * (1 - p) times the outer product of the row with itself, lower triangle only.
    const h = (w * e) / ((1 + e) * (1 + e));
    for (let a = from; a < to; a++) {
      const ha = h * (value[a] as number);
      const rowAt = (index[a] as number) * D;
      for (let b = from; b <= a; b++) {
        const at = rowAt + (index[b] as number);
        hessian[at] = (hessian[at] as number) + ha * (value[b] as number);
      }
    }
  }
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
