import type { ErrorKind } from './error-kind.js';
import { HokusaiError, type ErrorLocation } from './hokusai-error.js';

/** Every code this package raises, with its kind (the one table the docs and tests read). */
export const CORE_ERROR_KINDS = {
  HOKUSAI_PII_KEY_TOO_SHORT: 'input',
} as const satisfies Record<string, ErrorKind>;
export type CoreErrorCode = keyof typeof CORE_ERROR_KINDS;

export class CoreError extends HokusaiError<CoreErrorCode> {
  constructor(code: CoreErrorCode, message: string, location: ErrorLocation = {}) {
    super(code, message, { ...location, kind: CORE_ERROR_KINDS[code] });
    this.name = 'CoreError';
  }
}
