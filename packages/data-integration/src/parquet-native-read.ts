import { ARROW_TYPE, storedArrowFields } from './arrow-schema-fields.js';
import type { StoredArrowField } from './arrow-schema-fields.js';
import type { Column, ColumnTable } from './column.js';
import { loadNativeModule } from './native-module.js';
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
  /** How its values were read (SOURCE), and an integer column's width. */
  source: number;
  bits: number;
  values?: Int32Array | Float64Array | Uint8Array;
  offsets?: Int32Array;
  bytes?: Uint8Array;
  valid: Uint8Array;
  nulls: number;
  /** `valid` packed as Arrow's bitmap, where there are nulls. */
  bitmap?: Uint8Array;
}

/** A column's Parquet type as the decoder read it (SRC_* in native/parquet-read.c). */
const SOURCE = { bool: 0, int32: 1, uint32: 2, int64: 3, float: 4, double: 5, text: 6 } as const;

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
  if (loaded === undefined) loaded = loadNativeModule<NativeParquetReader>('parquet-read.node');
  return loaded;
}

export type NativeParquetRead = { ct: ColumnTable; sha256?: string } | { gaveUp: string };

/**
 * Reads a Parquet file of the subset the native decoder handles into columns, as the parquet-wasm
 * path and fromArrowTable would; { gaveUp } for anything else (see native/parquet-read.c), and
 * when the file's Arrow schema gives a column a type that path reads differently (a duration, a
 * dictionary of numbers) or two columns share a name. `threads`: 1, or 2 to decode columns on two.
 */
export async function readParquetNative(path: string, options: { hash: boolean; threads?: 1 | 2 }): Promise<NativeParquetRead> {
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
    rememberNullCount(c.valid, c.nulls, c.bitmap);
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
 * column otherwise than the native decoder, or null when it does not. parquet-wasm follows that
 * schema (an int64 stored as a duration, numbers as a dictionary, which the Arrow conversion reads
 * as text) and rejects the file when it is damaged; only the type the Parquet column itself gives
 * (or text as a dictionary, or as large_string) reads the same.
 */
function arrowSchemaDisagrees(base64: string, columns: NativeColumn[]): string | null {
  const fields = storedArrowFields(base64);
  if (fields === null) return 'a stored Arrow schema that does not read';
  if (fields.length !== columns.length) return 'a stored Arrow schema of other columns';
  for (const [k, f] of fields.entries()) {
    const c = columns[k] as NativeColumn;
    if (f.name !== c.name || f.children !== 0 || !sameReading(f, c)) return `a column the stored Arrow schema types otherwise (type ${f.type})`;
  }
  return null;
}

/** Whether the stored Arrow field is the type the Parquet column reads as, as parquet-wasm reads it. */
function sameReading(f: StoredArrowField, c: NativeColumn): boolean {
  if (c.source === SOURCE.text) return f.type === ARROW_TYPE.Utf8 || f.type === ARROW_TYPE.LargeUtf8;
  if (f.dictionary) return false;
  switch (c.source) {
    case SOURCE.bool:
      return f.type === ARROW_TYPE.Bool;
    case SOURCE.int32:
    case SOURCE.uint32:
    case SOURCE.int64:
      return f.type === ARROW_TYPE.Int && f.bitWidth === c.bits && f.isSigned === (c.source !== SOURCE.uint32);
    case SOURCE.float:
      return f.type === ARROW_TYPE.FloatingPoint && f.bitWidth === 1;
    default:
      return f.type === ARROW_TYPE.FloatingPoint && f.bitWidth === 2;
  }
}
