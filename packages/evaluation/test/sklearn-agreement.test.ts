import { describe, expect, it } from 'vitest';
import { binaryMetrics, calibrationCurve, multiclassMetrics, prCurve, rocCurve } from '../src/index.js';
import { close, closeArray, fixtures } from './fixtures.js';

describe('binary metrics agree with scikit-learn to 1e-9', () => {
  for (const f of fixtures.binary) {
    it(f.name, () => {
      const s = Float64Array.from(f.scores);
      const e = f.expected;
      for (const zd of [0, 1] as const) {
        const m = binaryMetrics(f.y, s, { zeroDivision: zd });
        expect(close(m.accuracy, e.accuracy), 'accuracy').toBe(true);
        expect(close(m.balanced_accuracy, e.balanced_accuracy), 'balanced_accuracy').toBe(true);
        expect(close(m.precision, e[`precision_zd${zd}`]), `precision zd=${zd}`).toBe(true);
        expect(close(m.recall, e[`recall_zd${zd}`]), `recall zd=${zd}`).toBe(true);
        expect(close(m.f1, e[`f1_zd${zd}`]), `f1 zd=${zd}`).toBe(true);
        expect(close(m.auroc, e.auroc), `auroc ${m.auroc} vs ${String(e.auroc)}`).toBe(true);
        expect(close(m.average_precision, e.average_precision), `ap ${m.average_precision} vs ${String(e.average_precision)}`).toBe(true);
        expect(close(m.log_loss, e.log_loss), `log_loss ${m.log_loss} vs ${String(e.log_loss)}`).toBe(true);
        expect(close(m.brier, e.brier), 'brier').toBe(true);
        const [[tn, fp], [fn, tp]] = e.confusion as [[number, number], [number, number]];
        expect(m.confusion).toEqual({ tp, fp, tn, fn });
      }
      for (const drop of [true, false]) {
        const roc = rocCurve(f.y, s, { dropIntermediate: drop });
        const er = e[`roc_drop_${drop ? "True" : "False"}`] as { fpr: number[]; tpr: number[]; thresholds: (number | null)[] } | undefined;
        if (!er) {
          expect(roc).toBeNull();
        } else {
          expect(roc).not.toBeNull();
          expect(closeArray(roc?.fpr ?? [], er.fpr), `roc fpr drop=${drop}`).toBe(true);
          expect(closeArray(roc?.tpr ?? [], er.tpr), 'roc tpr').toBe(true);
          expect(closeArray(roc?.thresholds ?? [], er.thresholds), 'roc thresholds').toBe(true);
        }
        const pr = prCurve(f.y, s, { dropIntermediate: drop });
        const ep = e[`pr_drop_${drop ? "True" : "False"}`] as { precision: number[]; recall: number[]; thresholds: (number | null)[] } | undefined;
        if (!ep) {
          expect(pr).toBeNull();
        } else {
          expect(closeArray(pr?.precision ?? [], ep.precision), `pr precision drop=${drop}`).toBe(true);
          expect(closeArray(pr?.recall ?? [], ep.recall), 'pr recall').toBe(true);
          expect(closeArray(pr?.thresholds ?? [], ep.thresholds), 'pr thresholds').toBe(true);
        }
      }
      for (const [strategy, bins] of [['uniform', 10], ['quantile', 5]] as const) {
        const cal = calibrationCurve(f.y, s, { bins, strategy });
        const ec = e[`calibration_${strategy}_${bins}`] as { fraction_positive: number[]; mean_predicted: number[] };
        expect(closeArray(cal.map((b) => b.fraction_positive), ec.fraction_positive), `calibration ${strategy}`).toBe(true);
        expect(closeArray(cal.map((b) => b.mean_predicted), ec.mean_predicted), `calibration ${strategy} mean`).toBe(true);
        expect(cal.reduce((a, b) => a + b.count, 0)).toBe(f.y.length);
      }
    });
  }
});

describe('multiclass metrics agree with scikit-learn to 1e-9', () => {
  for (const f of fixtures.multiclass) {
    it(f.name, () => {
      const m = multiclassMetrics(f.y, Float64Array.from(f.probabilities), f.classes);
      const e = f.expected;
      expect(close(m.accuracy, e.accuracy)).toBe(true);
      expect(close(m.balanced_accuracy, e.balanced_accuracy), 'balanced').toBe(true);
      expect(m.confusion_matrix).toEqual(e.confusion_matrix);
      expect(close(m.log_loss, e.log_loss), 'log_loss').toBe(true);
      expect(close(m.brier, e.brier), `brier ${m.brier} vs ${String(e.brier)}`).toBe(true);
      for (const avg of ['macro', 'weighted'] as const) {
        expect(close(m.precision[avg], e[`precision_${avg}`]), `precision ${avg}`).toBe(true);
        expect(close(m.recall[avg], e[`recall_${avg}`]), `recall ${avg}`).toBe(true);
        expect(close(m.f1[avg], e[`f1_${avg}`]), `f1 ${avg}`).toBe(true);
      }
      const m1 = multiclassMetrics(f.y, Float64Array.from(f.probabilities), f.classes, { zeroDivision: 1 });
      for (const avg of ['macro', 'weighted'] as const) {
        expect(close(m1.precision[avg], e[`precision_${avg}_zd1`]), `precision ${avg} zd=1`).toBe(true);
        expect(close(m1.f1[avg], e[`f1_${avg}_zd1`]), `f1 ${avg} zd=1`).toBe(true);
      }
      expect(close(m.auroc_ovr.macro, e.auroc_ovr_macro), 'auroc ovr macro').toBe(true);
      expect(close(m.auroc_ovr.weighted, e.auroc_ovr_weighted), 'auroc ovr weighted').toBe(true);
      const pc = e.per_class as Record<string, number[]>;
      expect(closeArray(m.per_class.map((c) => c.precision), pc.precision as number[])).toBe(true);
      expect(closeArray(m.per_class.map((c) => c.recall), pc.recall as number[])).toBe(true);
      expect(closeArray(m.per_class.map((c) => c.f1), pc.f1 as number[])).toBe(true);
      expect(m.per_class.map((c) => c.support)).toEqual(pc.support);
      expect(closeArray(m.per_class.map((c) => c.auroc), pc.auroc as number[])).toBe(true);
      expect(closeArray(m.per_class.map((c) => c.average_precision), pc.average_precision as number[])).toBe(true);
    });
  }
});
