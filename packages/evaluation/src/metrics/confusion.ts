/** Binary confusion counts for the positive class 1. */
export interface BinaryConfusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * The one prediction rule of the pipeline: predicted = score >= threshold ? 1 : 0.
 * The zero-knowledge circuit proves the same counts from the same 0/1 predictions,
 * so this rule must not change without changing the circuit.
 */
export function predictLabel(score: number, threshold: number): 0 | 1 {
  return score >= threshold ? 1 : 0;
}

export function binaryConfusion(y: Int32Array, s: Float64Array, threshold: number): BinaryConfusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const pred = (s[i] as number) >= threshold;
    if (y[i] === 1) {
      if (pred) tp++;
      else fn++;
    } else if (pred) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** Threshold metrics from counts; shared by the point estimate and the bootstrap. */
export interface CountMetrics {
  accuracy: number;
  balanced_accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * scikit-learn definitions: precision tp/(tp+fp), recall tp/(tp+fn), F1 2tp/(2tp+fp+fn);
 * a zero denominator yields `zeroDivision`. Balanced accuracy averages the recall of the
 * classes present in yTrue (a class with no true rows is left out, as scikit-learn does).
 */
export function countMetrics(c: BinaryConfusion, zeroDivision: 0 | 1): CountMetrics {
  const n = c.tp + c.fp + c.tn + c.fn;
  const pPos = c.tp + c.fn;
  const pNeg = c.tn + c.fp;
  const precision = c.tp + c.fp === 0 ? zeroDivision : c.tp / (c.tp + c.fp);
  const recall = pPos === 0 ? zeroDivision : c.tp / pPos;
  const f1Den = 2 * c.tp + c.fp + c.fn;
  const f1 = f1Den === 0 ? zeroDivision : (2 * c.tp) / f1Den;
  let balanced: number;
  if (pPos > 0 && pNeg > 0) balanced = (c.tp / pPos + c.tn / pNeg) / 2;
  else if (pPos > 0) balanced = c.tp / pPos;
  else balanced = c.tn / pNeg;
  return { accuracy: (c.tp + c.tn) / n, balanced_accuracy: balanced, precision, recall, f1 };
}
