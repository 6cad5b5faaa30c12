import { describe, expect, it } from 'vitest';
import { prCurve, rocAndPrCurves, rocCurve } from '../src/index.js';

// The curves as first written (plain arrays of every point, then thinned): the reference the
// typed-array builders must match point for point.
function cumulativeRef(y: Int32Array, s: Float64Array): { fps: number[]; tps: number[]; thr: number[] } {
  const order = Array.from(s.keys()).sort((a, b) => (s[b] as number) - (s[a] as number));
  const fps: number[] = [];
  const tps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (y[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || s[next] !== s[i]) {
      tps.push(tp);
      fps.push(fp);
      thr.push(s[i] as number);
    }
  }
  return { fps, tps, thr };
}
function thin(len: number, maxPoints: number | undefined): number[] {
  const all = Array.from({ length: len }, (_, i) => i);
  if (maxPoints === undefined || len <= maxPoints) return all;
  const out: number[] = [];
  for (let i = 0; i < maxPoints; i++) {
    const idx = Math.round((i * (len - 1)) / (maxPoints - 1));
    if (out.length === 0 || out[out.length - 1] !== idx) out.push(idx);
  }
  return out;
}
function rocRef(y: Int32Array, s: Float64Array, drop: boolean, maxPoints?: number): unknown {
  let { fps, tps, thr } = cumulativeRef(y, s);
  const P = tps[tps.length - 1] as number;
  const N = fps[fps.length - 1] as number;
  if (P === 0 || N === 0) return null;
  if (drop && fps.length > 2) {
    const keep = [0];
    for (let i = 1; i < fps.length - 1; i++) if ((fps[i + 1] as number) - 2 * (fps[i] as number) + (fps[i - 1] as number) !== 0 || (tps[i + 1] as number) - 2 * (tps[i] as number) + (tps[i - 1] as number) !== 0) keep.push(i);
    keep.push(fps.length - 1);
    [fps, tps, thr] = [keep.map((i) => fps[i] as number), keep.map((i) => tps[i] as number), keep.map((i) => thr[i] as number)];
  }
  const fpr = [0, ...fps.map((v) => v / N)];
  const tpr = [0, ...tps.map((v) => v / P)];
  const th: (number | null)[] = [null, ...thr];
  const idx = thin(fpr.length, maxPoints);
  return { fpr: idx.map((i) => fpr[i]), tpr: idx.map((i) => tpr[i]), thresholds: idx.map((i) => th[i]) };
}
function prRef(y: Int32Array, s: Float64Array, drop: boolean, maxPoints?: number): unknown {
  let { fps, tps, thr } = cumulativeRef(y, s);
  const P = tps[tps.length - 1] as number;
  if (P === 0) return null;
  if (drop && fps.length > 2) {
    const keep = [0];
    for (let i = 1; i < tps.length - 1; i++) if (tps[i] !== tps[i - 1] || tps[i + 1] !== tps[i]) keep.push(i);
    keep.push(tps.length - 1);
    [fps, tps, thr] = [keep.map((i) => fps[i] as number), keep.map((i) => tps[i] as number), keep.map((i) => thr[i] as number)];
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const th: (number | null)[] = [];
  for (let i = tps.length - 1; i >= 0; i--) {
    const t = tps[i] as number;
    const ps = t + (fps[i] as number);
    precision.push(ps === 0 ? 0 : t / ps);
    recall.push(t / P);
    th.push(thr[i] as number);
  }
  precision.push(1);
  recall.push(0);
  th.push(null);
  const idx = thin(precision.length, maxPoints);
  return { precision: idx.map((i) => precision[i]), recall: idx.map((i) => recall[i]), thresholds: idx.map((i) => th[i]) };
}

describe('ROC and PR curves against their first, plain-array form', () => {
  it('agree point for point with ties, every option, and one-class labels', () => {
    let seed = 17;
    const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (const [n, levels] of [[1, 3], [2, 2], [50, 5], [400, 40], [3000, 1_000_000]] as const) {
      for (const oneClass of [false, true]) {
        const y = Int32Array.from({ length: n }, () => (oneClass ? 1 : rnd() < 0.4 ? 1 : 0));
        const s = Float64Array.from({ length: n }, () => Math.floor(rnd() * levels) / levels);
        for (const maxPoints of [undefined, 2, 7, 100]) {
          for (const drop of [false, true]) {
            const opts = { dropIntermediate: drop, ...(maxPoints === undefined ? {} : { maxPoints }) };
            expect(rocCurve(y, s, opts), `roc n=${n} drop=${drop} max=${maxPoints}`).toEqual(rocRef(y, s, drop, maxPoints));
            expect(prCurve(y, s, opts), `pr n=${n} drop=${drop} max=${maxPoints}`).toEqual(prRef(y, s, drop, maxPoints));
            // Both from one ordering, each with its own options.
            const both = rocAndPrCurves(y, s, { roc: opts, pr: { ...opts, dropIntermediate: !drop } });
            expect(both.roc, `both roc n=${n}`).toEqual(rocRef(y, s, drop, maxPoints));
            expect(both.pr, `both pr n=${n}`).toEqual(prRef(y, s, !drop, maxPoints));
          }
        }
      }
    }
  });
});
