import { errorCode } from '@hokusai/orchestrator';

/** What kind of failure an error is: the caller's input, a passing fault, or a bug of ours. */
export type ErrorKind = 'input' | 'transient' | 'internal';

/** An error the API answers with its own HTTP status, as an RFC 9457 problem document. */
export class ServerError extends Error {
  readonly code: string;
  readonly status: number;
  readonly kind: ErrorKind;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { kind?: ErrorKind; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'ServerError';
    this.status = status;
    this.code = code;
    this.kind = options.kind ?? (status >= 500 ? 'internal' : 'input');
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

/** Pipeline errors that are the pipeline's own fault rather than the submitted input. */
const INTERNAL_PIPELINE_CODES = new Set(['HOKUSAI_RUN_STORE_CORRUPT', 'HOKUSAI_FLOW_INVALID', 'HOKUSAI_STEP_OUTPUT_UNSTORABLE', 'HOKUSAI_STEP_TIMEOUT']);

/** Any thrown value as a problem document: typed Hokusai errors keep their code and location. */
export function toProblem(error: unknown, instance?: string): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof ServerError) {
    return { problem: problem(error.status, error.code, error.message, error.kind, instance), headers: error.headers };
  }
  const code = errorCode(error);
  if (code !== undefined && code.startsWith('HOKUSAI_') && !INTERNAL_PIPELINE_CODES.has(code)) {
    const located = error as { file?: unknown; row?: unknown; column?: unknown; message: string };
    const p = problem(422, code, located.message, 'input', instance);
    if (typeof located.file === 'string') p.file = located.file;
    if (typeof located.row === 'number') p.row = located.row;
    if (typeof located.column === 'string') p.column = located.column;
    return { problem: p, headers: {} };
  }
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
