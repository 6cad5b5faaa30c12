/** Stable error codes. Callers switch on `code`; messages may be reworded. */
export type TrackingErrorCode =
  | 'HOKUSAI_TRACKING_INVALID_OPTIONS'
  | 'HOKUSAI_TRACKING_INVALID_VALUE'
  | 'HOKUSAI_TRACKING_LIMIT_EXCEEDED'
  | 'HOKUSAI_TRACKING_NON_FINITE_METRIC'
  | 'HOKUSAI_TRACKING_UNREACHABLE'
  | 'HOKUSAI_TRACKING_TIMEOUT'
  | 'HOKUSAI_TRACKING_AUTH'
  | 'HOKUSAI_TRACKING_NOT_FOUND'
  | 'HOKUSAI_TRACKING_ALREADY_EXISTS'
  | 'HOKUSAI_TRACKING_SERVER_ERROR'
  | 'HOKUSAI_TRACKING_REQUEST_REJECTED'
  | 'HOKUSAI_TRACKING_UNSUPPORTED'
  | 'HOKUSAI_TRACKING_ARTIFACT'
  | 'HOKUSAI_TRACKING_JOURNAL_CORRUPT'
  | 'HOKUSAI_TRACKING_JOURNAL_WRITE'
  | 'HOKUSAI_TRACKING_SYNC';

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
export class TrackingError extends Error {
  readonly code: TrackingErrorCode;
  declare readonly status?: number;
  declare readonly mlflowCode?: string;
  declare readonly where?: string;
  declare readonly line?: number;

  constructor(code: TrackingErrorCode, message: string, details: TrackingErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TrackingError';
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.mlflowCode !== undefined) this.mlflowCode = details.mlflowCode;
    if (details.where !== undefined) this.where = details.where;
    if (details.line !== undefined) this.line = details.line;
  }

  /**
   * True when the failure says nothing about the request itself (server away, overloaded, timed
   * out): the same request may succeed later, so it belongs in the journal.
   */
  get transient(): boolean {
    return (
      this.code === 'HOKUSAI_TRACKING_UNREACHABLE' ||
      this.code === 'HOKUSAI_TRACKING_TIMEOUT' ||
      this.code === 'HOKUSAI_TRACKING_SERVER_ERROR'
    );
  }
}
