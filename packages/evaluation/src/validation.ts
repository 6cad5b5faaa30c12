import { z } from 'zod';
import { EvaluationError } from './errors.js';

/** 0/1 for binary tasks; 0..k-1 for multiclass. */
export type Labels = Int32Array | Uint8Array | readonly number[];

const labelsSchema = z.union([
  z.instanceof(Int32Array),
  z.instanceof(Uint8Array),
  z.array(z.number()).readonly(),
]);
const scoresSchema = z.instanceof(Float64Array);

/**
 * Copies labels into an Int32Array after checking each is an integer in [0, classes).
 * The copy also protects the caller's array from later mutation during long runs.
 */
export function toLabelArray(yTrue: unknown, classes: number, what = 'yTrue'): Int32Array {
  const parsed = labelsSchema.safeParse(yTrue);
  if (!parsed.success) {
    throw new EvaluationError(
      'HOKUSAI_EVAL_INVALID_LABEL',
      `${what} must be an Int32Array, Uint8Array or array of integers; got ${describe(yTrue)}. Convert labels to 0/1 (binary) or 0..k-1 (multiclass).`,
    );
  }
  const src = parsed.data;
  const n = src.length;
  if (n === 0) {
    throw new EvaluationError('HOKUSAI_EVAL_EMPTY_INPUT', `${what} is empty: at least one benchmark row is needed to compute a metric.`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = src[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      const allowed = classes === 2 ? '0 or 1' : `an integer in 0..${classes - 1}`;
      throw new EvaluationError('HOKUSAI_EVAL_INVALID_LABEL', `${what}[${i}] is ${String(v)}; every label must be ${allowed}. Re-encode the target column before evaluating.`);
    }
    out[i] = v;
  }
  return out;
}

/** Checks a score vector: Float64Array, expected length, no NaN, and optionally inside [0, 1]. */
export function checkScores(scores: unknown, n: number, what: string, probabilities: boolean): Float64Array {
  const parsed = scoresSchema.safeParse(scores);
  if (!parsed.success) {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `${what} must be a Float64Array; got ${describe(scores)}. Wrap the scores with Float64Array.from(...).`);
  }
  const s = parsed.data;
  if (s.length === 0) {
    throw new EvaluationError('HOKUSAI_EVAL_EMPTY_INPUT', `${what} is empty: at least one benchmark row is needed to compute a metric.`);
  }
  if (s.length !== n) {
    throw new EvaluationError('HOKUSAI_EVAL_LENGTH_MISMATCH', `${what} has ${s.length} values but there are ${n} labels; both must describe the same benchmark rows in the same order.`);
  }
  for (let i = 0; i < n; i++) {
    const v = s[i] as number;
    if (Number.isNaN(v)) {
      throw new EvaluationError('HOKUSAI_EVAL_NAN_SCORE', `${what}[${i}] is NaN; the model produced no score for benchmark row ${i}. Fix the model output or drop the row from the benchmark.`);
    }
    if (probabilities && !(v >= 0 && v <= 1)) {
      throw new EvaluationError('HOKUSAI_EVAL_SCORE_OUT_OF_RANGE', `${what}[${i}] is ${v}, outside [0, 1]; probability metrics need calibrated probabilities. Apply a sigmoid/softmax to raw model outputs.`);
    }
  }
  return s;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Parses an options object with zod and turns failures into a typed error naming the field. */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `${where}: option ${path} is invalid: ${issue?.message ?? 'unknown problem'}. Check the value against the documented option types.`);
  }
  return r.data;
}
