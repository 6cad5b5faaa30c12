import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RecordBatchReader, Type } from 'apache-arrow';
import type { DataType, Dictionary } from 'apache-arrow';
import type { Column, ColumnTable } from './column.js';
import { rememberNullCount, stringColumnFromUtf8 } from './utf8-column.js';

// The Parquet reader's native path (native/parquet-read.c, built with the package when a C
// compiler and Node's headers are at hand): a flat file of the common subset decoded straight into
// columns, the file's SHA-256 taken beside. It reads only what the parquet-wasm path reads the same
// way, and gives the rest up: the caller then reads the file through parquet-wasm, errors and all.

/** A column as the native reader hands it over (its memory owned by the arrays). */
interface NativeColumn {
  name: string;
  /** 0 int, 1 float, 2 bool, 3 text. */
  kind: 0 | 1 | 2 | 3;
  values?: Int32Array | Float64Array | Uint8Array;
  offsets?: Int32Array;
  bytes?: Uint8Array;
  valid: Uint8Array;
  nulls: number;
}

type NativeRead = { gaveUp: string } | { rows: number; columns: NativeColumn[]; sha256?: string; arrowSchema?: string };

interface NativeParquetReader {
  read(path: string, threads: number, hash: number): Promise<NativeRead>;
  /** Whether read() can take the file's SHA-256 (Node's OpenSSL found). */
  hashes: boolean;
}

let loaded: NativeParquetReader | null | undefined;

/** The native Parquet reader, or null where it was not built or cannot load, or when HOKUSAI_PARQUET_NATIVE=0. */
export function nativeParquetReader(): NativeParquetReader | null {
  if (process.env['HOKUSAI_PARQUET_NATIVE'] === '0') return null;
  if (loaded === undefined) {
    loaded = null;
    for (const url of [new URL('./native/parquet-read.node', import.meta.url), new URL('../dist/native/parquet-read.node', import.meta.url)]) {
      const path = fileURLToPath(url);
      if (!existsSync(path)) continue;
      try {
        loaded = createRequire(import.meta.url)(path) as NativeParquetReader;
      } catch {
        loaded = null;
      }
      break;
    }
  }
  return loaded;
}

export type NativeParquetRead = { ct: ColumnTable; sha256?: string } | { gaveUp: string };

/**
 * Reads a Parquet file of the subset the native decoder handles into columns, as the parquet-wasm
 * path and fromArrowTable would; { gaveUp } for anything else (see native/parquet-read.c), and
 * when the file's Arrow schema gives a column a type that path reads differently (a duration, a
 * dictionary of numbers) or two columns share a name. `threads`: 1, or 2 to decode columns on two.
 */
export async function readParquetNative(path: string, file: string, options: { hash: boolean; threads?: 1 | 2 }): Promise<NativeParquetRead> {
  void file;
  const reader = nativeParquetReader();
  if (reader === null) return { gaveUp: 'the native Parquet reader is not built' };
  let r: NativeRead;
  try {
    r = await reader.read(path, options.threads ?? 2, options.hash && reader.hashes ? 1 : 0);
  } catch {
    return { gaveUp: 'a path the native reader does not take' };
  }
  if ('gaveUp' in r) return r;
  const names = r.columns.map((c) => c.name);
  if (new Set(names).size !== names.length) return { gaveUp: 'two columns share a name' };
  if (r.arrowSchema !== undefined) {
    const why = arrowSchemaDisagrees(r.arrowSchema, r.columns);
    if (why !== null) return { gaveUp: why };
  }
  const columns = r.columns.map((c): Column => {
    rememberNullCount(c.valid, c.nulls);
    switch (c.kind) {
      case 0:
        return { type: 'int', values: c.values as Int32Array, valid: c.valid };
      case 1:
        return { type: 'float', values: c.values as Float64Array, valid: c.valid };
      case 2:
        return { type: 'bool', values: c.values as Uint8Array, valid: c.valid };
      default:
        return stringColumnFromUtf8({ offsets: c.offsets as Int32Array, bytes: c.bytes as Uint8Array }, c.valid);
    }
  });
  const ct: ColumnTable = { names, columns, rowCount: r.rows };
  return options.hash && r.sha256 !== undefined ? { ct, sha256: r.sha256 } : { ct };
}

/**
 * Why the Arrow schema a writer stored (pyarrow and parquet-wasm do) makes parquet-wasm read a
 * column differently from its Parquet types, or null when it does not. parquet-wasm follows that
 * schema: an int64 stored as a duration, or numbers as a dictionary (which the Arrow conversion
 * reads as text), come out of it as other columns than the native decoder's.
 */
function arrowSchemaDisagrees(base64: string, columns: NativeColumn[]): string | null {
  let fields;
  try {
    const message = Buffer.from(base64, 'base64');
    // The stored schema is an IPC message; an end-of-stream marker makes it a stream to read.
    const reader = RecordBatchReader.from(Buffer.concat([message, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]));
    reader.open();
    fields = reader.schema.fields;
  } catch {
    return 'an Arrow schema that does not read';
  }
  if (fields.length !== columns.length) return 'an Arrow schema of other columns';
  for (const [k, f] of fields.entries()) {
    const c = columns[k] as NativeColumn;
    if (f.name !== c.name || !sameReading(f.type as DataType, c.kind)) return `an Arrow type read otherwise (${String(f.type)})`;
  }
  return null;
}

/** Whether parquet-wasm's column of Arrow type `t` reads as the native kind. */
function sameReading(t: DataType, kind: NativeColumn['kind']): boolean {
  switch (t.typeId) {
    case Type.Int:
    case Type.Int8:
    case Type.Int16:
    case Type.Int32:
    case Type.Int64:
    case Type.Uint8:
    case Type.Uint16:
    case Type.Uint32:
      return kind === 0 || kind === 1;
    case Type.Float:
    case Type.Float32:
    case Type.Float64:
      return kind === 1;
    case Type.Bool:
      return kind === 2;
    case Type.Utf8:
    case Type.LargeUtf8:
      return kind === 3;
    case Type.Dictionary:
      return kind === 3 && [Type.Utf8, Type.LargeUtf8].includes((t as Dictionary).dictionary.typeId);
    default:
      return false;
  }
}
