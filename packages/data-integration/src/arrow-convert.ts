import { describeValue } from './cell-description.js';
import {
  Bool,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Table,
  TimestampMillisecond,
  Type,
  Utf8,
  makeData,
  Struct,
  util,
} from 'apache-arrow';
import type { Data, DataType, Dictionary, Vector } from 'apache-arrow';
import { dataError } from './errors.js';
import { arrowDataOf, bitIsSet, decodeUtf8Chunks, lazyStringColumn, packValidity, rememberArrowData } from './utf8-column.js';
import { copyBytes, rememberUtf8, utf8Of } from './utf8-layout.js';
import type { Column, ColumnTable, ColumnType } from './column.js';

const { compareTypes } = util;

export function arrowTypeOf(type: ColumnType): DataType {
  switch (type) {
    case 'int':
      return new Int32();
    case 'float':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'timestamp':
      return new TimestampMillisecond();
    case 'string':
      return new Utf8();
  }
}

export function columnData(col: Column): Data {
  const known = arrowDataOf(col);
  if (known !== undefined) return known;
  const data = buildColumnData(col);
  rememberArrowData(col, data);
  return data;
}

function buildColumnData(col: Column): Data {
  if (col.type === 'string') {
    const n = col.values.length;
    const layout = utf8Of(col.values);
    if (layout !== undefined && layout.offsets.length === n + 1) {
      // The reader kept the column's UTF-8 as it read it: only the validity is left to build.
      const valid = new Uint8Array(n);
      for (let i = 0; i < n; i++) valid[i] = col.values[i] === null || col.values[i] === undefined ? 0 : 1;
      const { bitmap, nulls } = packValidity(valid);
      return makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : null, valueOffsets: layout.offsets, data: layout.bytes }) as Data;
    }
    // Each distinct string is encoded once when the column repeats a few values (a region, a
    // plan): judged on its first 4,096 values, the repeats are found again by identity.
    const encoded = new Map<string, Buffer>();
    let seen = 0;
    let repeats = true;
    const offsets = new Int32Array(n + 1);
    const valid = new Uint8Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const s = col.values[i];
      if (s !== null && s !== undefined) {
        if (repeats) {
          let b = encoded.get(s);
          if (b === undefined) encoded.set(s, (b = Buffer.from(s, 'utf8')));
          total += b.length;
          // Many distinct values early, or later: encoding each one as it comes is cheaper.
          if ((++seen === 4096 && encoded.size > 256) || encoded.size > 4096) repeats = false;
        } else total += Buffer.byteLength(s, 'utf8');
        valid[i] = 1;
      }
      offsets[i + 1] = total;
    }
    if (total > 0x7fffffff) throw dataError('HOKUSAI_INVALID_OPTIONS', 'a string column holds more than 2 GiB of text', 'Split the dataset into smaller files');
    const bytes = Buffer.allocUnsafe(total);
    for (let i = 0; i < n; i++) {
      const s = col.values[i];
      if (s === null || s === undefined || s.length === 0) continue;
      const known = repeats ? encoded.get(s) : undefined;
      if (known === undefined) bytes.write(s, offsets[i] as number, 'utf8');
      else copyBytes(known, 0, known.length, bytes, offsets[i] as number);
    }
    const { bitmap, nulls } = packValidity(valid);
    rememberUtf8(col.values, { offsets, bytes });
    return makeData({
      type: new Utf8(),
      length: n,
      nullCount: nulls,
      nullBitmap: nulls > 0 ? bitmap : null,
      valueOffsets: offsets,
      data: new Uint8Array(bytes.buffer, bytes.byteOffset, total),
    }) as Data;
  }
  const { bitmap, nulls } = packValidity(col.valid);
  const nullBitmap = nulls > 0 ? bitmap : null;
  const length = col.valid.length;
  switch (col.type) {
    case 'int':
      return makeData({ type: new Int32(), length, nullCount: nulls, nullBitmap, data: col.values }) as Data;
    case 'float':
      return makeData({ type: new Float64(), length, nullCount: nulls, nullBitmap, data: col.values }) as Data;
    case 'bool': {
      const packed = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (col.values[i] === 1) packed[i >> 3] = (packed[i >> 3] as number) | (1 << (i & 7));
      return makeData({ type: new Bool(), length, nullCount: nulls, nullBitmap, data: packed }) as Data;
    }
    case 'timestamp': {
      const big = new BigInt64Array(length);
      for (let i = 0; i < length; i++) big[i] = col.valid[i] === 1 ? BigInt(Math.round(col.values[i] as number)) : 0n;
      return makeData({ type: new TimestampMillisecond(), length, nullCount: nulls, nullBitmap, data: big }) as Data;
    }
  }
}

/**
 * Builds an Arrow table (one record batch) from in-memory columns. A column read from Arrow
 * value for value, or converted before, keeps that Arrow data instead of being encoded again.
 */
export function toArrowTable(ct: ColumnTable): Table {
  const fields = ct.names.map((name, i) => new Field(name, arrowTypeOf((ct.columns[i] as Column).type), true));
  const schema = new Schema(fields);
  const children = ct.columns.map((col, k) => {
    const data = columnData(col);
    return data.length === ct.rowCount && compareTypes(data.type as DataType, (fields[k] as Field).type as DataType) ? data : buildColumnData(col);
  });
  const structData = makeData({ type: new Struct(fields), length: ct.rowCount, nullCount: 0, children });
  return new Table([new RecordBatch(schema, structData)]);
}

const cache = new WeakMap<Table, ColumnTable>();
/** Remembers the in-memory columns a table was built from, so later steps skip re-decoding. */
export function rememberColumns(table: Table, ct: ColumnTable): void {
  cache.set(table, ct);
}

/**
 * Reads an Arrow table (from Parquet or from a caller) into in-memory columns. Integer types
 * that fit in 32 bits become `int`, wider integers become `float` when exact, dictionaries and
 * large strings become `string`.
 */
export function fromArrowTable(table: Table, file: string, nonFinite: 'error' | 'null' = 'error'): ColumnTable {
  const hit = cache.get(table);
  if (hit) return hit;
  const names: string[] = [];
  const columns: Column[] = [];
  const n = table.numRows;
  const seen = new Set<string>();
  for (const field of table.schema.fields) {
    if (seen.has(field.name)) {
      throw dataError('HOKUSAI_DUPLICATE_COLUMN', `column name '${field.name}' appears more than once`, 'Rename the columns so every name is unique', { file, column: field.name });
    }
    seen.add(field.name);
    const vec = table.getChild(field.name) as Vector;
    names.push(field.name);
    columns.push(vectorToColumn(vec, n, file, field.name, nonFinite));
  }
  const ct = { names, columns, rowCount: n };
  cache.set(table, ct);
  return ct;
}

/** Where a column is read from and how a non-finite number is handled, for every reader below. */
interface VectorSource {
  vec: Vector;
  n: number;
  file: string;
  name: string;
  nonFinite: 'error' | 'null';
}

/** One validity byte per row, for the typed columns (text keeps Arrow's bitmap or its nulls). */
function validityOf(vec: Vector, n: number): Uint8Array {
  const valid = new Uint8Array(n);
  let base = 0;
  for (const d of vec.data) {
    if (d.nullCount === 0) valid.fill(1, base, base + d.length);
    else for (let i = 0; i < d.length; i++) valid[base + i] = bitIsSet(d.nullBitmap, d.offset, i) ? 1 : 0;
    base += d.length;
  }
  return valid;
}

/**
 * Float64 and Int32 data is used as it is, or copied whole when it comes in several chunks or
 * holds one of the rare values reading rewrites (-0, NaN, Infinity, a value under a null).
 */
function plainNumberColumn({ vec, n, file, name, nonFinite }: VectorSource): Column {
  const only = vec.data.length === 1 ? (vec.data[0] as Data) : undefined;
  const valid = validityOf(vec, n);
  const ints = vec.data.every((d) => d.values instanceof Int32Array);
  const view = only === undefined ? undefined : (only.values as Float64Array | Int32Array).subarray(0, n);
  if (view !== undefined && !needsRewrite(view, valid, only?.nullCount ?? 0)) {
    const col: Column = view instanceof Int32Array ? { type: 'int', values: view, valid } : { type: 'float', values: view, valid };
    rememberArrowData(col, only as Data);
    return col;
  }
  const out = ints ? new Int32Array(n) : new Float64Array(n);
  let base = 0;
  for (const d of vec.data) {
    out.set((d.values as Float64Array | Int32Array).subarray(0, d.length), base);
    base += d.length;
  }
  if (out instanceof Float64Array) {
    for (let i = 0; i < n; i++) {
      const x = out[i] as number;
      if (x === 0) out[i] = 0; // -0 and 0 are one value (CSV cannot tell them apart)
      else if (x - x !== 0 && valid[i] === 1) {
        if (nonFinite === 'null') valid[i] = 0;
        else throw dataError('HOKUSAI_NON_FINITE', `numeric column holds ${String(x)}`, 'Replace NaN and Infinity with an empty (null) value or a real number', { file, row: i + 1, column: name });
      }
    }
  }
  // Values under a null are whatever the writer left there: zero them, as the slow path does.
  for (let i = 0; i < n; i++) if (valid[i] === 0) out[i] = 0;
  return out instanceof Int32Array ? { type: 'int', values: out, valid } : { type: 'float', values: out, valid };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A signed 64-bit int column (as pyarrow and pandas write ints) whose values all fit in 32 bits,
 * read from each value's two 32-bit halves: no BigInt per value, which made this read several
 * times slower than the Parquet decode itself. Null when a value does not fit (then read as
 * doubles below) or the data is not one plain chunk.
 */
function int64AsInt32Column({ vec, n }: VectorSource): Column | null {
  const t = vec.type as DataType;
  const only = vec.data.length === 1 ? (vec.data[0] as Data) : undefined;
  if (!LITTLE_ENDIAN || only === undefined || only.offset !== 0 || !(only.values instanceof BigInt64Array) || (t as { isSigned?: boolean }).isSigned !== true) return null;
  const wide = only.values;
  const halves = new Int32Array(wide.buffer, wide.byteOffset, n * 2);
  const valid = validityOf(vec, n);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue; // values under a null read as 0
    const lo = halves[2 * i] as number;
    if ((halves[2 * i + 1] as number) !== lo >> 31) return null;
    values[i] = lo;
  }
  const col: Column = { type: 'int', values, valid };
  // The decoder's validity bitmap serves the Int32 data as it is (toArrowTable then packs nothing).
  rememberArrowData(col, makeData({ type: new Int32(), length: n, nullCount: only.nullCount, nullBitmap: only.nullCount > 0 ? only.nullBitmap : null, data: values }) as Data);
  return col;
}

/** Other numbers (64-bit and small ints, float32, decimals) read value by value into doubles. */
function otherNumberColumn(src: VectorSource): Column {
  const { vec, n, file, name, nonFinite } = src;
  const typeId = (vec.type as DataType).typeId;
  const narrow = typeId === Type.Int ? int64AsInt32Column(src) : null;
  if (narrow !== null) return narrow;
  const valid = validityOf(vec, n);
  const isInt = typeId === Type.Int;
  const f = new Float64Array(n);
  let base = 0;
  let allInt32 = isInt;
  for (const d of vec.data) {
    const vals = d.values as ArrayLike<number | bigint>;
    for (let i = 0; i < d.length; i++) {
      if (valid[base + i] === 0) continue;
      const raw = typeId === Type.Decimal ? Number(vec.get(base + i)) : vals[i];
      const x = typeof raw === 'bigint' ? Number(raw) : (raw as number);
      if (isInt && typeof raw === 'bigint' && !Number.isSafeInteger(x)) {
        throw dataError('HOKUSAI_TYPE_MISMATCH', `${describeValue(raw)} does not fit in a double without loss`, 'Store identifiers of this size as strings', { file, row: base + i + 1, column: name });
      }
      if (!Number.isFinite(x)) {
        if (nonFinite === 'null') {
          valid[base + i] = 0;
          continue;
        }
        throw dataError('HOKUSAI_NON_FINITE', `numeric column holds ${String(x)}`, 'Replace NaN and Infinity with an empty (null) value or a real number', { file, row: base + i + 1, column: name });
      }
      f[base + i] = x === 0 ? 0 : x; // -0 and 0 are one value (CSV cannot tell them apart)
      if (allInt32 && (x > 2147483647 || x < -2147483648)) allInt32 = false;
    }
    base += d.length;
  }
  if (allInt32) return { type: 'int', values: Int32Array.from(f), valid };
  return { type: 'float', values: f, valid };
}

function boolColumn({ vec, n }: VectorSource): Column {
  const valid = validityOf(vec, n);
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (valid[i] === 1) v[i] = vec.get(i) ? 1 : 0;
  return { type: 'bool', values: v, valid };
}

/** Arrow JS returns Timestamp values in milliseconds whatever the unit, so one path fits all. */
function timestampColumn({ vec, n }: VectorSource): Column {
  const valid = validityOf(vec, n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    const raw: unknown = vec.get(i);
    v[i] = raw instanceof Date ? raw.getTime() : typeof raw === 'bigint' ? Number(raw) : Number(raw);
  }
  return { type: 'timestamp', values: v, valid };
}

function textColumn({ vec, n, file, name }: VectorSource): Column {
  const typeId = (vec.type as DataType).typeId;
  const only = vec.data.length === 1 ? (vec.data[0] as Data) : undefined;
  if (only !== undefined && only.offset === 0) {
    // One chunk, as readers give it: the strings are decoded when first asked for, and the
    // column converts back to Arrow without touching them.
    const utf8 = typeId === Type.Utf8 ? only : asUtf8(only, file, name);
    const col = lazyStringColumn(() => decodeUtf8Chunks([utf8], n), { offsets: utf8.valueOffsets as Int32Array, bytes: utf8.values as Uint8Array });
    rememberArrowData(col, utf8);
    return col;
  }
  const chunks = vec.data.map((d) => (typeId === Type.Utf8 ? d : asUtf8(d, file, name)));
  return { type: 'string', values: decodeUtf8Chunks(chunks, n) };
}

/** Each distinct value is decoded once and shared by every row that holds it. */
function dictionaryTextColumn(src: VectorSource): Column {
  const out = new Array<string | null>(src.n);
  const decoded = new Map<unknown, (string | null)[]>();
  let base = 0;
  for (const d of src.vec.data) {
    const dict = d.dictionary as Vector | undefined;
    let values = decoded.get(dict);
    if (values === undefined) {
      values = dict === undefined ? [] : (vectorToColumn(dict, dict.length, src.file, src.name, src.nonFinite) as { values: (string | null)[] }).values;
      decoded.set(dict, values);
    }
    const codes = d.values as ArrayLike<number>;
    // The validity read once per chunk, not through Data's getter per row.
    if (d.nullCount === 0) for (let i = 0; i < d.length; i++) out[base + i] = values[codes[i] as number] ?? null;
    else {
      const bitmap = d.nullBitmap;
      for (let i = 0; i < d.length; i++) out[base + i] = bitIsSet(bitmap, d.offset, i) ? (values[codes[i] as number] ?? null) : null;
    }
    base += d.length;
  }
  return { type: 'string', values: out };
}

/** Other dictionaries and all-null columns, as text. */
function valuesAsTextColumn({ vec, n }: VectorSource): Column {
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = vec.get(i);
    out[i] = x === null || x === undefined ? null : String(x);
  }
  return { type: 'string', values: out };
}

/** The reader for an Arrow vector's type. */
function vectorToColumn(vec: Vector, n: number, file: string, name: string, nonFinite: 'error' | 'null'): Column {
  const t = vec.type as DataType;
  const typeId = t.typeId;
  const src: VectorSource = { vec, n, file, name, nonFinite };
  if ((typeId === Type.Float || typeId === Type.Int) && vec.data.every((d) => d.values instanceof Float64Array || d.values instanceof Int32Array)) return plainNumberColumn(src);
  if (typeId === Type.Float || typeId === Type.Int || typeId === Type.Decimal) return otherNumberColumn(src);
  if (typeId === Type.Bool) return boolColumn(src);
  if (typeId === Type.Timestamp || typeId === Type.Date) return timestampColumn(src);
  if (typeId === Type.Utf8 || typeId === Type.LargeUtf8) return textColumn(src);
  if (typeId === Type.Dictionary && (t as Dictionary).dictionary.typeId === Type.Utf8) return dictionaryTextColumn(src);
  if (typeId === Type.Dictionary || typeId === Type.Null) return valuesAsTextColumn(src);
  throw dataError('HOKUSAI_TYPE_MISMATCH', `Arrow type ${t.toString()} is not supported`, 'Use int, float, bool, string or timestamp columns', { file, column: name });
}

/** LargeUtf8 (64-bit offsets, as pandas writes strings) as Utf8, sharing the bytes. */
function asUtf8(d: Data, file: string, name: string): Data {
  const wide = d.valueOffsets as unknown as BigInt64Array;
  const offsets = new Int32Array(d.length + 1);
  const first = wide[0] as bigint;
  if ((wide[d.length] as bigint) - first > 0x7fffffffn) {
    throw dataError('HOKUSAI_INVALID_OPTIONS', 'a string column holds more than 2 GiB of text', 'Split the dataset into smaller files', { file, column: name });
  }
  for (let i = 0; i <= d.length; i++) offsets[i] = Number((wide[i] as bigint) - first);
  const bytes = (d.values as Uint8Array).subarray(Number(first));
  return makeData({ type: new Utf8(), offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap ?? null, valueOffsets: offsets, data: bytes }) as Data;
}

/** Whether reading must change a value: -0, NaN or Infinity, or a value under a null. */
function needsRewrite(values: Float64Array | Int32Array, valid: Uint8Array, nullCount: number): boolean {
  if (values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      if (x === 0 ? 1 / x < 0 : x - x !== 0) return true;
    }
  }
  if (nullCount > 0) for (let i = 0; i < values.length; i++) if (valid[i] === 0 && values[i] !== 0) return true;
  return false;
}
