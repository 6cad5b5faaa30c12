/** Stable codes of errors the command layer raises itself; callers branch on `code`, never on text. */
export type CliErrorCode = 'HOKUSAI_USAGE' | 'HOKUSAI_OUTPUT_EXISTS' | 'HOKUSAI_OUTPUT_IS_INPUT' | 'HOKUSAI_CONFIG_INVALID' | 'HOKUSAI_UNKNOWN_FAMILY' | 'HOKUSAI_REPORT_NOT_FOUND';

export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}
