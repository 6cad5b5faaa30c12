import { HokusaiError, errorCode, type ErrorKind } from '@hokusai/core';

export type { ErrorKind };

/**
 * Every code the server raises, with its kind (see @hokusai/core) and the HTTP status it answers
 * with. The kind decides the CLI's exit code (`hokusai serve keys ...`) and whether a client should
 * retry; the status always fits the kind (4xx input, 429/503 transient, 5xx internal).
 */
const SERVER_ERRORS = {
  HOKUSAI_REQUEST_MALFORMED: ['input', 400],
  HOKUSAI_BODY_NOT_JSON: ['input', 400],
  HOKUSAI_BODY_TOO_LARGE: ['input', 413],
  HOKUSAI_REQUEST_INVALID: ['input', 422],
  HOKUSAI_CONTENT_TYPE: ['input', 415],
  HOKUSAI_ROUTE_NOT_FOUND: ['input', 404],
  HOKUSAI_METHOD_NOT_ALLOWED: ['input', 405],
  HOKUSAI_KEY_MISSING: ['input', 401],
  HOKUSAI_KEY_INVALID: ['input', 401],
  HOKUSAI_KEY_NOT_FOUND: ['input', 404],
  HOKUSAI_KEY_SCOPES_MISSING: ['input', 400],
  HOKUSAI_SCOPE_MISSING: ['input', 403],
  HOKUSAI_CSRF_REFUSED: ['input', 403],
  HOKUSAI_RATE_LIMITED: ['transient', 429],
  HOKUSAI_IDEMPOTENCY_KEY_INVALID: ['input', 400],
  HOKUSAI_SETTINGS_MISSING: ['input', 400],
  HOKUSAI_UPLOAD_MISSING: ['input', 400],
  HOKUSAI_UPLOAD_INVALID: ['input', 400],
  HOKUSAI_UPLOAD_FIELD_UNKNOWN: ['input', 400],
  HOKUSAI_UPLOAD_FORMAT: ['input', 415],
  HOKUSAI_UPLOAD_CONTENT_TYPE: ['input', 415],
  HOKUSAI_UPLOAD_TOO_LARGE: ['input', 413],
  HOKUSAI_FIELD_TOO_LARGE: ['input', 413],
  HOKUSAI_DATA_DIR_UNSET: ['input', 400],
  HOKUSAI_PATH_REFUSED: ['input', 400],
  HOKUSAI_DATA_FILE_NOT_FOUND: ['input', 404],
  HOKUSAI_BENCHMARK_UNKNOWN: ['input', 422],
  HOKUSAI_BENCHMARK_MISSING: ['input', 422],
  HOKUSAI_SERVER_RUN_NOT_FOUND: ['input', 404],
  HOKUSAI_OUTPUT_FILE_NOT_FOUND: ['input', 404],
  HOKUSAI_RUN_NOT_FINISHED: ['input', 409],
  // A run the server lost by stopping: submitting it again may work.
  HOKUSAI_SERVER_RESTARTED: ['transient', 503],
  // A run that failed with an untyped error, and any request that did: the log has the details.
  HOKUSAI_RUN_FAILED: ['internal', 500],
  HOKUSAI_SERVER_INTERNAL: ['internal', 500],
  HOKUSAI_UPLOAD_WRITE_FAILED: ['internal', 500],
  // The key file is written only by the server: a damaged one is not the caller's input.
  HOKUSAI_KEY_STORE_CORRUPT: ['internal', 500],
} as const satisfies Record<string, readonly [ErrorKind, number]>;
export type ServerErrorCode = keyof typeof SERVER_ERRORS;

type Column<I extends 0 | 1> = { [C in ServerErrorCode]: (typeof SERVER_ERRORS)[C][I] };
const column = <I extends 0 | 1>(i: I): Column<I> => Object.fromEntries(Object.entries(SERVER_ERRORS).map(([code, row]) => [code, row[i]])) as Column<I>;

/** Every code the server raises, with its kind (the table ERRORS.md and the tests read). */
export const SERVER_ERROR_KINDS: Column<0> = column(0);
/** The HTTP status each code answers with. */
export const SERVER_ERROR_STATUS: Column<1> = column(1);

/** An error the API answers with its code's HTTP status, as an RFC 9457 problem document. */
export class ServerError extends HokusaiError<ServerErrorCode> {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(code: ServerErrorCode, message: string, options: { headers?: Record<string, string> } = {}) {
    super(code, message, { kind: SERVER_ERROR_KINDS[code] });
    this.name = 'ServerError';
    this.status = SERVER_ERROR_STATUS[code];
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
  // A passing fault (a worker lost, Redis away) may succeed on a second try; its message names
  // the server's internals, so only the code and kind go out.
  if (HokusaiError.isInstance(error) && error.kind === 'transient') {
    return { problem: problem(503, error.code, 'A service the server depends on failed for a moment; try again.', 'transient', instance), headers: {} };
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
