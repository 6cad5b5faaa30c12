import { HokusaiError, type ErrorKind } from '@hokusai/core';

/**
 * Every code this package raises, with its kind (see @hokusai/core). Callers branch on `code`
 * rather than on message text; retries and exit codes read the kind.
 */
export const ATTESTATION_ERROR_KINDS = {
  HOKUSAI_CANONICAL_JSON: 'input',
  HOKUSAI_INVALID_INPUT: 'input',
  HOKUSAI_MERKLE: 'input',
  // A ptau or circuit file that is missing, truncated or too small for the benchmark.
  HOKUSAI_ZK_SETUP: 'input',
  // The prover disagreeing with the JavaScript counts, or a proof that does not verify, is our fault.
  HOKUSAI_ZK_PROOF: 'internal',
  HOKUSAI_ZK_OUTPUT: 'input',
  // A folder that is not writable or a full disk.
  HOKUSAI_IO: 'input',
  // A model or benchmark the inference circuit cannot hold (family, width, logit range).
  HOKUSAI_INFERENCE_UNSUPPORTED: 'input',
  HOKUSAI_QUANTIZATION: 'input',
} as const satisfies Record<string, ErrorKind>;
export type AttestationErrorCode = keyof typeof ATTESTATION_ERROR_KINDS;

export class AttestationError extends HokusaiError<AttestationErrorCode> {
  constructor(code: AttestationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { kind: ATTESTATION_ERROR_KINDS[code], ...(options?.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'AttestationError';
  }
}
