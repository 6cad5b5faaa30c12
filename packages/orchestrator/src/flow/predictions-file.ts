import type { PredictionBits } from '@hokusai/attestation';
import { OrchestratorError } from '../errors.js';

/**
 * predictions.json: the benchmark labels and both models' positive-class probabilities, row by
 * row. The verifier recomputes every metric, the delta and the proof's commitments from it.
 */
export interface PredictionsFile {
  format: 'hokusai.predictions/v1';
  n: number;
  positive_class: string | number | boolean;
  /** A row counts as predicted positive when its score is >= this threshold. */
  threshold: number;
  labels: number[];
  baseline_scores: number[];
  new_scores: number[];
  /** Per-row values of the benchmark columns the report breaks results down by. */
  strata: Record<string, (string | null)[]>;
}

export function encodePredictions(input: {
  labels: Int32Array;
  baselineScores: Float64Array;
  newScores: Float64Array;
  positiveClass: string | number | boolean;
  threshold: number;
  strata: Record<string, (string | null)[]>;
}): Uint8Array {
  const file: PredictionsFile = {
    format: 'hokusai.predictions/v1',
    n: input.labels.length,
    positive_class: input.positiveClass,
    threshold: input.threshold,
    labels: Array.from(input.labels),
    baseline_scores: Array.from(input.baselineScores),
    new_scores: Array.from(input.newScores),
    strata: input.strata,
  };
  return new TextEncoder().encode(`${JSON.stringify(file)}\n`);
}

export function decodePredictions(bytes: Uint8Array, fileName: string): {
  file: PredictionsFile;
  labels: Int32Array;
  baselineScores: Float64Array;
  newScores: Float64Array;
} {
  let file: PredictionsFile;
  try {
    file = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as PredictionsFile;
  } catch (error) {
    throw new OrchestratorError('HOKUSAI_PREDICTIONS_INVALID', `${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const ok =
    file?.format === 'hokusai.predictions/v1' &&
    Array.isArray(file.labels) &&
    Array.isArray(file.baseline_scores) &&
    Array.isArray(file.new_scores) &&
    file.labels.length === file.n &&
    file.baseline_scores.length === file.n &&
    file.new_scores.length === file.n &&
    file.labels.every((v) => v === 0 || v === 1) &&
    [...file.baseline_scores, ...file.new_scores].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    typeof file.strata === 'object' &&
    file.strata !== null &&
    Object.values(file.strata).every((values) => Array.isArray(values) && values.length === file.n);
  if (!ok) {
    throw new OrchestratorError('HOKUSAI_PREDICTIONS_INVALID', `${fileName} does not hold n labels (0/1) and n finite scores per model.`);
  }
  return {
    file,
    labels: Int32Array.from(file.labels),
    baselineScores: Float64Array.from(file.baseline_scores),
    newScores: Float64Array.from(file.new_scores),
  };
}

/** What the attestation commits to: the labels and both models' 0/1 predictions at `threshold`. */
export function predictionBitsOf(e: { labels: ArrayLike<number>; baselineScores: Float64Array; newScores: Float64Array }, threshold: number): PredictionBits {
  return { labels: Uint8Array.from(e.labels), baseline: predictedBits(e.baselineScores, threshold), new: predictedBits(e.newScores, threshold) };
}

/** The 0/1 predictions the proof commits to, by the same rule the metrics use. */
export function predictedBits(scores: Float64Array, threshold: number): Uint8Array {
  const bits = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) bits[i] = (scores[i] as number) >= threshold ? 1 : 0;
  return bits;
}
