import { z } from 'zod';
import { parseOptions, toLabelArray, checkScores } from '../validation.js';
import type { Labels } from '../validation.js';
import { binaryConfusion, countMetrics } from './confusion.js';
import type { BinaryConfusion } from './confusion.js';
import { buildTieGroups } from './tie-groups.js';
import type { TieGroups } from './tie-groups.js';
import { aurocFromGroups } from './auroc.js';
import { averagePrecisionFromGroups } from './average-precision.js';
import { binaryLogLoss } from './log-loss.js';
import { binaryBrier } from './brier.js';

export interface BinaryMetrics {
  accuracy: number;
  balanced_accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** null when undefined (a single class in yTrue), never 0.5 or NaN. */
  auroc: number | null;
  /** null when yTrue has no positive. */
  average_precision: number | null;
  log_loss: number;
  brier: number;
  confusion: BinaryConfusion;
  n: number;
  threshold: number;
}

export interface BinaryMetricsOptions {
  /** predicted = score >= threshold ? 1 : 0. Default 0.5. */
  threshold?: number;
  /** Value of precision/recall/F1 when their denominator is 0. Default 0 (scikit-learn's default). */
  zeroDivision?: 0 | 1;
}

export const binaryOptionsSchema = z
  .object({
    threshold: z.number().finite().optional(),
    zeroDivision: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .strict();

/** Internal: metrics from already validated arrays, reusing precomputed tie groups. */
export function binaryMetricsChecked(
  y: Int32Array,
  s: Float64Array,
  threshold: number,
  zeroDivision: 0 | 1,
  groups: TieGroups = buildTieGroups(y, s),
): BinaryMetrics {
  const confusion = binaryConfusion(y, s, threshold);
  const c = countMetrics(confusion, zeroDivision);
  return {
    ...c,
    auroc: aurocFromGroups(groups),
    average_precision: averagePrecisionFromGroups(groups),
    log_loss: binaryLogLoss(y, s),
    brier: binaryBrier(y, s),
    confusion,
    n: y.length,
    threshold,
  };
}

/**
 * All binary classification metrics for P(class 1) scores in [0, 1], matching scikit-learn.
 * The prediction rule is predicted = score >= threshold ? 1 : 0.
 */
export function binaryMetrics(yTrue: Labels, scores: Float64Array, options: BinaryMetricsOptions = {}): BinaryMetrics {
  const opts = parseOptions(binaryOptionsSchema, options, 'binaryMetrics');
  const y = toLabelArray(yTrue, 2);
  const s = checkScores(scores, y.length, 'scores', true);
  return binaryMetricsChecked(y, s, opts.threshold ?? 0.5, opts.zeroDivision ?? 0);
}

/** AUROC for any real-valued scores (not only probabilities); null for a single class. */
export function auroc(yTrue: Labels, scores: Float64Array): number | null {
  const y = toLabelArray(yTrue, 2);
  const s = checkScores(scores, y.length, 'scores', false);
  return aurocFromGroups(buildTieGroups(y, s));
}

/** Average precision (scikit-learn's average_precision_score) for any real-valued scores. */
export function averagePrecision(yTrue: Labels, scores: Float64Array): number | null {
  const y = toLabelArray(yTrue, 2);
  const s = checkScores(scores, y.length, 'scores', false);
  return averagePrecisionFromGroups(buildTieGroups(y, s));
}
