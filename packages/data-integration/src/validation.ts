import type { Column, ColumnTable } from './column.js';
import { cellValue, isNull } from './column.js';
import type { Table } from 'apache-arrow';
import { fromArrowTable } from './arrow-convert.js';
import { parseDatasetSchema } from './dataset-schema.js';
import { columnPiiLook, describeValue, valuePiiType } from './cell-description.js';
import { piiTypeFromName } from './pii-detectors.js';
import type { DatasetSchema, DatasetSchemaInput } from './dataset-schema.js';

export type ValidationCheck = 'type' | 'nullable' | 'min' | 'max' | 'allowed' | 'unique' | 'pattern' | 'missing_column' | 'extra_column';

export interface ValidationFailure {
  column: string;
  check: ValidationCheck;
  failing_count: number;
  /** 1-based data row numbers of the first failures (at most 5). */
  first_rows: number[];
  /**
   * The failing values, as they are when the column was checked not to look like PII (by name
   * and by a sample of its values); otherwise a description ("a 17-character text (...); value
   * redacted: looks like email").
   */
  first_values: (string | number | boolean | null)[];
}

export interface ValidationReport {
  file: string;
  row_count: number;
  /** Rows that pass every row-level check. */
  passing_rows: number;
  pass_rate: number;
  passed: boolean;
  failures: ValidationFailure[];
}

const SAMPLE = 5;

class FailureCollector {
  readonly failures: ValidationFailure[] = [];
  readonly rowFailed: Uint8Array;
  constructor(n: number) {
    this.rowFailed = new Uint8Array(n);
  }
  start(column: string, check: ValidationCheck): ValidationFailure {
    return { column, check, failing_count: 0, first_rows: [], first_values: [] };
  }
  hit(f: ValidationFailure, row: number, value: string | number | boolean | null): void {
    f.failing_count++;
    if (row >= 0) this.rowFailed[row] = 1;
    if (f.first_rows.length < SAMPLE) {
      f.first_rows.push(row + 1);
      f.first_values.push(typeof value === 'string' && value.length > 80 ? `${value.slice(0, 77)}...` : value);
    }
  }
  /** `look` is the column's PII look (see columnPiiLook); values are shown only without one. */
  done(f: ValidationFailure, look: () => string | undefined): void {
    if (f.failing_count === 0) return;
    if (f.first_values.some((v) => v !== null && typeof v !== 'boolean')) {
      const columnLook = look();
      const hidden = columnLook !== undefined || f.first_values.some((v) => valuePiiType(v) !== undefined);
      if (hidden) f.first_values = f.first_values.map((v) => (v === null || typeof v === 'boolean' ? v : describeValue(v, columnLook)));
    }
    this.failures.push(f);
  }
}

export interface TypeFailureInput {
  column: string;
  count: number;
  samples: { row: number; value: string }[];
}

/**
 * Runs every check of the schema and collects every failure (it never stops at the first), in
 * the manner of pandera's failure cases: per column and check, how many rows fail and which.
 */
export function validateColumns(ct: ColumnTable, schema: DatasetSchema, file: string, typeFailures: TypeFailureInput[] = []): ValidationReport {
  const n = ct.rowCount;
  const fc = new FailureCollector(n);
  const index = new Map(ct.names.map((name, k) => [name, k] as const));
  const looks = new Map<string, string | undefined>();
  const lookOf = (name: string) => (): string | undefined => {
    if (!looks.has(name)) {
      const k = index.get(name);
      looks.set(name, k === undefined ? piiTypeFromName(name) : columnPiiLook(name, ct.columns[k] as Column));
    }
    return looks.get(name);
  };
  for (const tf of typeFailures) {
    const f = fc.start(tf.column, 'type');
    for (const s of tf.samples) fc.hit(f, s.row - 1, s.value);
    f.failing_count = tf.count;
    fc.done(f, lookOf(tf.column));
  }
  for (const spec of schema.columns) {
    const k = index.get(spec.name);
    if (k === undefined) {
      fc.failures.push({ column: spec.name, check: 'missing_column', failing_count: n, first_rows: [], first_values: [] });
      fc.rowFailed.fill(1);
      continue;
    }
    const col = ct.columns[k] as Column;
    if (!spec.nullable) {
      const f = fc.start(spec.name, 'nullable');
      for (let i = 0; i < n; i++) if (isNull(col, i)) fc.hit(f, i, null);
      fc.done(f, lookOf(spec.name));
    }
    if ((spec.min !== undefined || spec.max !== undefined) && col.type !== 'string' && col.type !== 'bool') {
      const fmin = fc.start(spec.name, 'min');
      const fmax = fc.start(spec.name, 'max');
      for (let i = 0; i < n; i++) {
        if (col.valid[i] === 0) continue;
        const v = col.values[i] as number;
        if (spec.min !== undefined && v < spec.min) fc.hit(fmin, i, cellValue(col, i));
        if (spec.max !== undefined && v > spec.max) fc.hit(fmax, i, cellValue(col, i));
      }
      fc.done(fmin, lookOf(spec.name));
      fc.done(fmax, lookOf(spec.name));
    }
    if (spec.allowed !== undefined) {
      const allowed = new Set(spec.allowed.map((a) => String(a)));
      const f = fc.start(spec.name, 'allowed');
      for (let i = 0; i < n; i++) {
        const v = cellValue(col, i);
        if (v !== null && !allowed.has(String(v))) fc.hit(f, i, v);
      }
      fc.done(f, lookOf(spec.name));
    }
    if (spec.pattern !== undefined && col.type === 'string') {
      const re = new RegExp(spec.pattern, 'u');
      const f = fc.start(spec.name, 'pattern');
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        if (v !== null && v !== undefined && !re.test(v)) fc.hit(f, i, v);
      }
      fc.done(f, lookOf(spec.name));
    }
    if (spec.unique) {
      const seen = new Map<string | number | boolean, number>();
      const f = fc.start(spec.name, 'unique');
      for (let i = 0; i < n; i++) {
        const v = cellValue(col, i);
        if (v === null) continue;
        if (seen.has(v)) fc.hit(f, i, v);
        else seen.set(v, i);
      }
      fc.done(f, lookOf(spec.name));
    }
  }
  if (schema.extraColumns === 'reject') {
    const declared = new Set(schema.columns.map((c) => c.name));
    for (const name of ct.names) {
      if (!declared.has(name)) fc.failures.push({ column: name, check: 'extra_column', failing_count: 0, first_rows: [], first_values: [] });
    }
  }
  let passing = 0;
  for (let i = 0; i < n; i++) if (fc.rowFailed[i] === 0) passing++;
  return {
    file,
    row_count: n,
    passing_rows: passing,
    pass_rate: n === 0 ? 1 : passing / n,
    passed: fc.failures.length === 0,
    failures: fc.failures,
  };
}

/** Validates any Arrow table against a dataset schema (for tables not loaded with that schema). */
export function validateTable(table: Table, schema: DatasetSchema | DatasetSchemaInput, file = 'table'): ValidationReport {
  return validateColumns(fromArrowTable(table, file), parseDatasetSchema(schema), file);
}

/** The report as readable text, one line per failure. */
export function formatValidationReport(report: ValidationReport): string {
  const lines = [`${report.file}: ${report.passed ? 'passed' : 'FAILED'} — ${report.passing_rows} of ${report.row_count} rows pass (${(report.pass_rate * 100).toFixed(1)}%)`];
  for (const f of report.failures) {
    const where = f.first_rows.length > 0 ? `; first rows ${f.first_rows.join(', ')}` : '';
    const vals = f.first_values.length > 0 ? `; values ${f.first_values.map((v) => JSON.stringify(v)).join(', ')}` : '';
    lines.push(`  ${f.column}: ${f.check} — ${f.failing_count} failing${where}${vals}`);
  }
  return lines.join('\n');
}
