import { readFile } from 'node:fs/promises';
import { tableFromIPC, type Table } from 'apache-arrow';
import { fromArrowTable, rememberColumns, toArrowTable } from './arrow-convert.js';
import type { BatchedDataset } from './batched-load.js';
import type { Column, ColumnTable, ColumnType } from './column.js';
import { castColumn, cellValue, concatColumns, takeRows, unifyTypes } from './column.js';
import { makeNullColumn } from './column-builder.js';
import { conformColumn } from './conform-column.js';
import { dataError } from './errors.js';
import type { InvalidValues } from './integrate.js';
import { describeType } from './integrate.js';
import type { TableBatches } from './partitioned-matches.js';

export type Role = 'base' | 'contributed' | 'benchmark';

/** A dataset loaded in batches, as kept between steps: its batch files and what the load learnt (no reader). */
export type BatchedSource = Omit<BatchedDataset, 'read'>;

/** Reads Arrow IPC batch files in order, one in memory at a time; each call starts again. */
export function readBatchFiles(files: readonly string[]): TableBatches {
  return async function* () {
    for (const file of files) yield tableFromIPC(await readFile(file));
  };
}

/** The three inputs on the base's column set with one type per column, as integrateContribution's unify puts them. */
export interface Alignment {
  names: string[];
  types: ColumnType[];
  tk: number;
  dropped: { dataset: string; columns: string[] }[];
  sources: Record<Role, BatchedSource>;
}

const kindOf = (d: BatchedSource, name: string): ColumnType | 'null' => (d.emptyColumns.includes(name) ? 'null' : (d.dtypes[name] as ColumnType));

/** Columns and types, with unify's errors for a missing target or column. */
export function alignSources(sources: Record<Role, BatchedSource>, target: string): Alignment {
  const names = sources.base.columns;
  if (!names.includes(target)) {
    throw dataError('HOKUSAI_TARGET_MISSING', `target column '${target}' is not in the file; its columns are ${names.map((n) => `'${n}'`).join(', ')}`, 'Set the target to one of these columns or add it to the file', { file: sources.base.path, column: target });
  }
  const dropped: { dataset: string; columns: string[] }[] = [];
  for (const role of ['base', 'contributed', 'benchmark'] as const) {
    const p = sources[role];
    const missing = names.filter((n) => !p.columns.includes(n));
    if (missing.includes(target)) {
      throw dataError('HOKUSAI_TARGET_MISSING', `target column '${target}' is not in the file; its columns are ${p.columns.map((n) => `'${n}'`).join(', ')}`, 'Add the target column to this file', { file: p.path, column: target });
    }
    if (missing.length > 0) {
      throw dataError('HOKUSAI_SCHEMA_MISMATCH', `column(s) ${missing.map((m) => `'${m}'`).join(', ')} of the base data are missing; this file has ${p.columns.map((m) => `'${m}'`).join(', ')}`, 'Provide the same columns as the base data', { file: p.path, column: missing[0] });
    }
    const extra = p.columns.filter((n) => !names.includes(n));
    if (extra.length > 0) dropped.push({ dataset: role, columns: extra });
  }
  // Types from the base and the benchmark, as in memory: the contributor cannot change the recipe.
  const types = names.map((name): ColumnType => {
    const ref = unifyTypes(kindOf(sources.base, name), kindOf(sources.benchmark, name));
    const own = kindOf(sources.contributed, name);
    if (ref === 'null') return own === 'null' ? 'string' : own;
    return ref;
  });
  return { names: [...names], types, tk: names.indexOf(target), dropped, sources };
}

/** One batch on the aligned columns and types; for the contribution, the cells that could not be read as their type. */
export function alignBatch(a: Alignment, role: Role, batch: Table): { ct: ColumnTable; invalid: (Uint8Array | null)[] } {
  const d = a.sources[role];
  const raw = fromArrowTable(batch, d.path);
  const n = raw.rowCount;
  const invalid: (Uint8Array | null)[] = [];
  const columns = a.names.map((name, k): Column => {
    const col = raw.columns[raw.names.indexOf(name)] as Column;
    const t = a.types[k] as ColumnType;
    invalid.push(null);
    if (kindOf(d, name) === 'null') return col.type === t ? col : makeNullColumn(t, n);
    if (role !== 'contributed') return castColumn(col, t);
    const c = conformColumn(col, t, n);
    invalid[k] = c.invalid;
    return c.col;
  });
  return { ct: { names: [...a.names], columns, rowCount: n }, invalid };
}

/** The aligned batches of one input as Arrow tables (their columns remembered, so readers skip decoding them). */
export function alignedBatches(a: Alignment, role: Role): TableBatches {
  const read = readBatchFiles(a.sources[role].batches);
  return async function* () {
    for await (const batch of read()) {
      const { ct } = alignBatch(a, role, batch);
      const table = toArrowTable(ct);
      rememberColumns(table, ct);
      yield table;
    }
  };
}

/** What one pass over the aligned inputs learns before any decision: labels, invalid cells, the first rows. */
export interface Survey {
  rows: Record<Role, number>;
  /** Per input, each label (as text) with the row it first appears in (1-based) and its count. */
  labels: Record<Role, Map<string, { first: number; count: number }>>;
  /** The first target cells of each input (for how the labels look). */
  look: Record<Role, Column>;
  invalid: InvalidValues[];
  invalidRows: number;
  /** The first rows (up to `prefixRows`) of the base and the benchmark, aligned. */
  prefix: { base: ColumnTable; benchmark: ColumnTable };
}

function appendRows(into: ColumnTable | null, ct: ColumnTable, room: number): ColumnTable {
  const take = Math.min(room, ct.rowCount);
  const idx = Array.from({ length: take }, (_, i) => i);
  const part: ColumnTable = { names: ct.names, columns: ct.columns.map((c) => takeRows(c, idx)), rowCount: take };
  if (into === null) return part;
  return { names: into.names, columns: into.columns.map((c, k) => concatColumns(c, part.columns[k] as Column)), rowCount: into.rowCount + take };
}

/**
 * One pass over each input in unify's order (base, contributed, benchmark), raising unify's
 * errors in its order: a contributed target that cannot be read as the base's type, then the first
 * empty target of each input in turn.
 */
export async function surveyInputs(a: Alignment, prefixRows: number): Promise<Survey> {
  const rows: Record<Role, number> = { base: 0, contributed: 0, benchmark: 0 };
  const labels: Survey['labels'] = { base: new Map(), contributed: new Map(), benchmark: new Map() };
  const look = {} as Record<Role, Column>;
  const invalidByColumn = new Map<number, InvalidValues>();
  let invalidRows = 0;
  let targetInvalid: { row: number; count: number } | null = null;
  const nullTarget: Partial<Record<Role, number>> = {};
  const prefix: { base: ColumnTable | null; benchmark: ColumnTable | null } = { base: null, benchmark: null };
  for (const role of ['base', 'contributed', 'benchmark'] as const) {
    for await (const batch of readBatchFiles(a.sources[role].batches)()) {
      const { ct, invalid } = alignBatch(a, role, batch);
      const rowBase = rows[role];
      const target = ct.columns[a.tk] as Column;
      look[role] ??= target;
      const seen = labels[role];
      for (let i = 0; i < ct.rowCount; i++) {
        const v = cellValue(target, i);
        if (v === null) {
          nullTarget[role] ??= rowBase + i + 1;
          continue;
        }
        const key = String(v);
        const entry = seen.get(key);
        if (entry === undefined) seen.set(key, { first: rowBase + i + 1, count: 1 });
        else entry.count++;
      }
      if (role === 'contributed') {
        let any: Uint8Array | null = null;
        invalid.forEach((flags, k) => {
          if (flags === null) return;
          let count = 0;
          const entry = invalidByColumn.get(k) ?? { column: a.names[k] as string, count: 0, rows: [] };
          for (let i = 0; i < flags.length; i++) {
            if (flags[i] !== 1) continue;
            count++;
            if (entry.rows.length < 5) entry.rows.push(rowBase + i + 1);
          }
          if (count === 0) return;
          entry.count += count;
          if (k === a.tk) {
            targetInvalid ??= { row: entry.rows[0] as number, count: 0 };
            targetInvalid.count = entry.count;
          }
          invalidByColumn.set(k, entry);
          any ??= new Uint8Array(ct.rowCount);
          for (let i = 0; i < flags.length; i++) if (flags[i] === 1) any[i] = 1;
        });
        if (any !== null) for (let i = 0; i < ct.rowCount; i++) invalidRows += (any as Uint8Array)[i] as number;
      }
      if (role !== 'contributed' && (prefix[role]?.rowCount ?? 0) < prefixRows) prefix[role] = appendRows(prefix[role], ct, prefixRows - (prefix[role]?.rowCount ?? 0));
      rows[role] += ct.rowCount;
    }
    look[role] ??= makeNullColumn(a.types[a.tk] as ColumnType, 0);
  }
  if (targetInvalid !== null) {
    const t = targetInvalid as { row: number; count: number };
    throw dataError('HOKUSAI_TYPE_MISMATCH', `the target holds a value that is not ${describeType(a.types[a.tk] as ColumnType)} as in the base data (${t.count} such rows)`, 'Use the same label values as the base data', { file: a.sources.contributed.path, row: t.row, column: a.names[a.tk] });
  }
  for (const role of ['base', 'contributed', 'benchmark'] as const) {
    const row = nullTarget[role];
    if (row !== undefined) throw dataError('HOKUSAI_TARGET_NULL', 'the target is empty', 'Every row needs a label; remove unlabelled rows or fill them', { file: a.sources[role].path, row, column: a.names[a.tk] });
  }
  const empty = (): ColumnTable => ({ names: [...a.names], columns: a.types.map((t) => makeNullColumn(t, 0)), rowCount: 0 });
  return {
    rows,
    labels,
    look,
    // In column order, as unify lists them.
    invalid: [...invalidByColumn.entries()].sort((x, y) => x[0] - y[0]).map(([, v]) => v),
    invalidRows,
    prefix: { base: prefix.base ?? empty(), benchmark: prefix.benchmark ?? empty() },
  };
}
