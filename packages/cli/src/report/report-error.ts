import { HokusaiError, type ErrorKind } from '@hokusai/core';

/** Every code the report renderer raises, with its kind (see @hokusai/core). */
export const REPORT_ERROR_KINDS = {
  // The renderer refuses a report.json that does not match its schema (a hand-edited file).
  HOKUSAI_REPORT_INVALID: 'input',
} as const satisfies Record<string, ErrorKind>;
export type ReportErrorCode = keyof typeof REPORT_ERROR_KINDS;

export class ReportRenderError extends HokusaiError<ReportErrorCode> {
  constructor(code: ReportErrorCode, message: string) {
    super(code, message, { kind: REPORT_ERROR_KINDS[code] });
    this.name = 'ReportRenderError';
  }
}
