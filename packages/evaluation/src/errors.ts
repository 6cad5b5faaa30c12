/** Stable error codes; callers branch on `code`, never on message text. */
export type EvaluationErrorCode =
  | 'HOKUSAI_EVAL_EMPTY_INPUT'
  | 'HOKUSAI_EVAL_LENGTH_MISMATCH'
  | 'HOKUSAI_EVAL_INVALID_LABEL'
  | 'HOKUSAI_EVAL_NAN_SCORE'
  | 'HOKUSAI_EVAL_SCORE_OUT_OF_RANGE'
  | 'HOKUSAI_EVAL_PROBABILITIES_NOT_NORMALIZED'
  | 'HOKUSAI_EVAL_UNKNOWN_METRIC'
  | 'HOKUSAI_EVAL_DUPLICATE_METRIC'
  | 'HOKUSAI_EVAL_INVALID_OPTION'
  | 'HOKUSAI_EVAL_METRIC_FAILED'
  | 'HOKUSAI_BENCHMARK_HASH_MISMATCH'
  | 'HOKUSAI_BENCHMARK_NOT_FOUND'
  | 'HOKUSAI_BENCHMARK_ALREADY_REGISTERED'
  | 'HOKUSAI_BENCHMARK_STORE_CORRUPT'
  | 'HOKUSAI_EVAL_NO_CONTRIBUTIONS';

export class EvaluationError extends Error {
  readonly code: EvaluationErrorCode;

  constructor(code: EvaluationErrorCode, message: string) {
    super(message);
    this.name = 'EvaluationError';
    this.code = code;
  }
}
