import { HokusaiError, type ErrorKind } from '@hokusai/core';

/**
 * Every code this package raises, with its kind (see @hokusai/core). Callers branch on `code`,
 * never on message text; retries and exit codes read the kind.
 */
export const EVALUATION_ERROR_KINDS = {
  HOKUSAI_EVAL_EMPTY_INPUT: 'input',
  HOKUSAI_EVAL_LENGTH_MISMATCH: 'input',
  HOKUSAI_EVAL_INVALID_LABEL: 'input',
  HOKUSAI_EVAL_NAN_SCORE: 'input',
  HOKUSAI_EVAL_SCORE_OUT_OF_RANGE: 'input',
  HOKUSAI_EVAL_PROBABILITIES_NOT_NORMALIZED: 'input',
  HOKUSAI_EVAL_UNKNOWN_METRIC: 'input',
  HOKUSAI_EVAL_DUPLICATE_METRIC: 'input',
  HOKUSAI_EVAL_INVALID_OPTION: 'input',
  // A registered custom metric threw or returned a non-number: the metric's code, not the data.
  HOKUSAI_EVAL_METRIC_FAILED: 'input',
  HOKUSAI_BENCHMARK_HASH_MISMATCH: 'input',
  HOKUSAI_BENCHMARK_NOT_FOUND: 'input',
  HOKUSAI_BENCHMARK_ALREADY_REGISTERED: 'input',
  HOKUSAI_BENCHMARK_STORE_CORRUPT: 'input',
  HOKUSAI_EVAL_NO_CONTRIBUTIONS: 'input',
} as const satisfies Record<string, ErrorKind>;
export type EvaluationErrorCode = keyof typeof EVALUATION_ERROR_KINDS;

export class EvaluationError extends HokusaiError<EvaluationErrorCode> {
  constructor(code: EvaluationErrorCode, message: string) {
    super(code, message, { kind: EVALUATION_ERROR_KINDS[code] });
    this.name = 'EvaluationError';
  }
}
