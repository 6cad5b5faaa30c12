import { sharedArray } from './shared-array.js';
import { knownUtf8, takeUtf8 } from './utf8-column.js';

/** Logical column types, as written in manifests and dataset schemas. */
export type ColumnType = 'int' | 'float' | 'bool' | 'string' | 'timestamp';

/**
 * In-memory column used by every step between loading and the Arrow output. Numbers live in
 * typed arrays; `valid[i] === 0` marks a null. Timestamps are epoch milliseconds.
 */
export type Column =
  | { type: 'int'; values: Int32Array; valid: Uint8Array }
  | { type: 'float'; values: Float64Array; valid: Uint8Array }
  | { type: 'bool'; values: Uint8Array; valid: Uint8Array }
  | { type: 'timestamp'; values: Float64Array; valid: Uint8Array }
  | { type: 'string'; values: (string | null)[] };

export interface ColumnTable {
  names: string[];
  columns: Column[];
  rowCount: number;
}

export function isNull(col: Column, i: number): boolean {
  return col.type === 'string' ? col.values[i] === null : col.valid[i] === 0;
}

export function nullCount(col: Column): number {
  let n = 0;
  const utf8 = knownUtf8(col);
  if (utf8 !== undefined) return utf8.nullCount;
  if (col.type === 'string') {
    for (const v of col.values) if (v === null) n++;
  } else {
    const valid = col.valid;
    for (let i = 0; i < valid.length; i++) if (valid[i] === 0) n++;
  }
  return n;
}

/** Whether every cell is null (`nullCount(col) === columnLength(col)`), stopping at the first value. */
export function allNull(col: Column): boolean {
  const utf8 = knownUtf8(col);
  if (utf8 !== undefined) return utf8.nullCount === utf8.length;
  if (col.type === 'string') {
    for (const v of col.values) if (v !== null) return false;
    return true;
  }
  const valid = col.valid;
  for (let i = 0; i < valid.length; i++) if (valid[i] !== 0) return false;
  return true;
}

/** Value as a plain JS value (numbers, booleans, ISO strings for timestamps), or null. */
export function cellValue(col: Column, i: number): string | number | boolean | null {
  if (col.type === 'string') return col.values[i] ?? null;
  if (col.valid[i] === 0) return null;
  switch (col.type) {
    case 'int':
    case 'float':
      return col.values[i] as number;
    case 'bool':
      return col.values[i] === 1;
    case 'timestamp':
      return new Date(col.values[i] as number).toISOString();
  }
}

/** Text form used when a column has to become a string column. */
export function cellText(col: Column, i: number): string | null {
  const v = cellValue(col, i);
  return v === null ? null : String(v);
}

export function takeRows(col: Column, idx: ArrayLike<number>): Column {
  const n = idx.length;
  const utf8 = knownUtf8(col);
  if (utf8 !== undefined) return takeUtf8(utf8, idx);
  if (col.type === 'string') {
    const out = new Array<string | null>(n);
    for (let k = 0; k < n; k++) out[k] = col.values[idx[k] as number] ?? null;
    return { type: 'string', values: out };
  }
  const valid = new Uint8Array(n);
  for (let k = 0; k < n; k++) valid[k] = col.valid[idx[k] as number] as number;
  switch (col.type) {
    case 'int': {
      const v = sharedArray(Int32Array, n);
      for (let k = 0; k < n; k++) v[k] = col.values[idx[k] as number] as number;
      return { type: 'int', values: v, valid };
    }
    case 'bool': {
      const v = new Uint8Array(n);
      for (let k = 0; k < n; k++) v[k] = col.values[idx[k] as number] as number;
      return { type: 'bool', values: v, valid };
    }
    case 'float':
    case 'timestamp': {
      const v = sharedArray(Float64Array, n);
      for (let k = 0; k < n; k++) v[k] = col.values[idx[k] as number] as number;
      return { type: col.type, values: v, valid } as Column;
    }
  }
}

export function concatColumns(a: Column, b: Column): Column {
  if (a.type !== b.type) throw new Error(`internal: concat of ${a.type} and ${b.type}`);
  if (a.type === 'string' && b.type === 'string') return { type: 'string', values: a.values.concat(b.values) };
  if (a.type === 'string' || b.type === 'string') throw new Error('unreachable');
  const valid = new Uint8Array(a.valid.length + b.valid.length);
  valid.set(a.valid, 0);
  valid.set(b.valid, a.valid.length);
  const Ctor = a.values.constructor as Int32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor;
  const values = new Ctor(a.values.length + b.values.length);
  values.set(a.values, 0);
  values.set(b.values as never, a.values.length);
  return { type: a.type, values, valid } as Column;
}

/** Widens a column to `to` (int to float, anything to string). */
export function castColumn(col: Column, to: ColumnType): Column {
  if (col.type === to) return col;
  const n = col.type === 'string' ? col.values.length : col.valid.length;
  if (to === 'string') {
    const out = new Array<string | null>(n);
    for (let i = 0; i < n; i++) out[i] = cellText(col, i);
    return { type: 'string', values: out };
  }
  if (to === 'float' && col.type === 'int') {
    return { type: 'float', values: Float64Array.from(col.values), valid: col.valid };
  }
  throw new Error(`internal: cannot cast ${col.type} to ${to}`);
}

/** The type both columns can be held in without losing values. */
export function unifyTypes(a: ColumnType | 'null', b: ColumnType | 'null'): ColumnType | 'null' {
  if (a === b) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  if ((a === 'int' && b === 'float') || (a === 'float' && b === 'int')) return 'float';
  return 'string';
}

export function columnLength(col: Column): number {
  if (col.type !== 'string') return col.valid.length;
  return knownUtf8(col)?.length ?? col.values.length;
}
