import { HokusaiError, type ErrorKind } from '@hokusai/core';

/**
 * Every code this package raises, with its kind (see @hokusai/core): the pipeline and its users
 * branch on the code; retries and exit codes read the kind.
 */
export const TRAINING_ERROR_KINDS = {
  HOKUSAI_TRAINING_INVALID_OPTIONS: 'input',
  HOKUSAI_LABEL_NULL: 'input',
  HOKUSAI_SINGLE_CLASS: 'input',
  HOKUSAI_LABEL_UNSEEN: 'input',
  HOKUSAI_LABEL_TYPE_MISMATCH: 'input',
  HOKUSAI_FEATURE_MISSING: 'input',
  HOKUSAI_FEATURE_TYPE_UNSUPPORTED: 'input',
  HOKUSAI_FEATURE_ALL_MISSING: 'input',
  HOKUSAI_FEATURE_NAN: 'input',
  HOKUSAI_NO_FEATURES: 'input',
  HOKUSAI_TOO_FEW_ROWS: 'input',
  HOKUSAI_UNKNOWN_FAMILY: 'input',
  HOKUSAI_FAMILY_EXISTS: 'input',
  // Diverging is a property of the data and the chosen learning rate: other params fix it.
  HOKUSAI_TRAINING_DIVERGED: 'input',
  HOKUSAI_MODEL_INPUT_MISMATCH: 'input',
  HOKUSAI_MODEL_INVALID: 'input',
  // A model this package trained or loaded answering with non-probabilities is a fault of ours.
  HOKUSAI_MODEL_OUTPUT_INVALID: 'internal',
  HOKUSAI_CHECKPOINT_INVALID: 'input',
  HOKUSAI_SEARCH_INVALID: 'input',
  // The TensorFlow.js backend asked for is not installed: the environment's, fixed by installing it.
  HOKUSAI_BACKEND_UNAVAILABLE: 'input',
  // Training by passes over batches covers the linear family only.
  HOKUSAI_STREAMING_FAMILY_UNSUPPORTED: 'input',
} as const satisfies Record<string, ErrorKind>;
export type TrainingErrorCode = keyof typeof TRAINING_ERROR_KINDS;

export class TrainingError extends HokusaiError<TrainingErrorCode> {
  declare readonly details: Readonly<Record<string, unknown>>;

  constructor(code: TrainingErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { kind: TRAINING_ERROR_KINDS[code], details });
    this.name = 'TrainingError';
  }

  /** Rebuilds a TrainingError from its JSON form (from a training or trial thread), else undefined. */
  static override fromJSON(json: unknown): TrainingError | undefined {
    const error = HokusaiError.fromJSON(json);
    if (error === undefined || !isTrainingErrorCode(error.code)) return undefined;
    return new TrainingError(error.code, error.message, { ...error.details });
  }
}

function isTrainingErrorCode(code: string): code is TrainingErrorCode {
  return Object.hasOwn(TRAINING_ERROR_KINDS, code);
}
