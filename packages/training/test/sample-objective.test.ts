import { describe, expect, it } from 'vitest';
import type { RowSample } from '../src/families/row-sample.js';
import { sampleObjective } from '../src/families/sample-objective.js';

/** The Hessian as the row-by-row pass sums it: each row's outer product scattered into the lower triangle. */
function rowByRowHessian(s: RowSample, x: Float64Array, D: number): Float64Array {
  const H = new Float64Array(D * D);
  for (let r = 0; r < s.rows; r++) {
    const from = s.starts[r] as number;
    const to = s.starts[r + 1] as number;
    let z = 0;
    for (let t = from; t < to; t++) z += (s.value[t] as number) * (x[s.index[t] as number] as number);
    const e = Math.exp(-Math.abs(z));
    const h = ((s.weight[r] as number) * e) / ((1 + e) * (1 + e));
    for (let a = from; a < to; a++) {
      const ha = h * (s.value[a] as number);
      for (let b = from; b <= a; b++) {
        const at = (s.index[a] as number) * D + (s.index[b] as number);
        H[at] = (H[at] as number) + ha * (s.value[b] as number);
      }
    }
  }
  return H;
}

/** A sample of `rows` rows over d features (float32 values, as features are, unless told), a share `zeros` of the cells left out (value 0), then the intercept. */
function sample(rows: number, d: number, zeros: number, seed: number, f32 = true): RowSample {
  let st = seed;
  const rnd = (): number => ((st = (Math.imul(st, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const starts = new Int32Array(rows + 1);
  const index: number[] = [];
  const value: number[] = [];
  const y = new Int32Array(rows);
  const weight = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) {
      if (rnd() < zeros) continue;
      index.push(j);
      const v = (rnd() - 0.5) * 6;
      value.push(f32 ? Math.fround(v) : v);
    }
    index.push(d);
    value.push(1);
    starts[r + 1] = index.length;
    y[r] = rnd() < 0.4 ? 1 : 0;
    weight[r] = rnd() < 0.2 ? 2.5 : 1;
  }
  let totalWeight = 0;
  for (const w of weight) totalWeight += w;
  return { rows, starts, index: Int32Array.from(index), value: Float64Array.from(value), y, weight, totalWeight, classRows: [0, 0] };
}

describe('the sample objective', () => {
  it('sums the Hessian by dense columns to the bits of the row-by-row pass, dense or sparse, with and without cells left out, float32 or not', () => {
    for (const [rows, d, zeros, f32] of [[3000, 20, 0, true], [3000, 20, 0.1, true], [501, 7, 0.3, true], [800, 3, 0, true], [400, 40, 0.9, true], [2000, 70, 0, true], [1000, 12, 0, false]] as const) {
      const s = sample(rows, d, zeros, rows + d, f32);
      const D = d + 1;
      const x = Float64Array.from({ length: D }, (_, j) => Math.sin(j + 1) / 3);
      const g = new Float64Array(D);
      const H = new Float64Array(D * D);
      const loss = sampleObjective(s, x, d, 0.01, g, H);
      const reference = rowByRowHessian(s, x, D);
      // sampleObjective scales by 1 / total weight, adds l2 on the diagonal and mirrors the triangle.
      const inv = 1 / s.totalWeight;
      for (let a = 0; a < D; a++) {
        for (let b = 0; b <= a; b++) {
          const want = (reference[a * D + b] as number) * inv + (a === b && a < d ? 0.01 : 0);
          expect({ a, b, v: H[a * D + b] }).toEqual({ a, b, v: want });
          expect(H[b * D + a]).toBe(want);
        }
      }
      // The loss and gradient do not depend on how the Hessian is summed.
      const g2 = new Float64Array(D);
      expect(sampleObjective(s, x, d, 0.01, g2, null)).toBe(loss);
      expect(g2).toEqual(g);
    }
  });
});
