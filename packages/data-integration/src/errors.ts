import { HokusaiError, type ErrorKind, type HokusaiErrorJson } from '@hokusai/core';
import { BUILTIN_DETECTORS, findSpans } from './pii-detectors.js';

/**
 * Every code this package raises, with its kind (see @hokusai/core). All of them are about the
 * files and options a caller passed in. Callers switch on `code`; messages may be reworded.
 */
export const DATA_INTEGRATION_ERROR_KINDS = {
  HOKUSAI_FILE_NOT_FOUND: 'input',
  HOKUSAI_EMPTY_FILE: 'input',
  HOKUSAI_HEADER_ONLY: 'input',
  HOKUSAI_RAGGED_ROW: 'input',
  HOKUSAI_BINARY_FILE: 'input',
  HOKUSAI_INVALID_UTF8: 'input',
  HOKUSAI_DUPLICATE_COLUMN: 'input',
  HOKUSAI_EMPTY_COLUMN_NAME: 'input',
  HOKUSAI_UNTERMINATED_QUOTE: 'input',
  HOKUSAI_LINE_TOO_LONG: 'input',
  HOKUSAI_PARSE_ERROR: 'input',
  HOKUSAI_SPARSE_RECORDS: 'input',
  HOKUSAI_PARQUET_CORRUPT: 'input',
  HOKUSAI_UNKNOWN_FORMAT: 'input',
  HOKUSAI_TYPE_MISMATCH: 'input',
  HOKUSAI_NON_FINITE: 'input',
  HOKUSAI_SCHEMA_INVALID: 'input',
  HOKUSAI_SCHEMA_MISMATCH: 'input',
  HOKUSAI_TARGET_MISSING: 'input',
  HOKUSAI_TARGET_NOT_BINARY: 'input',
  HOKUSAI_TARGET_NULL: 'input',
  HOKUSAI_TARGET_SINGLE_CLASS: 'input',
  HOKUSAI_LABEL_SET_MISMATCH: 'input',
  HOKUSAI_BENCHMARK_IN_BASE: 'input',
  HOKUSAI_BENCHMARK_SINGLE_CLASS: 'input',
  HOKUSAI_PII_FOUND: 'input',
  HOKUSAI_QUALITY_BELOW_THRESHOLD: 'input',
  HOKUSAI_INVALID_OPTIONS: 'input',
  HOKUSAI_NOTHING_LEFT: 'input',
  HOKUSAI_WRITE_FAILED: 'input',
  /** A table handed on before its manifest was finished was asked for the manifest synchronously. */
  HOKUSAI_MANIFEST_PENDING: 'internal',
} as const satisfies Record<string, ErrorKind>;
export type DataIntegrationErrorCode = keyof typeof DATA_INTEGRATION_ERROR_KINDS;

export interface DataIntegrationErrorDetails {
  file?: string;
  /** 1-based data row number (the header is not counted); for CSV, `line` is the physical line. */
  row?: number;
  column?: string;
  line?: number;
  /** Extra machine-readable context (never a raw PII value or a key). */
  context?: Record<string, unknown>;
}

/**
 * Every failure this package reports. `file`, `row` and `column` say where the problem is
 * when that is known, so a contributor can fix the file without reading code.
 */
export class DataIntegrationError extends HokusaiError<DataIntegrationErrorCode> {
  constructor(code: DataIntegrationErrorCode, message: string, details: DataIntegrationErrorDetails = {}) {
    const { context, ...location } = details;
    super(code, message, { ...location, kind: DATA_INTEGRATION_ERROR_KINDS[code], ...(context === undefined ? {} : { details: context }) });
    this.name = 'DataIntegrationError';
  }

  /** Extra machine-readable context (never a raw PII value or a key). */
  get context(): Readonly<Record<string, unknown>> | undefined {
    return this.details;
  }

  /** Rebuilds a DataIntegrationError from its JSON form (from a loader thread), else undefined. */
  static override fromJSON(json: unknown): DataIntegrationError | undefined {
    const error = HokusaiError.fromJSON(json);
    if (error === undefined || !isDataIntegrationErrorCode(error.code)) return undefined;
    const details: DataIntegrationErrorDetails = {};
    if (error.file !== undefined) details.file = error.file;
    if (error.row !== undefined) details.row = error.row;
    if (error.column !== undefined) details.column = error.column;
    if (error.line !== undefined) details.line = error.line;
    if (error.details !== undefined) details.context = { ...error.details };
    return new DataIntegrationError(error.code, error.message, details);
  }
}

function isDataIntegrationErrorCode(code: string): code is DataIntegrationErrorCode {
  return Object.hasOwn(DATA_INTEGRATION_ERROR_KINDS, code);
}

/** "file.csv, row 12, column 'age'" — the location prefix every message starts with. */
export function locate(details: DataIntegrationErrorDetails): string {
  const parts: string[] = [];
  if (details.file !== undefined) parts.push(details.file);
  if (details.row !== undefined) parts.push(`row ${details.row}`);
  if (details.line !== undefined && details.row === undefined) parts.push(`line ${details.line}`);
  if (details.column !== undefined) parts.push(`column '${details.column}'`);
  return parts.join(', ');
}

export function dataError(
  code: DataIntegrationErrorCode,
  what: string,
  fix: string,
  details: DataIntegrationErrorDetails = {},
): DataIntegrationError {
  // A column name or a quoted value can be personal data (a headerless file's first row, a
  // record keyed by an e-mail address): such a column is not named, and such text is masked.
  const { column, ...rest } = details;
  const shown: DataIntegrationErrorDetails = column === undefined || holdsPii(column) ? rest : details;
  const where = locate(shown);
  return new DataIntegrationError(code, `${where ? `${where}: ` : ''}${maskPii(what)}. ${fix}`, shown);
}

function holdsPii(text: string): boolean {
  return findSpans(text, BUILTIN_DETECTORS).length > 0;
}

/** `text` with each span the built-in detectors find replaced by its type, as `<email>`. */
function maskPii(text: string): string {
  let out = text;
  for (const span of findSpans(text, BUILTIN_DETECTORS).reverse()) out = `${out.slice(0, span.start)}<${span.type}>${out.slice(span.end)}`;
  return out;
}

/** A worker thread's failed answer: a typed error as JSON (rebuilt by `DataIntegrationError.fromJSON`), or just the message. */
export interface WorkerFailure {
  ok: false;
  error?: HokusaiErrorJson;
  message: string;
}

/** What a worker thread of this package sends back when its work throws. */
export function workerFailure(err: unknown): WorkerFailure {
  return err instanceof DataIntegrationError ? { ok: false, error: err.toJSON(), message: err.message } : { ok: false, message: err instanceof Error ? err.message : String(err) };
}

/** The error a worker thread's failed answer stands for: the typed error rebuilt (file, row and column survive the thread), or one with its message. */
export function workerError(reply: WorkerFailure): Error {
  return DataIntegrationError.fromJSON(reply.error) ?? new Error(reply.message);
}
