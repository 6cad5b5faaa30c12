import { z } from 'zod';
import { EvaluationError } from '../errors.js';
import { parseOptions, toLabelArray } from '../validation.js';
import type { Labels } from '../validation.js';
import { buildTieGroups } from './tie-groups.js';
import { aurocFromGroups } from './auroc.js';
import { averagePrecisionFromGroups } from './average-precision.js';
import { multiclassLogLossTerm } from './log-loss.js';

export interface ClassMetrics {
  class: number;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true label is this class. */
  support: number;
  /** One-vs-rest; null when the class is absent from (or is all of) yTrue. */
  auroc: number | null;
  average_precision: number | null;
}

export interface AveragedMetric {
  macro: number;
  weighted: number;
}

export interface MulticlassMetrics {
  n: number;
  classes: number;
  accuracy: number;
  balanced_accuracy: number;
  precision: AveragedMetric;
  recall: AveragedMetric;
  f1: AveragedMetric;
  /** One-vs-rest AUROC averages; null when any class's AUROC is undefined (as scikit-learn refuses). */
  auroc_ovr: { macro: number | null; weighted: number | null };
  log_loss: number;
  /** scikit-learn's multiclass Brier: mean over rows of sum over classes (onehot - p)^2; halved for 2 classes. */
  brier: number;
  per_class: ClassMetrics[];
  /** rows = true class, columns = predicted class. */
  confusion_matrix: number[][];
}

const optionsSchema = z.object({ zeroDivision: z.union([z.literal(0), z.literal(1)]).optional() }).strict();

/** Row sums further than this from 1 mean the scores are not probabilities. */
const ROW_SUM_TOLERANCE = 1e-6;

/**
 * Multiclass metrics from an n x k row-major probability matrix, matching scikit-learn with
 * labels = 0..k-1. Prediction is the first arg-max (numpy's tie rule). Macro averages run
 * over all k classes; a class with no rows and no predictions gets `zeroDivision`.
 */
export function multiclassMetrics(
  yTrue: Labels,
  probabilities: Float64Array,
  classes: number,
  options: { zeroDivision?: 0 | 1 } = {},
): MulticlassMetrics {
  const opts = parseOptions(optionsSchema, options, 'multiclassMetrics');
  if (!Number.isInteger(classes) || classes < 2) {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `multiclassMetrics: classes must be an integer >= 2; got ${String(classes)}.`);
  }
  const zd = opts.zeroDivision ?? 0;
  const y = toLabelArray(yTrue, classes);
  const n = y.length;
  const k = classes;
  if (!(probabilities instanceof Float64Array)) {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', 'multiclassMetrics: probabilities must be a Float64Array of n x k values, row-major.');
  }
  if (probabilities.length !== n * k) {
    throw new EvaluationError('HOKUSAI_EVAL_LENGTH_MISMATCH', `multiclassMetrics: probabilities has ${probabilities.length} values; ${n} rows x ${k} classes = ${n * k} expected (row-major).`);
  }
  const cm = new Float64Array(k * k);
  let logLoss = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = -Infinity;
    let sum = 0;
    const t = y[i] as number;
    for (let c = 0; c < k; c++) {
      const p = probabilities[i * k + c] as number;
      if (Number.isNaN(p)) {
        throw new EvaluationError('HOKUSAI_EVAL_NAN_SCORE', `probabilities[row ${i}, class ${c}] is NaN; the model produced no score for benchmark row ${i}.`);
      }
      if (!(p >= 0 && p <= 1)) {
        throw new EvaluationError('HOKUSAI_EVAL_SCORE_OUT_OF_RANGE', `probabilities[row ${i}, class ${c}] is ${p}, outside [0, 1]; apply a softmax to raw model outputs.`);
      }
      sum += p;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
      const d = (c === t ? 1 : 0) - p;
      brier += d * d;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new EvaluationError('HOKUSAI_EVAL_PROBABILITIES_NOT_NORMALIZED', `probabilities of row ${i} sum to ${sum}, not 1; multiclass metrics need a probability per class (softmax output).`);
    }
    logLoss += multiclassLogLossTerm(probabilities[i * k + t] as number);
    cm[t * k + best] = (cm[t * k + best] as number) + 1;
  }

  const perClass: ClassMetrics[] = [];
  let correct = 0;
  let recallSum = 0;
  let presentClasses = 0;
  let allAurocDefined = true;
  let aurocMacro = 0;
  let aurocWeighted = 0;
  const macro = { precision: 0, recall: 0, f1: 0 };
  const weighted = { precision: 0, recall: 0, f1: 0 };
  const yc = new Int32Array(n);
  const sc = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += cm[c * k + j] as number;
      predicted += cm[j * k + c] as number;
    }
    const tp = cm[c * k + c] as number;
    correct += tp;
    const fp = predicted - tp;
    const fn = support - tp;
    const precision = predicted === 0 ? zd : tp / predicted;
    const recall = support === 0 ? zd : tp / support;
    const f1Den = 2 * tp + fp + fn;
    const f1 = f1Den === 0 ? zd : (2 * tp) / f1Den;
    if (support > 0) {
      recallSum += tp / support;
      presentClasses++;
    }
    for (let i = 0; i < n; i++) {
      yc[i] = y[i] === c ? 1 : 0;
      sc[i] = probabilities[i * k + c] as number;
    }
    const groups = buildTieGroups(yc, sc);
    const a = aurocFromGroups(groups);
    if (a === null) allAurocDefined = false;
    else {
      aurocMacro += a / k;
      aurocWeighted += (a * support) / n;
    }
    perClass.push({ class: c, precision, recall, f1, support, auroc: a, average_precision: averagePrecisionFromGroups(groups) });
    macro.precision += precision / k;
    macro.recall += recall / k;
    macro.f1 += f1 / k;
    weighted.precision += (precision * support) / n;
    weighted.recall += (recall * support) / n;
    weighted.f1 += (f1 * support) / n;
  }
  const matrix: number[][] = [];
  for (let r = 0; r < k; r++) matrix.push(Array.from(cm.subarray(r * k, (r + 1) * k)));
  return {
    n,
    classes: k,
    accuracy: correct / n,
    balanced_accuracy: recallSum / presentClasses,
    precision: { macro: macro.precision, weighted: weighted.precision },
    recall: { macro: macro.recall, weighted: weighted.recall },
    f1: { macro: macro.f1, weighted: weighted.f1 },
    auroc_ovr: allAurocDefined ? { macro: aurocMacro, weighted: aurocWeighted } : { macro: null, weighted: null },
    log_loss: logLoss / n,
    brier: (k === 2 ? brier / 2 : brier) / n,
    per_class: perClass,
    confusion_matrix: matrix,
  };
}
