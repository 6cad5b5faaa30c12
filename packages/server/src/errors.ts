import { HokusaiError, errorCode, type ErrorKind } from '@hokusai/core';

export type { ErrorKind };

/** An error the API answers with its own HTTP status, as an RFC 9457 problem document. */
export class ServerError extends HokusaiError {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { kind?: ErrorKind; headers?: Record<string, string> } = {}) {
    super(code, message, { kind: options.kind ?? (status >= 500 ? 'internal' : 'input') });
    this.name = 'ServerError';
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

/** RFC 9457 problem details, with the Hokusai error code, its kind and, for input errors, where. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  kind: ErrorKind;
  instance?: string;
  file?: string;
  row?: number;
  column?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Any thrown value as a problem document: typed Hokusai errors keep their code and location. */
export function toProblem(error: unknown, instance?: string): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof ServerError) {
    return { problem: problem(error.status, error.code, error.message, error.kind, instance), headers: error.headers };
  }
  // A pipeline error of kind `input` is about the submission: say what and where.
  if (HokusaiError.isInstance(error) && error.kind === 'input') {
    const p = problem(422, error.code, error.message, 'input', instance);
    if (error.file !== undefined) p.file = error.file;
    if (error.row !== undefined) p.row = error.row;
    if (error.column !== undefined) p.column = error.column;
    return { problem: p, headers: {} };
  }
  const code = errorCode(error);
  // Unknown failures say nothing of their internals to the caller; the log has the details.
  return { problem: problem(500, code ?? 'HOKUSAI_SERVER_INTERNAL', 'The server failed to answer this request; the server log has the details.', 'internal', instance), headers: {} };
}

function problem(status: number, code: string, detail: string, kind: ErrorKind, instance: string | undefined): Problem {
  return {
    type: `https://hokusai.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    kind,
    ...(instance === undefined ? {} : { instance }),
  };
}
