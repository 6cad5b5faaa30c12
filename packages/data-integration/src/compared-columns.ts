import type { Column, ColumnTable } from './column.js';
import { cellValue } from './column.js';

/** Why a column is left out when rows are compared as the model sees them. */
export type IgnoredReason = 'target' | 'omitted' | 'excluded' | 'pii' | 'timestamp' | 'identifier';

/** Rows read from the start of a table to decide whether a column is an identifier. */
const ID_SAMPLE = 5000;
/** Below this many rows a column of distinct values may still be a category to the trainer. */
const ID_MIN_ROWS = 50;

/** True when the first rows of the column hold distinct, non-null values (an id, a key, free text). */
function distinctPrefix(col: Column, n: number, minRows: number): boolean {
  const m = Math.min(n, ID_SAMPLE);
  if (m < minRows) return false;
  const seen = new Set<string | number | boolean>();
  for (let i = 0; i < m; i++) {
    const v = cellValue(col, i);
    if (v === null || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

/**
 * The columns a model trained on these tables reads, which is what copies are matched on: not the
 * target, not the columns left out of the outputs, not PII columns, not timestamps (the trainer
 * reads dates, but a copy re-stamped with its own date or time must still match), and not identifiers: integer or text columns whose values are all
 * distinct in the base (of 50 rows or more; else in a benchmark of 50 rows or more) and in the benchmark (both checked on their first 5,000 rows),
 * which the trainer skips as text and which a copy replaces with its own.
 */
export function comparedColumns(base: ColumnTable, benchmark: ColumnTable, skip: { target: string; omitted: ReadonlySet<string>; excluded: ReadonlySet<string>; pii: ReadonlySet<string> }): { compared: number[]; ignored: { column: string; reason: IgnoredReason }[] } {
  const compared: number[] = [];
  const ignored: { column: string; reason: IgnoredReason }[] = [];
  // Without a base of its own (`hokusai validate` given only a benchmark), the benchmark decides.
  const wide = base.rowCount >= ID_MIN_ROWS ? base : benchmark;
  base.names.forEach((name, k) => {
    const col = base.columns[k] as Column;
    let reason: IgnoredReason | null = null;
    if (name === skip.target) reason = 'target';
    else if (skip.omitted.has(name)) reason = 'omitted';
    else if (skip.excluded.has(name)) reason = 'excluded';
    else if (skip.pii.has(name)) reason = 'pii';
    else if (col.type === 'timestamp') reason = 'timestamp';
    else if ((col.type === 'int' || col.type === 'string') && distinctPrefix(wide.columns[k] as Column, wide.rowCount, ID_MIN_ROWS) && distinctPrefix(benchmark.columns[k] as Column, benchmark.rowCount, 2)) reason = 'identifier';
    if (reason === null) compared.push(k);
    else ignored.push({ column: name, reason });
  });
  return { compared, ignored };
}
