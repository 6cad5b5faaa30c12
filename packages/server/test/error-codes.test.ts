import { describe, expect, it } from 'vitest';
import { HokusaiError } from '@hokusai/core';
import { DataIntegrationError } from '@hokusai/data-integration';
import { OrchestratorError } from '@hokusai/orchestrator';
import { SERVER_ERROR_KINDS, SERVER_ERROR_STATUS, ServerError, toProblem, type ServerErrorCode } from '../src/errors.js';

const codes = Object.keys(SERVER_ERROR_KINDS) as ServerErrorCode[];

/** The HTTP statuses that go with each kind: 4xx is the caller's to fix, 429/503 pass, 5xx is ours. */
function statusFitsKind(status: number, kind: string): boolean {
  if (kind === 'transient') return status === 429 || status === 503;
  if (kind === 'input') return status >= 400 && status < 500 && status !== 429;
  return status >= 500 && status !== 503;
}

describe('the server error codes', () => {
  it('each have one kind and one HTTP status in the table, and the status fits the kind', () => {
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) {
      expect(SERVER_ERROR_STATUS[code], code).toBeTypeOf('number');
      expect(statusFitsKind(SERVER_ERROR_STATUS[code], SERVER_ERROR_KINDS[code]), code).toBe(true);
    }
  });

  it('give a ServerError its kind and status from the code alone, and a problem document with both', () => {
    for (const code of codes) {
      const error = new ServerError(code, 'm');
      expect(HokusaiError.isInstance(error), code).toBe(true);
      expect(error.kind, code).toBe(SERVER_ERROR_KINDS[code]);
      expect(error.status, code).toBe(SERVER_ERROR_STATUS[code]);
      const { problem } = toProblem(error);
      expect(problem, code).toMatchObject({ code, kind: SERVER_ERROR_KINDS[code], status: SERVER_ERROR_STATUS[code] });
      // The kind survives the JSON form the CLI reads it back from.
      expect(HokusaiError.fromJSON(JSON.stringify(error))?.kind, code).toBe(SERVER_ERROR_KINDS[code]);
    }
  });

  it('answer a pipeline error by its kind: input 422 with where, transient 503, internal 500', () => {
    const input = toProblem(new DataIntegrationError('HOKUSAI_RAGGED_ROW', 'bad', { file: 'base.csv', row: 7 })).problem;
    expect(input).toMatchObject({ status: 422, code: 'HOKUSAI_RAGGED_ROW', kind: 'input', file: 'base.csv', row: 7 });
    const transient = toProblem(new OrchestratorError('HOKUSAI_REDIS_UNREACHABLE', 'redis at 10.0.0.5 is away')).problem;
    expect(transient).toMatchObject({ status: 503, code: 'HOKUSAI_REDIS_UNREACHABLE', kind: 'transient' });
    // What a transient fault says of the server's internals stays in the log.
    expect(transient.detail).not.toContain('10.0.0.5');
    const internal = toProblem(new Error('boom')).problem;
    expect(internal).toMatchObject({ status: 500, code: 'HOKUSAI_SERVER_INTERNAL', kind: 'internal' });
  });

  it('do not reuse a code another package owns (run and file lookups have the server\'s own codes)', () => {
    expect(codes).not.toContain('HOKUSAI_RUN_NOT_FOUND');
    expect(codes).not.toContain('HOKUSAI_FILE_NOT_FOUND');
    expect(codes).toContain('HOKUSAI_SERVER_RUN_NOT_FOUND');
    expect(codes).toContain('HOKUSAI_OUTPUT_FILE_NOT_FOUND');
  });
});
