/**
 * The binary logistic objective's work on one block of rows, shared by the thread that fits and
 * the helper thread that sums half of the rows for it (objective-worker.ts). Both run these same
 * functions, so every term and every sum has the same bits wherever it is computed.
 */

// Rows are processed in blocks so a block's logits and residuals stay in cache while every
// feature column streams through once per evaluation.
export const BLOCK = 4096;

/** The columns with a non-zero weight, in column order: a zero weight adds nothing to a logit. */
export function liveColumns(columns: Float32Array[], p: Float64Array, d: number): { live: Float32Array[]; liveW: number[] } {
  const live: Float32Array[] = [];
  const liveW: number[] = [];
  for (let j = 0; j < d; j++) {
    const wj = p[j] as number;
    if (wj === 0) continue;
    live.push(columns[j] as Float32Array);
    liveW.push(wj);
  }
  return { live, liveW };
}

/**
 * zb[0, len) = bias + sum over the live columns of col[start + i] * w, added in column order.
 * Four columns per pass over the block (one load and store of each logit per four columns);
 * the additions are those of one column per pass, in the same order.
 */
export function addLogits(zb: Float64Array, live: Float32Array[], liveW: number[], bias: number, start: number, len: number): void {
  const m = live.length;
  const m4 = m - (m % 4);
  const end = start + len;
  if (m4 === 0) zb.fill(bias, 0, len);
  for (let j = 0; j < m4; j += 4) {
    const c0 = live[j] as Float32Array;
    const c1 = live[j + 1] as Float32Array;
    const c2 = live[j + 2] as Float32Array;
    const c3 = live[j + 3] as Float32Array;
    const w0 = liveW[j] as number;
    const w1 = liveW[j + 1] as number;
    const w2 = liveW[j + 2] as number;
    const w3 = liveW[j + 3] as number;
    if (j === 0) {
      for (let i = start, b = 0; i < end; i++, b++) zb[b] = bias + (c0[i] as number) * w0 + (c1[i] as number) * w1 + (c2[i] as number) * w2 + (c3[i] as number) * w3;
    } else {
      for (let i = start, b = 0; i < end; i++, b++) zb[b] = (zb[b] as number) + (c0[i] as number) * w0 + (c1[i] as number) * w1 + (c2[i] as number) * w2 + (c3[i] as number) * w3;
    }
  }
  for (let j = m4; j < m; j++) {
    const c0 = live[j] as Float32Array;
    const w0 = liveW[j] as number;
    for (let i = start, b = 0; i < end; i++, b++) zb[b] = (zb[b] as number) + (c0[i] as number) * w0;
  }
}

/**
 * Replaces each logit zb[i] of the block with its residual w * (sigmoid(z) - y) and writes the
 * row's loss term w * log-loss to terms[at + i] and its residual to resid[at + i]; the block's
 * labels and weights are y[row + i] and sampleWeight[row + i].
 */
export function blockTerms(zb: Float64Array, y: Int32Array, sampleWeight: Float64Array, row: number, len: number, terms: Float64Array, resid: Float64Array, at: number): void {
  for (let i = 0; i < len; i++) {
    const zi = zb[i] as number;
    const w = sampleWeight[row + i] as number;
    const yi = y[row + i] as number;
    const e = Math.exp(-Math.abs(zi));
    // log(1 + e^z) and the sigmoid, both without overflow for large |z|.
    terms[at + i] = w * ((zi > 0 ? zi : 0) + Math.log1p(e) - yi * zi);
    const pr = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
    const r = w * (pr - yi);
    zb[i] = r;
    resid[at + i] = r;
  }
}

/**
 * sums[at + j] = the block's sum of residual * col[j][start + i], in row order, for every column
 * (four columns per pass over the residuals, each sum its own running total).
 */
export function blockGradient(sums: Float64Array, at: number, zb: Float64Array, columns: Float32Array[], d: number, start: number, len: number): void {
  const d4 = d - (d % 4);
  const end = start + len;
  for (let j = 0; j < d4; j += 4) {
    const c0 = columns[j] as Float32Array;
    const c1 = columns[j + 1] as Float32Array;
    const c2 = columns[j + 2] as Float32Array;
    const c3 = columns[j + 3] as Float32Array;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = start, b = 0; i < end; i++, b++) {
      const r = zb[b] as number;
      s0 += r * (c0[i] as number);
      s1 += r * (c1[i] as number);
      s2 += r * (c2[i] as number);
      s3 += r * (c3[i] as number);
    }
    sums[at + j] = s0;
    sums[at + j + 1] = s1;
    sums[at + j + 2] = s2;
    sums[at + j + 3] = s3;
  }
  for (let j = d4; j < d; j++) {
    const c0 = columns[j] as Float32Array;
    let s = 0;
    for (let i = start, b = 0; i < end; i++, b++) s += (zb[b] as number) * (c0[i] as number);
    sums[at + j] = s;
  }
}

/**
 * Rows [from, to) (from a multiple of BLOCK) block by block: terms, residuals and per-block
 * gradient sums written out (block b of the range at sums[b * d]), for the fitting thread to add
 * in row order. `y` and `sampleWeight` hold the range's rows only; `zb` holds BLOCK values.
 */
export function rangeTerms(columns: Float32Array[], y: Int32Array, sampleWeight: Float64Array, p: Float64Array, d: number, from: number, to: number, zb: Float64Array, out: { terms: Float64Array; resid: Float64Array; sums: Float64Array }): void {
  const { live, liveW } = liveColumns(columns, p, d);
  const bias = p[d] as number;
  for (let start = from, b = 0; start < to; start += BLOCK, b++) {
    const len = Math.min(BLOCK, to - start);
    addLogits(zb, live, liveW, bias, start, len);
    blockTerms(zb, y, sampleWeight, start - from, len, out.terms, out.resid, start - from);
    blockGradient(out.sums, b * d, zb, columns, d, start, len);
  }
}
