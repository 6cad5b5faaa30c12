import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auroc, averagePrecision, predictLabel, binaryMetrics } from '../src/index.js';

function pairwiseAuroc(y: number[], s: number[]): number | null {
  let num = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      pairs++;
      const a = s[i] as number;
      const b = s[j] as number;
      num += a > b ? 1 : a === b ? 0.5 : 0;
    }
  }
  return pairs === 0 ? null : num / pairs;
}

/** AP from its definition: mean over positives of the precision at that positive's score. */
function definitionalAp(y: number[], s: number[]): number | null {
  const P = y.filter((v) => v === 1).length;
  if (P === 0) return null;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    let tp = 0;
    let all = 0;
    for (let j = 0; j < y.length; j++) {
      if ((s[j] as number) >= (s[i] as number)) {
        all++;
        if (y[j] === 1) tp++;
      }
    }
    sum += tp / all;
  }
  return sum / P;
}

const rows = fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 8 })), { minLength: 1, maxLength: 60 });

describe('ranking metrics against their definitions (random data with many ties)', () => {
  it('AUROC equals the pairwise Mann-Whitney probability, or null for one class', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const y = r.map(([a]) => a);
        const s = r.map(([, b]) => b / 8);
        const expected = pairwiseAuroc(y, s);
        const got = auroc(y, Float64Array.from(s));
        if (expected === null) expect(got).toBeNull();
        else expect(Math.abs((got as number) - expected)).toBeLessThan(1e-12);
      }),
    );
  });

  it('average precision equals the mean precision at each positive (ties share a threshold)', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const y = r.map(([a]) => a);
        const s = r.map(([, b]) => b / 8);
        const expected = definitionalAp(y, s);
        const got = averagePrecision(y, Float64Array.from(s));
        if (expected === null) expect(got).toBeNull();
        else expect(Math.abs((got as number) - expected)).toBeLessThan(1e-12);
      }),
    );
  });

  it('confusion counts follow predictLabel for any threshold', () => {
    fc.assert(
      fc.property(rows, fc.integer({ min: 0, max: 8 }), (r, t) => {
        const y = r.map(([a]) => a);
        const s = r.map(([, b]) => b / 8);
        const m = binaryMetrics(y, Float64Array.from(s), { threshold: t / 8 });
        let tp = 0;
        let fp = 0;
        y.forEach((v, i) => {
          if (predictLabel(s[i] as number, t / 8) === 1) {
            if (v === 1) tp++;
            else fp++;
          }
        });
        expect([m.confusion.tp, m.confusion.fp]).toEqual([tp, fp]);
      }),
    );
  });
});
