import { HokusaiError, type ErrorKind } from '@hokusai/core';

/** Every code the command layer raises itself, with its kind (see @hokusai/core). */
export const CLI_ERROR_KINDS = {
  HOKUSAI_USAGE: 'input',
  HOKUSAI_OUTPUT_IS_INPUT: 'input',
  HOKUSAI_CONFIG_NOT_FOUND: 'input',
  HOKUSAI_CONTRIBUTOR_INVALID: 'input',
  HOKUSAI_CONTRIBUTOR_CHECKSUM: 'input',
  HOKUSAI_REPORT_NOT_FOUND: 'input',
} as const satisfies Record<string, ErrorKind>;
export type CliErrorCode = keyof typeof CLI_ERROR_KINDS;

export class CliError extends HokusaiError<CliErrorCode> {
  constructor(code: CliErrorCode, message: string) {
    super(code, message, { kind: CLI_ERROR_KINDS[code] });
    this.name = 'CliError';
  }
}
