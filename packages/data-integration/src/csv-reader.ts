import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dataError } from './errors.js';
import type { ColumnBuilder, ColumnReadStats } from './column-builder.js';
import { finishColumn } from './column-finish.js';
import { checkNames, fieldText, newState, readRange, scanBuffer, scanFile } from './csv-scan.js';
import type { RangeRead } from './csv-scan.js';
import { readCsvNative } from './csv-native-read.js';
import { readSplit } from './csv-split.js';
import type { ColumnTable, ColumnType } from './column.js';
import { isNullToken, parseNumberText } from './text-values.js';

export interface CsvReadOptions {
  /** Name used in error messages. */
  file: string;
  delimiter?: string;
  header?: boolean;
  declared?: ReadonlyMap<string, ColumnType>;
  chunkBytes?: number;
  /** A single row longer than this is rejected instead of being buffered. */
  maxRowBytes?: number;
  /** Sees every byte of the file once, in order (used for the file's SHA-256). */
  onChunk?: (bytes: Buffer) => void;
  /** Files of at least this many bytes are parsed by two threads (default 16 MiB). */
  splitMinBytes?: number;
  /** Numbers read in one pass placed in shared memory (see RangeOptions.sharedNumbers). */
  sharedNumbers?: boolean;
  /** Sees how many bytes were read, as onChunk does, where the bytes themselves are not needed. */
  onBytes?: (bytes: number) => void;
  /**
   * Files of at least this many bytes go to the native reader when it is built (see
   * csv-native-read; default 1 MiB), unless `onChunk` needs their bytes or a column is declared.
   * Infinity: never.
   */
  nativeMinBytes?: number;
  /** Threads the native reader may use (default 2: it splits a file of 4 MiB or more). */
  nativeThreads?: number;
  /** Files at least this large the native reader splits over its threads (default 4 MiB). */
  nativeSplitMinBytes?: number;
  /**
   * Lets the native reader take a file although `onChunk` is set: called on this thread once its
   * read has started (on other threads). `hashing`: the native read takes the file's SHA-256 on
   * the way (the result's `sha256`); otherwise the caller can hash the file apart meanwhile.
   * Should the native reader then give the file up, the JavaScript reader reads it, feeding
   * `onChunk`.
   */
  onNative?: (hashing: boolean) => void;
}

export interface CsvReadResult {
  table: ColumnTable;
  builders: ColumnReadStats[];
  delimiter: string;
  header: boolean;
  /** Threads that parsed the file: 2 when it was read in two parts (see csv-split), else 1. */
  threads: number;
  /** Whether the native reader read it (see csv-native-read). */
  native: boolean;
  /** The file's SHA-256, when the native reader read it and took it (see onNative). */
  sha256?: string;
}

export interface CsvSniff {
  delimiter: string;
  header: boolean;
}

const SNIFF_CANDIDATES = [',', ';', '\t', '|'];
const QUOTE = 34;
/** Records of the sample each candidate delimiter is judged on. */
const SNIFF_ROWS = 20;

/** Stops a scan once the records the sniff judges on are in. */
class EnoughRows {}

/**
 * The first SNIFF_ROWS records of the sample split at `delimiter`; with `whole`, the scan goes on
 * through the sample, so that a syntax error anywhere in it is thrown (a delimiter that makes one
 * is not the file's).
 */
function sniffRows(sample: Buffer, delimiter: string, file: string, whole: boolean): string[][] {
  const rows: string[][] = [];
  try {
    scanBuffer(sample, sample.length < 65536, delimiter.charCodeAt(0), newState(), file, (buf, s, e, q, nf) => {
      if (rows.length >= SNIFF_ROWS) {
        if (whole) return;
        throw new EnoughRows();
      }
      const r: string[] = [];
      for (let k = 0; k < nf; k++) r.push(fieldText(buf, s[k] as number, e[k] as number, q[k] as number));
      rows.push(r);
    });
  } catch (err) {
    if (!(err instanceof EnoughRows)) throw err;
  }
  return rows;
}

/** A candidate's score on its first rows: the widest consistent split wins. */
function sniffScore(rows: string[][]): number {
  if (rows.length === 0) return -1;
  const width = (rows[0] as string[]).length;
  const consistent = rows.every((r) => r.length === width);
  return width > 1 ? (consistent ? 1000 : 0) + width : 0;
}

/**
 * Picks the delimiter that splits the first lines into the same, largest number of fields, among
 * those under which the whole sample parses (the earlier candidate on a tie). Each candidate is
 * judged on its first records; only the best is then scanned through the sample, and the next
 * best when that one fails: scanning the 64 KiB sample once per candidate took 10-15 ms of a load
 * (interpreted code, in a fresh process), most of a 100,000-row file's. With no candidate that
 * splits, every one is scanned through, so the error reported is the first candidate's, as before.
 */
export function sniffCsv(sample: Buffer, file: string): CsvSniff {
  const judged = SNIFF_CANDIDATES.map((cand, order) => {
    try {
      const rows = sniffRows(sample, cand, file, false);
      return { cand, order, rows, score: sniffScore(rows) };
    } catch {
      return { cand, order, rows: [], score: -1 };
    }
  }).sort((a, b) => b.score - a.score || a.order - b.order);
  // Only a quoted field can fail the scan (unclosed, or text after its closing quote): a sample
  // without a quote parses under every candidate, and its scan through (5-10 ms of a fresh
  // process's first load) is skipped.
  const quoted = sample.includes(QUOTE);
  for (const j of judged) {
    if (j.score <= 0) break;
    if (quoted) {
      try {
        sniffRows(sample, j.cand, file, true);
      } catch {
        continue;
      }
    }
    return { delimiter: j.cand, header: isHeader(j.rows) };
  }
  return sniffThroughout(sample, file);
}

/** sniffCsv when no candidate splits the first rows: every candidate scanned through the sample. */
function sniffThroughout(sample: Buffer, file: string): CsvSniff {
  let best = ',';
  let bestScore = -1;
  let bestRows: string[][] = [];
  let firstError: unknown;
  for (const cand of SNIFF_CANDIDATES) {
    let rows: string[][];
    try {
      rows = sniffRows(sample, cand, file, true);
    } catch (err) {
      firstError ??= err;
      continue;
    }
    if (rows.length === 0) continue;
    const score = sniffScore(rows);
    if (score > bestScore) {
      bestScore = score;
      best = cand;
      bestRows = rows;
    }
  }
  // No delimiter splits the rows, and one failed on the syntax: report that failure rather than
  // reading the file as a single column.
  if (bestScore <= 0 && firstError !== undefined) throw firstError;
  return { delimiter: best, header: isHeader(bestRows) };
}

/**
 * A first row with any number in it is data; otherwise it is a header, unless every later row is
 * also entirely text and the first row repeats one of their values.
 */
function isHeader(rows: string[][]): boolean {
  const first = rows[0] ?? [];
  let header = first.every((v) => v !== '' && !parseNumberText(v));
  if (header && rows[1] && rows.length > 1) {
    const allText = rows.slice(1).every((r) => r.every((v) => !parseNumberText(v)));
    if (allText && rows.slice(1).some((r) => r.some((v, k) => v === first[k]))) header = false;
  }
  return header;
}

/** Streams a CSV file into typed column builders without holding the file's text. */
export async function readCsv(path: string, options: CsvReadOptions): Promise<CsvReadResult> {
  const file = options.file;
  const maxRowBytes = options.maxRowBytes ?? 64 << 20;
  const fh = await open(path, 'r');
  const sample = Buffer.alloc(65536);
  let sampleLen: number;
  try {
    sampleLen = (await fh.read(sample, 0, 65536, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  let head = sample.subarray(0, sampleLen);
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) head = head.subarray(3);
  if (head.toString('latin1').trim().length === 0) {
    throw dataError('HOKUSAI_EMPTY_FILE', 'the file is empty', 'Provide a header row and at least one data row', { file });
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw dataError('HOKUSAI_INVALID_UTF8', 'the file is UTF-16, not UTF-8', 'Save the file as UTF-8', { file });
  }
  if (head.includes(0)) {
    const magic = head.subarray(0, 4).toString('latin1');
    const hint = magic === 'PAR1' ? ' (it looks like Parquet: pass format "parquet" or rename it to .parquet)' : '';
    throw dataError('HOKUSAI_BINARY_FILE', `the file is binary, not CSV text${hint}`, 'Export the data as UTF-8 CSV', { file });
  }
  const sniff = sniffCsv(head, file);
  const size = (await stat(path)).size;
  // A file smaller than a chunk is read in one, into buffers (and a scanner) of its size.
  const chunkBytes = Math.min(options.chunkBytes ?? 4 << 20, Math.max(65536, size + 1));
  const delimiter = options.delimiter ?? sniff.delimiter;
  const header = options.header ?? sniff.header;
  const scan = { file, chunkBytes, maxRowBytes };
  // onChunk sees each byte once and in order, also when a split read falls back to one pass.
  let fed = 0;
  const feed =
    options.onChunk || options.onBytes
      ? (bytes: Buffer, at: number): void => {
          if (at + bytes.length <= fed) return;
          const fresh = at >= fed ? bytes : bytes.subarray(fed - at);
          options.onChunk?.(fresh);
          options.onBytes?.(fresh.length);
          fed = at + bytes.length;
        }
      : undefined;
  // The header's names, read from the sample once (by the native reader, then the split read).
  let firstNames: string[] | null | undefined;
  const names = (): string[] | null => (firstNames === undefined ? (firstNames = firstRowNames(head, delimiter, header, file)) : firstNames);
  if (size >= (options.nativeMinBytes ?? NATIVE_MIN_BYTES) && (options.onChunk === undefined || options.onNative !== undefined) && (options.declared === undefined || options.declared.size === 0)) {
    const headerNames = names();
    // As the JavaScript reader does when it meets the header.
    if (headerNames !== null && header) checkNames(headerNames, file);
    const native = headerNames === null ? null : await readCsvNative(path, { delimiter, header, names: headerNames, maxRowBytes, threads: availableParallelism() > 1 ? (options.nativeThreads ?? 2) : 1, ...(options.nativeSplitMinBytes !== undefined ? { splitMinBytes: options.nativeSplitMinBytes } : {}), ...(options.sharedNumbers === true ? { sharedNumbers: true } : {}), ...(options.onNative !== undefined ? { hash: true } : {}) }, options.onNative);
    if (headerNames !== null && native !== null) {
      options.onBytes?.(size);
      return { table: { names: headerNames, columns: native.columns, rowCount: native.rowCount }, builders: native.builders, delimiter, header, threads: native.threads, native: true, ...(native.sha256 !== undefined ? { sha256: native.sha256 } : {}) };
    }
  }
  // Size the JavaScript reader's column buffers from the file size and the sample's bytes per line,
  // so they rarely grow. indexOf: readCsv runs once a file, so a loop over the sample's bytes
  // would run unoptimized (ms).
  let lines = 0;
  for (let at = head.indexOf(10); at >= 0; at = head.indexOf(10, at + 1)) lines++;
  // No floor beyond 16 rows: a room of 1,024 rows in each of 20,000 columns took 184 MB for a
  // 1.9 MB file; columns grow by doubling when the estimate is short.
  const capacity = Math.min(1 << 26, Math.max(16, Math.ceil((size / Math.max(1, head.length / Math.max(1, lines))) * 1.05) + 16));
  const splitMin = options.splitMinBytes ?? SPLIT_MIN_BYTES;
  if (size >= splitMin && availableParallelism() > 1) {
    const headerNames = names();
    if (headerNames !== null) {
      const joined = await readSplit(path, { ...scan, delimiter, header, names: headerNames, declared: options.declared, size, bytesPerRow: size / Math.max(1, capacity), feed });
      if (joined !== null) return { ...joined, delimiter, header, threads: 2, native: false };
    }
  }
  const whole = await readRange(path, { ...scan, delimiter, header, declared: options.declared, capacity, feed, ...(options.sharedNumbers === true ? { sharedNumbers: true } : {}) });
  if (whole.rest > 0) throw new Error('internal: CSV scanner left bytes at end of file');
  if (whole.demotedAt.length > 0) await rereadAsText(path, { ...scan, delimiter, header }, whole);
  const finalNames = whole.names;
  return { table: { names: finalNames, columns: whole.builders.map((b) => finishColumn(b)), rowCount: whole.dataRows }, builders: whole.builders, delimiter, header, threads: 1, native: false };
}

/** The column names from the first row of the file's first bytes, or null when that row is cut. */
function firstRowNames(head: Buffer, delimiter: string, header: boolean, file: string): string[] | null {
  let names: string[] | null = null;
  try {
    // The scan stops at the first record: what follows is the reader's to check.
    scanBuffer(head, false, delimiter.charCodeAt(0), newState(), file, (buf, s, e, q, nf) => {
      names = [];
      for (let k = 0; k < nf; k++) names.push(header ? fieldText(buf, s[k] as number, e[k] as number, q[k] as number).trim() : `column_${k + 1}`);
      throw new EnoughRows();
    });
  } catch (err) {
    if (!(err instanceof EnoughRows)) return null;
  }
  return names;
}

/** Files at least this large go to the native reader (see CsvReadOptions.nativeMinBytes). */
const NATIVE_MIN_BYTES = 1 << 20;

/** Files at least this large are read by two threads, in two parts (see readSplit). */
const SPLIT_MIN_BYTES = 16 << 20;

/** Second pass: columns that turned out to be text are re-read as text. */
async function rereadAsText(path: string, o: { file: string; chunkBytes: number; maxRowBytes: number; delimiter: string; header: boolean }, read: RangeRead): Promise<void> {
  const cols = read.demotedAt.slice().sort((a, b) => a - b);
  const store = cols.map(() => new Array<string | null>(read.dataRows));
  let r = -1;
  await scanFile(path, o.delimiter, { file: o.file, chunkBytes: o.chunkBytes, maxRowBytes: o.maxRowBytes, checkUtf8: false, headerRows: o.header ? 1 : 0 }, (buf, s, e, q) => {
    if (r === -1 && o.header) {
      r = 0;
      return;
    }
    if (r === -1) r = 0;
    for (let j = 0; j < cols.length; j++) {
      const k = cols[j] as number;
      const t = fieldText(buf, s[k] as number, e[k] as number, q[k] as number);
      (store[j] as (string | null)[])[r] = q[k] !== 0 ? t : isNullToken(t) ? null : t;
    }
    r++;
  });
  cols.forEach((k, j) => (read.builders[k] as ColumnBuilder).setStrings(store[j] as (string | null)[]));
}
