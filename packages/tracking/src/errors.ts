import { HokusaiError, type ErrorKind } from '@hokusai/core';

/**
 * Every code this package raises, with its kind (see @hokusai/core). Callers switch on `code`;
 * messages may be reworded; retries read the kind.
 */
export const TRACKING_ERROR_KINDS = {
  HOKUSAI_TRACKING_INVALID_OPTIONS: 'input',
  HOKUSAI_TRACKING_INVALID_VALUE: 'input',
  HOKUSAI_TRACKING_LIMIT_EXCEEDED: 'input',
  HOKUSAI_TRACKING_NON_FINITE_METRIC: 'input',
  // The server away, overloaded or slow: the same request may succeed later.
  HOKUSAI_TRACKING_UNREACHABLE: 'transient',
  HOKUSAI_TRACKING_TIMEOUT: 'transient',
  HOKUSAI_TRACKING_AUTH: 'input',
  HOKUSAI_TRACKING_NOT_FOUND: 'input',
  HOKUSAI_TRACKING_ALREADY_EXISTS: 'input',
  HOKUSAI_TRACKING_SERVER_ERROR: 'transient',
  HOKUSAI_TRACKING_REQUEST_REJECTED: 'input',
  HOKUSAI_TRACKING_UNSUPPORTED: 'input',
  HOKUSAI_TRACKING_ARTIFACT: 'input',
  // The journal is written only by this package: a damaged one is not the caller's input.
  HOKUSAI_TRACKING_JOURNAL_CORRUPT: 'internal',
  HOKUSAI_TRACKING_JOURNAL_WRITE: 'input',
  HOKUSAI_TRACKING_SYNC: 'input',
} as const satisfies Record<string, ErrorKind>;
export type TrackingErrorCode = keyof typeof TRACKING_ERROR_KINDS;

export interface TrackingErrorDetails {
  /** HTTP status of the failing response, when there was one. */
  status?: number;
  /** MLflow's own `error_code` (e.g. `RESOURCE_ALREADY_EXISTS`), when the server sent one. */
  mlflowCode?: string;
  /** The request or file the error is about (`POST /api/2.0/mlflow/runs/log-batch`, a journal path). */
  where?: string;
  /** 1-based line of the journal, for journal errors. */
  line?: number;
  cause?: unknown;
}

/**
 * Every failure this package reports. `code` is stable; `status` and `mlflowCode` carry what the
 * server said, so a caller can tell "fix your input" from "the server is away, try later".
 */
export class TrackingError extends HokusaiError<TrackingErrorCode> {
  declare readonly status?: number;
  declare readonly mlflowCode?: string;
  declare readonly where?: string;

  constructor(code: TrackingErrorCode, message: string, details: TrackingErrorDetails = {}) {
    const { cause, line, ...context } = details;
    super(code, message, {
      kind: TRACKING_ERROR_KINDS[code],
      ...(cause === undefined ? {} : { cause }),
      ...(line === undefined ? {} : { line }),
      // status, MLflow's code and the request travel with the error's JSON form.
      ...(Object.keys(context).length === 0 ? {} : { details: { ...context } }),
    });
    this.name = 'TrackingError';
    if (details.status !== undefined) this.status = details.status;
    if (details.mlflowCode !== undefined) this.mlflowCode = details.mlflowCode;
    if (details.where !== undefined) this.where = details.where;
  }

  /**
   * True when the failure says nothing about the request itself (server away, overloaded, timed
   * out): the same request may succeed later, so it belongs in the journal.
   */
  get transient(): boolean {
    return this.kind === 'transient';
  }
}
