/** Stable error codes. Callers switch on `code`; messages may be reworded. */
export type DataIntegrationErrorCode =
  | 'HOKUSAI_FILE_NOT_FOUND'
  | 'HOKUSAI_EMPTY_FILE'
  | 'HOKUSAI_HEADER_ONLY'
  | 'HOKUSAI_RAGGED_ROW'
  | 'HOKUSAI_BINARY_FILE'
  | 'HOKUSAI_INVALID_UTF8'
  | 'HOKUSAI_DUPLICATE_COLUMN'
  | 'HOKUSAI_EMPTY_COLUMN_NAME'
  | 'HOKUSAI_UNTERMINATED_QUOTE'
  | 'HOKUSAI_LINE_TOO_LONG'
  | 'HOKUSAI_PARSE_ERROR'
  | 'HOKUSAI_PARQUET_CORRUPT'
  | 'HOKUSAI_UNKNOWN_FORMAT'
  | 'HOKUSAI_TYPE_MISMATCH'
  | 'HOKUSAI_NON_FINITE'
  | 'HOKUSAI_SCHEMA_INVALID'
  | 'HOKUSAI_SCHEMA_MISMATCH'
  | 'HOKUSAI_TARGET_MISSING'
  | 'HOKUSAI_TARGET_NOT_BINARY'
  | 'HOKUSAI_TARGET_NULL'
  | 'HOKUSAI_TARGET_SINGLE_CLASS'
  | 'HOKUSAI_LABEL_SET_MISMATCH'
  | 'HOKUSAI_BENCHMARK_IN_BASE'
  | 'HOKUSAI_BENCHMARK_SINGLE_CLASS'
  | 'HOKUSAI_PII_FOUND'
  | 'HOKUSAI_QUALITY_BELOW_THRESHOLD'
  | 'HOKUSAI_INVALID_OPTIONS'
  | 'HOKUSAI_NOTHING_LEFT'
  | 'HOKUSAI_WRITE_FAILED';

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
export class DataIntegrationError extends Error {
  readonly code: DataIntegrationErrorCode;
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
  readonly line?: number;
  readonly context?: Record<string, unknown>;

  constructor(code: DataIntegrationErrorCode, message: string, details: DataIntegrationErrorDetails = {}) {
    super(message);
    this.name = 'DataIntegrationError';
    this.code = code;
    if (details.file !== undefined) this.file = details.file;
    if (details.row !== undefined) this.row = details.row;
    if (details.column !== undefined) this.column = details.column;
    if (details.line !== undefined) this.line = details.line;
    if (details.context !== undefined) this.context = details.context;
  }
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
  const where = locate(details);
  return new DataIntegrationError(code, `${where ? `${where}: ` : ''}${what}. ${fix}`, details);
}
