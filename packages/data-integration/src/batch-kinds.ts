import type { ColumnTable, ColumnType } from './column.js';
import { columnLength, nullCount } from './column.js';
import { DataIntegrationError, locate } from './errors.js';

/** A column's kind in one batch: its type, or 'null' when every cell of the batch is empty. */
export type BatchKind = ColumnType | 'null';

/** Kind of each column of one batch. */
export function batchKinds(ct: ColumnTable): Map<string, BatchKind> {
  return new Map(ct.names.map((name, k) => [name, nullCount(ct.columns[k]!) === columnLength(ct.columns[k]!) ? 'null' : ct.columns[k]!.type]));
}

/**
 * The whole file's type from its batches' types, as one reader over every row would infer it:
 * all empty counts for nothing, int and float make float, any other mix is text.
 */
export function joinKind(a: BatchKind, b: BatchKind): BatchKind {
  if (a === 'null') return b;
  if (b === 'null' || a === b) return a;
  if ((a === 'int' && b === 'float') || (a === 'float' && b === 'int')) return 'float';
  return 'string';
}

/** The error of a chunk, placed in the whole file: its name, row and line. */
export function placed(error: unknown, chunk: string, path: string, rowOffset: number, lineOffset: number): unknown {
  if (!(error instanceof DataIntegrationError)) return error;
  const before = { ...(error.file === undefined ? {} : { file: error.file }), ...(error.row === undefined ? {} : { row: error.row }), ...(error.column === undefined ? {} : { column: error.column }), ...(error.line === undefined ? {} : { line: error.line }) };
  const after = {
    ...before,
    ...(error.file === chunk || error.file === undefined ? { file: path } : {}),
    ...(error.row === undefined ? {} : { row: error.row + rowOffset }),
    ...(error.line === undefined ? {} : { line: error.line + lineOffset }),
  };
  const prefix = `${locate(before)}: `;
  const rest = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new DataIntegrationError(error.code, `${locate(after)}: ${rest}`, { ...after, ...(error.context === undefined ? {} : { context: { ...error.context } }) });
}
