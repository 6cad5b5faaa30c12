import { TrainingError } from '../errors.js';

export type SearchMetric = 'log_loss' | 'accuracy' | 'auroc';

/** The selection metric on validation rows; `score` is oriented so higher is always better. */
export function validationScore(metric: SearchMetric, proba: Float64Array, labels: Int32Array, k: number): { value: number; score: number } {
  const n = labels.length;
  if (metric === 'log_loss') {
    let s = 0;
    for (let i = 0; i < n; i++) s -= Math.log(Math.max(proba[i * k + (labels[i] as number)] as number, 1e-15));
    const value = s / n;
    return { value, score: -value };
  }
  if (metric === 'accuracy') {
    let right = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if ((proba[i * k + c] as number) > (proba[i * k + best] as number)) best = c;
      if (best === labels[i]) right++;
    }
    return { value: right / n, score: right / n };
  }
  if (k !== 2) throw new TrainingError('HOKUSAI_SEARCH_INVALID', 'The auroc search metric needs a binary target; use log_loss or accuracy.');
  // Mann-Whitney U with midranks for ties.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (proba[a * 2 + 1] as number) - (proba[b * 2 + 1] as number) || a - b);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    const v = proba[(order[i] as number) * 2 + 1] as number;
    while (j < n && (proba[(order[j] as number) * 2 + 1] as number) === v) j++;
    const mid = (i + j + 1) / 2;
    for (let t = i; t < j; t++) if (labels[order[t] as number] === 1) rankSum += mid;
    i = j;
  }
  for (let i = 0; i < n; i++) pos += labels[i] as number;
  const neg = n - pos;
  const value = pos === 0 || neg === 0 ? 0.5 : (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
  return { value, score: value };
}
