import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { z } from 'zod';
import { assertNoPiiInNames } from './column-name-pii.js';
import { DataIntegrationError, dataError } from './errors.js';
import type { Column, ColumnTable, ColumnType } from './column.js';
import type { ColumnReadStats } from './column-builder.js';
import { readCsv } from './csv-reader.js';
import { readJson, readJsonl } from './json-reader.js';
import { readParquetFile } from './parquet-reader.js';
import { nativeParquetReader, readParquetNative } from './parquet-native-read.js';
import { fileSha256 } from './file-sha256.js';
import { nativeCsvReader } from './csv-native-read.js';
import { fileSha256Beside } from './file-hash-beside.js';
import { fromArrowTable, rememberColumns, toArrowTable } from './arrow-convert.js';
import { buildManifest } from './manifest.js';
import { rememberSource } from './source-info.js';
import type { DataFormat, DatasetManifest, LoadedDataset } from './dataset.js';
import { parseDatasetSchema } from './dataset-schema.js';
import type { DatasetSchema, DatasetSchemaInput } from './dataset-schema.js';
import { validateColumns } from './validation.js';
import type { TypeFailureInput } from './validation.js';
import { describeValue } from './cell-description.js';

export interface LoadOptions {
  /** Overrides detection by extension and content. */
  format?: DataFormat;
  /** Declared types take precedence over inference; the other checks produce `validation`. */
  schema?: DatasetSchema | DatasetSchemaInput;
  /** CSV only: forced delimiter (default: sniffed among , ; tab |). */
  delimiter?: string;
  /** CSV only: whether the first row is a header (default: sniffed). */
  header?: boolean;
  /** NaN or Infinity in a numeric column: an error (default), or read as null. */
  nonFinite?: 'error' | 'null';
  /** Rows longer than this many bytes are rejected (default 64 MiB). */
  maxRowBytes?: number;
  /** How much of the file has been read (kB), a few times a second while CSV is parsed and once at the end. */
  onProgress?: (p: LoadProgress) => void;
  /**
   * CSV only: threads that parse one file (1 or 2; 2 applies to files of 16 MiB or more on a
   * machine with two cores or more). Unset, the native reader (when built) uses two and the
   * JavaScript reader one: a second JavaScript thread (its start, the join of the halves) gains no
   * time on a 1M-row file, a second native thread halves the read.
   */
  parseThreads?: 1 | 2;
  /**
   * CSV only: the file's SHA-256 as the caller computed it (the pipeline does, for the run id),
   * with the file's size, times and inode then. When the file has that same stat when its
   * reading starts and when it ends, it is not hashed again; otherwise it is hashed as it is
   * read, as without this option (a file changed while it was read is read again).
   */
  knownSha256?: KnownFileHash;
}

/** A file's SHA-256 and the stat it had when it was hashed (see LoadOptions.knownSha256). */
export interface KnownFileHash {
  sha256: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Whether a file's stat is the one a known hash was made under (the file is still the one hashed). */
export function sameFileStat(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }, known: Omit<KnownFileHash, 'sha256'>): boolean {
  return st.size === known.size && st.mtimeMs === known.mtimeMs && st.ctimeMs === known.ctimeMs && st.ino === known.ino;
}

export interface LoadProgress {
  unit: 'kB';
  done: number;
  total: number;
}

/** Reports at most every 250 ms, and always the end. */
function progressReporter(onProgress: ((p: LoadProgress) => void) | undefined, totalBytes: number): { add(bytes: number): void; end(): void } {
  const total = Math.ceil(totalBytes / 1024);
  let read = 0;
  let last = 0;
  return {
    add(bytes) {
      read += bytes;
      const now = Date.now();
      if (onProgress !== undefined && now - last >= 250) {
        last = now;
        onProgress({ unit: 'kB', done: Math.min(total, Math.floor(read / 1024)), total });
      }
    },
    end() {
      onProgress?.({ unit: 'kB', done: total, total });
    },
  };
}

const loadOptionsSpec = z
  .object({
    format: z.enum(['csv', 'json', 'jsonl', 'parquet']).optional(),
    schema: z.unknown().optional(),
    delimiter: z.string().length(1).optional(),
    header: z.boolean().optional(),
    nonFinite: z.enum(['error', 'null']).optional(),
    maxRowBytes: z.number().int().positive().optional(),
    parseThreads: z.union([z.literal(1), z.literal(2)]).optional(),
    knownSha256: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number(), mtimeMs: z.number(), ctimeMs: z.number(), ino: z.number() }).strict().optional(),
    onProgress: z.custom<(p: LoadProgress) => void>((v) => typeof v === 'function', { message: 'expected a function' }).optional(),
  })
  .strict();

const EXT: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** Format from the extension, or from the first bytes when the extension says nothing. */
export async function detectFormat(path: string): Promise<DataFormat> {
  const byExt = EXT[extname(path).toLowerCase()];
  if (byExt) return byExt;
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, 4096, 0);
    const text = head.subarray(0, bytesRead);
    if (text.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
    const trimmed = text.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (trimmed.startsWith('[')) return 'json';
    if (trimmed.startsWith('{')) return 'jsonl';
    return 'csv';
  } finally {
    await fh.close();
  }
}

function collectTypeFailures(names: string[], builders: readonly ColumnReadStats[]): TypeFailureInput[] {
  const out: TypeFailureInput[] = [];
  builders.forEach((b, k) => {
    if (b.typeFailureCount > 0) out.push({ column: names[k] as string, count: b.typeFailureCount, samples: [...b.typeFailures] });
  });
  return out;
}

/**
 * Loads a CSV, JSON, JSON Lines or Parquet file into an Arrow table with its manifest.
 * Large CSV and JSON Lines files are streamed; the file's text is never held whole.
 */
export async function loadDataset(path: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  return load(path, options, 'beside');
}

/**
 * loadDataset for a loader thread that hands the table on (sharedHandOff): a CSV file's numbers
 * are read into shared memory, so they are sent without a copy. Within the package only: a
 * caller's table would otherwise hold buffers other threads may write.
 */
export async function loadDatasetSharing(path: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  return load(path, options, 'beside', true);
}

/**
 * loadDataset for a file of the package's own making whose hash no one reads (a chunk of a file
 * read in batches, whose own hash the splitting pass took): its table only, the file not hashed.
 * Its `manifest` and the table's source carry an empty SHA-256.
 */
export async function loadTableUnhashed(path: string, options: LoadOptions): Promise<LoadedDataset> {
  return load(path, options, 'none');
}

/**
 * How the file is hashed: 'beside', a large file on another thread while this one parses it;
 * 'inline', as it is parsed; 'none', not at all (loadTableUnhashed).
 */
type Hashing = 'beside' | 'inline' | 'none';

/** NaN or Infinity read in a column that is not text (and read as missing) is an error, unless asked. */
export function assertFinite(names: readonly string[], stats: readonly Pick<ColumnReadStats, 'nonFiniteCount' | 'firstNonFinite' | 'inferredType'>[], file: string): void {
  stats.forEach((b, k) => {
    if (b.nonFiniteCount > 0 && b.inferredType() !== 'string') {
      throw dataError('HOKUSAI_NON_FINITE', `numeric column holds NaN or Infinity (${b.nonFiniteCount} cells)`, "Replace them with an empty value, or pass nonFinite: 'null' to read them as missing", { file, row: b.firstNonFinite, column: names[k] as string, context: { count: b.nonFiniteCount } });
    }
  });
}

async function load(path: string, options: LoadOptions, hashing: Hashing, sharedNumbers = false): Promise<LoadedDataset> {
  const hashBeside = hashing === 'beside';
  const unhashed = hashing === 'none';
  const opts = loadOptionsSpec.safeParse(options);
  if (!opts.success) {
    throw dataError('HOKUSAI_INVALID_OPTIONS', `invalid load options (${opts.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`, 'Check the options passed to loadDataset', { file: path });
  }
  const file = path;
  const schema = options.schema === undefined ? undefined : parseDatasetSchema(options.schema);
  let fileBytes = 0;
  // The caller's hash of the file serves when the file is still the one it hashed.
  let known: KnownFileHash | undefined;
  let before: Omit<KnownFileHash, 'sha256'>;
  try {
    const st = await stat(path);
    before = st;
    if (!st.isFile()) throw dataError('HOKUSAI_FILE_NOT_FOUND', 'the path is not a file', 'Pass the path of a data file', { file });
    fileBytes = st.size;
    if (unhashed) known = { sha256: '', size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    else if (options.knownSha256 !== undefined && sameFileStat(st, options.knownSha256)) known = options.knownSha256;
  } catch (err) {
    if (err instanceof DataIntegrationError) throw err;
    throw dataError('HOKUSAI_FILE_NOT_FOUND', 'the file does not exist or cannot be read', 'Check the path', { file });
  }
  const format = options.format ?? (await detectFormat(path));
  const progress = progressReporter(options.onProgress, fileBytes);
  const declared = new Map<string, ColumnType>((schema?.columns ?? []).map((c) => [c.name, c.type]));
  let ct: ColumnTable;
  let builders: readonly ColumnReadStats[] = [];
  // null: the file could not be hashed beside the parse (see the check below).
  let sha: string | null;
  // Hashed from a read of its own; the stat check below tells whether that read saw the bytes parsed.
  // The native CSV reader hashes the file on the way (its second thread, over the bytes it counts
  // and reads), or else this thread hashes it while the parse runs on others (onNative below).
  const nativeCsv = format === 'csv' && declared.size === 0 && nativeCsvReader() !== null;
  // The native Parquet reader hashes the file as it reads it (where Node's OpenSSL is at hand).
  const nativeParquet = format === 'parquet' ? nativeParquetReader() : null;
  const beside = known === undefined && hashBeside && !nativeCsv && nativeParquet?.hashes !== true ? fileSha256Beside(path, fileBytes) : undefined;
  // The hash of a file the native CSV reader parsed: its own, or from a read of its own on this thread.
  let apart: Promise<string | null> | undefined;
  // Whether the native reader started on the file (then the stat check below runs, as for a hash
  // apart: a file it gave up is read again from the start), and whether it hashes it.
  let nativeTried = false;
  let nativeHashing = false;
  if (format === 'csv') {
    const hash = known === undefined && beside === undefined ? createHash('sha256') : undefined;
    const r = await readCsv(path, {
      file,
      declared,
      ...(hash !== undefined
        ? {
            onChunk: (b: Buffer) => {
              // Hashed apart once the native reader took the file (even if it then gave it up).
              if (apart === undefined) hash.update(b);
              progress.add(b.length);
            },
            // The native reader does not hand the bytes to JavaScript: it hashes them itself
            // (where Node's OpenSSL is at hand) or this thread, free while it parses, hashes the
            // file from a read of its own.
            onNative: (hashing: boolean) => {
              nativeTried = true;
              nativeHashing = hashing;
              if (!hashing) apart = fileSha256(path).catch(() => null);
            },
          }
        : { onBytes: (n: number) => progress.add(n) }),
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
      ...(options.header !== undefined ? { header: options.header } : {}),
      ...(options.maxRowBytes !== undefined ? { maxRowBytes: options.maxRowBytes } : {}),
      ...(options.parseThreads !== 2 ? { splitMinBytes: Number.POSITIVE_INFINITY } : {}),
      ...(options.parseThreads === 1 ? { nativeThreads: 1 } : {}),
      ...(sharedNumbers ? { sharedNumbers } : {}),
    });
    ct = r.table;
    builders = r.builders;
    // Its second thread hashed part of the file from a read of its own: the stat check below holds.
    if (r.native && nativeHashing) apart = r.sha256 !== undefined ? Promise.resolve(r.sha256) : fileSha256(path).catch(() => null);
    sha = apart !== undefined ? await apart : hash !== undefined ? hash.digest('hex') : (known?.sha256 ?? (await (beside as Promise<string | null>)));
  } else if (format === 'jsonl' || format === 'json') {
    const r = format === 'json' ? await readJson(path, { file, declared }) : await readJsonl(path, { file, declared, ...(options.maxRowBytes !== undefined ? { maxRowBytes: options.maxRowBytes } : {}) });
    ct = r.table;
    builders = r.builders;
    sha = known?.sha256 ?? (await (beside ?? fileSha256(path)));
  } else {
    nativeTried = nativeParquet !== null;
    ({ ct, sha } = await readParquetColumns(path, file, { known, beside, native: nativeTried, threads: options.parseThreads === 1 ? 1 : 2, nonFinite: options.nonFinite ?? 'error' }));
    if (ct.rowCount === 0) throw dataError('HOKUSAI_HEADER_ONLY', 'the file has columns but no rows', 'Add at least one row', { file });
    ct = applyDeclaredTypes(ct, declared, file);
  }
  // Changed while it was read (or gone before it was hashed): the bytes parsed may not be the ones
  // hashed; read it again, hashing what is parsed.
  const hashedApart = !unhashed && (known !== undefined || beside !== undefined || apart !== undefined || nativeTried || (hashBeside && (format === 'json' || format === 'jsonl')));
  if (sha === null || (hashedApart && !sameFileStat(await stat(path).catch(() => ({ size: -1, mtimeMs: 0, ctimeMs: 0, ino: 0 })), before))) {
    return load(path, { ...options, knownSha256: undefined }, 'inline', sharedNumbers);
  }
  if ((options.nonFinite ?? 'error') === 'error') assertFinite(ct.names, builders, file);
  const typeFailures = collectTypeFailures(ct.names, builders);
  if (typeFailures.length > 0) {
    const first = typeFailures[0] as TypeFailureInput;
    // The validation report shows failing values only for columns checked not to look like PII.
    const report = validateColumns(ct, schema ?? { columns: [], extraColumns: 'allow' }, file, typeFailures);
    const firstFailure = report.failures.find((f) => f.column === first.column && f.check === 'type');
    const shown = firstFailure?.first_values[0];
    const firstValue = typeof shown === 'string' && shown === first.samples[0]?.value ? JSON.stringify(shown) : String(shown);
    throw dataError('HOKUSAI_TYPE_MISMATCH', `${first.count} value(s) do not match the declared type ${declared.get(first.column) ?? ''} (first: ${firstValue})${typeFailures.length > 1 ? `; ${typeFailures.length - 1} more column(s) also fail` : ''}`, 'Fix the values or the declared type', { file, row: first.samples[0]?.row, column: first.column, context: { failures: report.failures } });
  }
  if (schema) {
    const missing = schema.columns.filter((c) => !ct.names.includes(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw dataError('HOKUSAI_SCHEMA_MISMATCH', `declared column(s) ${missing.map((m) => `'${m}'`).join(', ')} are missing; the file has ${ct.names.map((m) => `'${m}'`).join(', ')}`, 'Add the columns to the file or remove them from the schema', { file, column: missing[0] });
    }
  }
  // Columns read from Parquet keep the decoder's buffers (see toArrowTable).
  progress.end();
  assertNoPiiInNames(ct.names, file);
  const table = toArrowTable(ct);
  const fileSha = sha;
  rememberColumns(table, ct);
  rememberSource(table, { format, file_sha256: fileSha });
  // The manifest (content hash, distinct counts) costs about as much as parsing; it is built on
  // first access and kept, so a caller that only needs the table does not pay for it.
  let manifest: DatasetManifest | undefined;
  const loaded = {
    table,
    path,
    get manifest(): DatasetManifest {
      manifest ??= buildManifest(ct, { source_path: path, format, file_sha256: fileSha });
      return manifest;
    },
  } as LoadedDataset;
  if (schema) loaded.validation = validateColumns(ct, schema, file);
  return loaded;
}

/**
 * A Parquet file's columns and SHA-256 (null: hashed beside and that failed): the native decoder
 * first, when `native` (it gives up what it would not read as parquet-wasm does), then parquet-wasm.
 */
async function readParquetColumns(path: string, file: string, o: { known: KnownFileHash | undefined; beside: Promise<string | null> | undefined; native: boolean; threads: 1 | 2; nonFinite: 'error' | 'null' }): Promise<{ ct: ColumnTable; sha: string | null }> {
  const native = o.native ? await readParquetNative(path, { hash: o.known === undefined && o.beside === undefined, threads: o.threads }) : undefined;
  if (native !== undefined && 'ct' in native) return { ct: native.ct, sha: o.known?.sha256 ?? native.sha256 ?? (await (o.beside ?? fileSha256(path).catch(() => null))) };
  const { table, sha256 } = await readParquetFile(path, file, { hash: o.known === undefined && o.beside === undefined });
  return { ct: fromArrowTable(table, file, o.nonFinite), sha: o.known?.sha256 ?? sha256 ?? (await (o.beside as Promise<string | null>)) };
}

/** Parquet carries its own types; a declared schema may still narrow or widen them. */
function applyDeclaredTypes(ct: ColumnTable, declared: ReadonlyMap<string, ColumnType>, file: string): ColumnTable {
  if (declared.size === 0) return ct;
  const columns = ct.columns.map((col, k): Column => {
    const want = declared.get(ct.names[k] as string);
    if (!want || want === col.type) return col;
    if (want === 'float' && col.type === 'int') return { type: 'float', values: Float64Array.from(col.values), valid: col.valid };
    if (want === 'int' && col.type === 'float') {
      for (let i = 0; i < col.values.length; i++) {
        const v = col.values[i] as number;
        if (col.valid[i] === 1 && (!Number.isInteger(v) || v > 2147483647 || v < -2147483648)) {
          throw dataError('HOKUSAI_TYPE_MISMATCH', `${describeValue(v)} is not a 32-bit integer`, 'Fix the value or declare the column as float', { file, row: i + 1, column: ct.names[k] as string });
        }
      }
      return { type: 'int', values: Int32Array.from(col.values), valid: col.valid };
    }
    if (want === 'string') {
      const out = new Array<string | null>(ct.rowCount);
      for (let i = 0; i < ct.rowCount; i++) {
        out[i] = col.type === 'string' ? (col.values[i] ?? null) : col.valid[i] === 0 ? null : String(col.values[i]);
      }
      return { type: 'string', values: out };
    }
    throw dataError('HOKUSAI_TYPE_MISMATCH', `the Parquet column is ${col.type} but the schema declares ${want}`, 'Fix the declared type or convert the column', { file, column: ct.names[k] as string });
  });
  return { ...ct, columns };
}
