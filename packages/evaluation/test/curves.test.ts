import { describe, expect, it } from 'vitest';
import { calibrationCurve, prCurve, rocCurve } from '../src/index.js';
import { syntheticBenchmark } from './data.js';

describe('curve thinning for plots', () => {
  const { y, base } = syntheticBenchmark(5000, 12, 0);

  it('thins ROC and PR curves to at most maxPoints, keeping both ends', () => {
    const full = rocCurve(y, base, { dropIntermediate: false });
    const thin = rocCurve(y, base, { dropIntermediate: false, maxPoints: 200 });
    expect(full && thin).toBeTruthy();
    expect((full?.fpr.length as number) > 200).toBe(true);
    expect(thin?.fpr.length).toBeLessThanOrEqual(200);
    expect(thin?.fpr[0]).toBe(0);
    expect(thin?.fpr.at(-1)).toBe(1);
    expect(thin?.tpr.at(-1)).toBe(1);
    expect(thin?.thresholds[0]).toBeNull();
    // Every thinned point lies on the full curve.
    const key = (a: number, b: number): string => `${a},${b}`;
    const onFull = new Set(full?.fpr.map((f, i) => key(f, full.tpr[i] as number)));
    thin?.fpr.forEach((f, i) => expect(onFull.has(key(f, thin.tpr[i] as number))).toBe(true));
    const pr = prCurve(y, base, { maxPoints: 150 });
    expect(pr?.precision.length).toBeLessThanOrEqual(150);
    expect(pr?.recall.at(-1)).toBe(0);
    expect(pr?.precision.at(-1)).toBe(1);
    expect(JSON.parse(JSON.stringify(pr))).toEqual(pr);
  });

  it('calibration bins count every row once and order by probability', () => {
    const bins = calibrationCurve(y, base, { bins: 10 });
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(5000);
    for (const b of bins) {
      expect(b.mean_predicted).toBeGreaterThanOrEqual(b.lower);
      expect(b.mean_predicted).toBeLessThanOrEqual(b.upper);
    }
  });
});
