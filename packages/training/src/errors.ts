/** Every failure this package reports carries a stable code the pipeline and its users can branch on. */
export type TrainingErrorCode =
  | 'HOKUSAI_INVALID_OPTIONS'
  | 'HOKUSAI_TARGET_MISSING'
  | 'HOKUSAI_TARGET_NULL'
  | 'HOKUSAI_SINGLE_CLASS'
  | 'HOKUSAI_LABEL_UNSEEN'
  | 'HOKUSAI_LABEL_TYPE_MISMATCH'
  | 'HOKUSAI_FEATURE_MISSING'
  | 'HOKUSAI_FEATURE_TYPE_UNSUPPORTED'
  | 'HOKUSAI_FEATURE_ALL_MISSING'
  | 'HOKUSAI_FEATURE_NAN'
  | 'HOKUSAI_NO_FEATURES'
  | 'HOKUSAI_TOO_FEW_ROWS'
  | 'HOKUSAI_UNKNOWN_FAMILY'
  | 'HOKUSAI_FAMILY_EXISTS'
  | 'HOKUSAI_TRAINING_DIVERGED'
  | 'HOKUSAI_MODEL_INPUT_MISMATCH'
  | 'HOKUSAI_MODEL_INVALID'
  | 'HOKUSAI_MODEL_OUTPUT_INVALID'
  | 'HOKUSAI_CHECKPOINT_INVALID'
  | 'HOKUSAI_SEARCH_INVALID'
  | 'HOKUSAI_BACKEND_UNAVAILABLE';

export class TrainingError extends Error {
  readonly code: TrainingErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: TrainingErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TrainingError';
    this.code = code;
    this.details = details;
  }
}
