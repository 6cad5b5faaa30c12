/** Stable error codes, so callers can branch on `code` rather than on message text. */
export type AttestationErrorCode =
  | 'HOKUSAI_CANONICAL_JSON'
  | 'HOKUSAI_INVALID_INPUT'
  | 'HOKUSAI_MERKLE'
  | 'HOKUSAI_ZK_SETUP'
  | 'HOKUSAI_ZK_PROOF'
  | 'HOKUSAI_ZK_OUTPUT'
  | 'HOKUSAI_IO'
  | 'HOKUSAI_INFERENCE_UNSUPPORTED'
  | 'HOKUSAI_QUANTIZATION';

export class AttestationError extends Error {
  readonly code: AttestationErrorCode;

  constructor(code: AttestationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AttestationError';
    this.code = code;
  }
}
