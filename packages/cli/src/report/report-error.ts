/** Stable code; callers branch on `code`, never on message text. */
export type ReportErrorCode = 'HOKUSAI_REPORT_INVALID';

export class ReportRenderError extends Error {
  readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string) {
    super(message);
    this.name = 'ReportRenderError';
    this.code = code;
  }
}
