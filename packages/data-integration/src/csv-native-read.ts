import type { ColumnReadStats } from './column-builder.js';
import type { Column, ColumnType } from './column.js';
import { isNullToken, NON_FINITE_TOKENS, parseBool, parseNumberText, parseTimestamp } from './text-values.js';
import { roomsFit } from './csv-scan.js';
import { ownSharedBufferIfGranted } from './shared-array.js';
import { loadNativeModule } from './native-module.js';
import { rememberNullCount, stringColumnFromUtf8 } from './utf8-column.js';

// The CSV reader's native path (native/csv-read.c, built with the package when a C compiler and
// Node's headers are at hand): a file of plain rows read into columns in C, on two threads for a
// large file. It reads only what it reads exactly as the JavaScript reader would, and gives the
// rest up: the caller then reads the file as before, errors and all.

/** A column as the native reader hands it over (its memory owned by the arrays). */
interface NativeColumn {
  values?: Float64Array | Int32Array;
  /** A numeric column whose numbers the reader kept for take(). */
  allInt?: boolean;
  offsets?: Int32Array;
  bytes?: Uint8Array;
  valid: Uint8Array;
  /** Null rows (zeros in `valid`). */
  nulls: number;
  /** `valid` packed as Arrow's bitmap, where there are nulls. */
  bitmap?: Uint8Array;
}

type NativeRead = { gaveUp: string } | { rows: number; threads: number; columns: NativeColumn[]; handle?: object; sha256?: string };

interface NativeReader {
  read?(path: string, delimiter: number, header: number, columns: number, maxRowBytes: number, threads: number, splitMinBytes: number, keepNumbers: number, hash: number): Promise<NativeRead>;
  /** Whether read() can take the file's SHA-256 on the way (Node's OpenSSL found). */
  hashes?: boolean;
  take(handle: object, column: number, values: Float64Array | Int32Array): void;
  release(handle: object): void;
}

let loaded: NativeReader | null | undefined;

/**
 * The native reader, or null where it was not built or cannot load (another platform, another
 * C library), or when HOKUSAI_CSV_NATIVE=0 turns it off.
 */
export function nativeCsvReader(): NativeReader | null {
  if (process.env['HOKUSAI_CSV_NATIVE'] === '0') return null;
  if (loaded === undefined) loaded = loadNativeModule<NativeReader>('csv-read.node');
  return loaded;
}

export interface NativeReadOptions {
  delimiter: string;
  header: boolean;
  names: string[];
  maxRowBytes: number;
  threads: number;
  /** A file at least this large is read in two parts, on two threads, when `threads` is 2 (default 4 MiB). */
  splitMinBytes?: number;
  /**
   * Numbers placed in shared memory (each column a mapping of its own, see ownSharedBuffer), so
   * that a loader thread hands the table on without copying them (see sharedHandOff).
   */
  sharedNumbers?: boolean;
  /** The file's SHA-256 taken from the bytes the read goes through, where the module can. */
  hash?: boolean;
}

/** Files at least this large are read in two parts (see NativeReadOptions.splitMinBytes). */
const SPLIT_MIN_BYTES = 4 << 20;

export interface NativeReadResult {
  columns: Column[];
  builders: ColumnReadStats[];
  rowCount: number;
  threads: number;
  /** The file's SHA-256 (hex), when asked for and taken. */
  sha256?: string;
}

/** Whether `text`, a text column's first value, makes the JavaScript reader's column text (ColumnBuilder.pushText). */
function readAsText(text: string): boolean {
  return !isNullToken(text) && !parseNumberText(text) && !NON_FINITE_TOKENS.has(text) && parseBool(text) < 0 && Number.isNaN(parseTimestamp(text));
}

const noFailures = (type: ColumnType): ColumnReadStats => ({ nonFiniteCount: 0, firstNonFinite: 0, typeFailureCount: 0, typeFailures: [], inferredType: () => type });

/**
 * Reads a CSV file (no column declared a type) through the native reader: its columns, or null
 * when the reader is missing or gave the file up (see native/csv-read.c). `whileRead` runs on
 * this thread once the read has started on others.
 */
export async function readCsvNative(path: string, o: NativeReadOptions, whileRead?: (hashing: boolean) => void): Promise<NativeReadResult | null> {
  const reader = nativeCsvReader();
  const delim = o.delimiter.charCodeAt(0);
  if (reader?.read === undefined || o.delimiter.length !== 1 || delim > 127 || o.names.length === 0) return null;
  let pending: Promise<NativeRead>;
  const hashing = o.hash === true && reader.hashes === true;
  try {
    pending = reader.read(path, delim, o.header ? 1 : 0, o.names.length, o.maxRowBytes, o.threads, o.splitMinBytes ?? SPLIT_MIN_BYTES, o.sharedNumbers === true ? 1 : 0, hashing ? 1 : 0);
  } catch {
    // Arguments it does not take (a path longer than 4 KiB, a row limit past 1 TiB, more than
    // 4,096 columns).
    return null;
  }
  whileRead?.(hashing);
  const r = await pending;
  if ('gaveUp' in r) return null;
  try {
    const read = columnsOf(r, reader);
    return read !== null && r.sha256 !== undefined ? { ...read, sha256: r.sha256 } : read;
  } finally {
    if (r.handle !== undefined) reader.release(r.handle);
  }
}

/** A read's columns, numbers the reader kept taken into shared memory; null when the JavaScript reader decides. */
function columnsOf(r: Exclude<NativeRead, { gaveUp: string }>, reader: NativeReader): NativeReadResult | null {
  const columns: Column[] = [];
  const builders: ColumnReadStats[] = [];
  // As for the JavaScript reader's rooms: thousands of columns would reserve too much address space.
  const shared = roomsFit(r.columns.length, r.rows);
  for (const [k, c] of r.columns.entries()) {
    rememberNullCount(c.valid, c.nulls, c.bitmap);
    if (c.allInt !== undefined && r.handle !== undefined) {
      const type = c.allInt ? 'int' : 'float';
      const values = numbersFor(type, r.rows, shared);
      reader.take(r.handle, k, values);
      columns.push({ type, values, valid: c.valid } as Column);
      builders.push(noFailures(type));
      continue;
    }
    if (c.offsets !== undefined && c.bytes !== undefined) {
      // The C reader took a column for text from its first value; the JavaScript reader decides.
      const first = c.valid.indexOf(1);
      const text = Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength).toString('utf8', c.offsets[first], c.offsets[first + 1]);
      if (first < 0 || !readAsText(text)) return null;
      columns.push(stringColumnFromUtf8({ offsets: c.offsets, bytes: c.bytes }, c.valid));
      builders.push(noFailures('string'));
    } else if (c.values instanceof Int32Array) {
      columns.push({ type: 'int', values: c.values, valid: c.valid });
      builders.push(noFailures('int'));
    } else {
      columns.push({ type: 'float', values: c.values as Float64Array, valid: c.valid });
      builders.push(noFailures('float'));
    }
  }
  return { columns, builders, rowCount: r.rows, threads: r.threads };
}

/** `n` numbers, in shared memory of their own when `shared` and the address space is granted. */
function numbersFor(type: 'int' | 'float', n: number, shared: boolean): Int32Array | Float64Array {
  const width = type === 'int' ? 4 : 8;
  const buffer = (shared ? ownSharedBufferIfGranted(n * width) : undefined) ?? new ArrayBuffer(n * width);
  return type === 'int' ? new Int32Array(buffer, 0, n) : new Float64Array(buffer, 0, n);
}
