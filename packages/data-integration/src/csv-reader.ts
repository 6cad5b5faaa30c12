import { open, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dataError } from './errors.js';
import { ColumnBuilder } from './column-builder.js';
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
}

export interface CsvReadResult {
  table: ColumnTable;
  builders: ColumnBuilder[];
  delimiter: string;
  header: boolean;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

type RowFn = (buf: Buffer, starts: Int32Array, ends: Int32Array, quoted: Uint8Array, nf: number, line: number) => void;

interface ScanState {
  starts: Int32Array;
  ends: Int32Array;
  quoted: Uint8Array;
  line: number;
  rowStarts: Int32Array;
  rowCount: number;
}

function newState(): ScanState {
  return { starts: new Int32Array(64), ends: new Int32Array(64), quoted: new Uint8Array(64), line: 1, rowStarts: new Int32Array(1024), rowCount: 0 };
}

class NeedMore extends Error {}

/**
 * Scans complete rows of `buf` from 0, calling `onRow` for each. Returns the offset just past
 * the last complete row; when `eof` is false an unfinished row at the end is left for the next
 * chunk. Quoted fields keep their inner bytes; `quoted[k] === 2` marks doubled quotes inside.
 */
function scanBuffer(buf: Buffer, eof: boolean, delim: number, st: ScanState, file: string, onRow: RowFn): number {
  const end = buf.length;
  let i = 0;
  let consumed = 0;
  st.rowCount = 0;
  while (i < end) {
    const rowStart = i;
    const rowLine = st.line;
    let linesInRow = 0;
    let nf = 0;
    let complete = false;
    try {
      for (;;) {
        if (nf === st.starts.length) {
          const cap = nf * 2;
          const s2 = new Int32Array(cap); s2.set(st.starts); st.starts = s2;
          const e2 = new Int32Array(cap); e2.set(st.ends); st.ends = e2;
          const q2 = new Uint8Array(cap); q2.set(st.quoted); st.quoted = q2;
        }
        if (i < end && buf[i] === QUOTE) {
          i++;
          const fs = i;
          let esc = 0;
          for (;;) {
            const q = buf.indexOf(QUOTE, i);
            if (q < 0) {
              if (!eof) throw new NeedMore();
              throw dataError('HOKUSAI_UNTERMINATED_QUOTE', 'a quoted field is never closed', 'Close the quote or escape inner quotes by doubling them ("")', { file, line: rowLine, row: undefined });
            }
            for (let k = i; k < q; k++) if (buf[k] === LF) linesInRow++;
            if (q + 1 < end && buf[q + 1] === QUOTE) {
              esc = 2;
              i = q + 2;
              continue;
            }
            if (q + 1 >= end && !eof) throw new NeedMore();
            st.starts[nf] = fs;
            st.ends[nf] = q;
            st.quoted[nf] = esc === 2 ? 2 : 1;
            i = q + 1;
            break;
          }
          if (i < end) {
            const c = buf[i];
            if (c !== delim && c !== LF && c !== CR) {
              throw dataError('HOKUSAI_PARSE_ERROR', 'text follows the closing quote of a field', 'Quote the whole field, and double any quote inside it ("")', { file, line: rowLine + linesInRow });
            }
          }
        } else {
          const fs = i;
          while (i < end) {
            const c = buf[i];
            if (c === delim || c === LF || c === CR) break;
            i++;
          }
          if (i >= end && !eof) throw new NeedMore();
          st.starts[nf] = fs;
          st.ends[nf] = i;
          st.quoted[nf] = 0;
        }
        nf++;
        if (i >= end) {
          complete = true;
          break;
        }
        const c = buf[i];
        if (c === delim) {
          i++;
          if (i >= end && !eof) throw new NeedMore();
          continue;
        }
        if (c === CR) {
          i++;
          if (i >= end && !eof) throw new NeedMore();
          if (i < end && buf[i] === LF) i++;
        } else i++;
        linesInRow++;
        complete = true;
        break;
      }
    } catch (err) {
      if (err instanceof NeedMore) {
        st.line = rowLine;
        return consumed;
      }
      throw err;
    }
    if (!complete) break;
    st.line = rowLine + linesInRow;
    consumed = i;
    // A blank line is not a row.
    if (nf === 1 && st.ends[0] === st.starts[0] && st.quoted[0] === 0) continue;
    if (st.rowCount === st.rowStarts.length) {
      const r2 = new Int32Array(st.rowStarts.length * 2);
      r2.set(st.rowStarts);
      st.rowStarts = r2;
    }
    st.rowStarts[st.rowCount++] = rowStart;
    onRow(buf, st.starts, st.ends, st.quoted, nf, rowLine);
  }
  return consumed;
}

function fieldText(buf: Buffer, s: number, e: number, q: number): string {
  const t = buf.toString('utf8', s, e);
  return q === 2 ? t.replaceAll('""', '"') : t;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) { i++; continue; }
    let need = 0;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

export interface CsvSniff {
  delimiter: string;
  header: boolean;
}

/** Picks the delimiter that splits the first lines into the same, largest number of fields. */
export function sniffCsv(sample: Buffer, file: string): CsvSniff {
  const candidates = [',', ';', '\t', '|'];
  let best = ',';
  let bestScore = -1;
  let bestRows: string[][] = [];
  let firstError: unknown;
  for (const cand of candidates) {
    const st = newState();
    const rows: string[][] = [];
    try {
      scanBuffer(sample, sample.length < 65536, cand.charCodeAt(0), st, file, (buf, s, e, q, nf) => {
        if (rows.length >= 20) return;
        const r: string[] = [];
        for (let k = 0; k < nf; k++) r.push(fieldText(buf, s[k] as number, e[k] as number, q[k] as number));
        rows.push(r);
      });
    } catch (err) {
      firstError ??= err;
      continue;
    }
    if (rows.length === 0) continue;
    const width = (rows[0] as string[]).length;
    const consistent = rows.every((r) => r.length === width);
    const score = width > 1 ? (consistent ? 1000 : 0) + width : 0;
    if (score > bestScore) {
      bestScore = score;
      best = cand;
      bestRows = rows;
    }
  }
  // No delimiter splits the rows, and one failed on the syntax: report that failure rather than
  // reading the file as a single column.
  if (bestScore <= 0 && firstError !== undefined) throw firstError;
  const first = bestRows[0] ?? [];
  const second = bestRows[1];
  // A first row with any number in it is data; otherwise it is a header, unless every later
  // row is also entirely text and the first row repeats one of their values.
  let header = first.every((v) => v !== '' && !parseNumberText(v));
  if (header && second && bestRows.length > 1) {
    const allText = bestRows.slice(1).every((r) => r.every((v) => !parseNumberText(v)));
    if (allText && bestRows.slice(1).some((r) => r.some((v, k) => v === first[k]))) header = false;
  }
  return { delimiter: best, header };
}

async function scanFile(
  path: string,
  delimiter: string,
  opts: { file: string; chunkBytes: number; maxRowBytes: number; checkUtf8: boolean; onChunk?: (bytes: Buffer) => void; columnName?: (field: number) => string | undefined; headerRows: number },
  onRow: RowFn,
): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const st = newState();
    const delim = delimiter.charCodeAt(0);
    // One buffer holds the unfinished row plus the next chunk; it grows only for long rows,
    // and the file is read straight into it, so steady-state reading allocates nothing.
    let store = Buffer.allocUnsafe(opts.chunkBytes * 2);
    let leftLen = 0;
    let first = true;
    let rowsBefore = 0;
    for (;;) {
      if (store.length - leftLen < opts.chunkBytes) {
        const grown = Buffer.allocUnsafe(Math.max(store.length * 2, leftLen + opts.chunkBytes));
        store.copy(grown, 0, 0, leftLen);
        store = grown;
      }
      const { bytesRead } = await fh.read(store, leftLen, opts.chunkBytes, null);
      const eof = bytesRead === 0;
      if (opts.onChunk && bytesRead > 0) opts.onChunk(store.subarray(leftLen, leftLen + bytesRead));
      let buf = store.subarray(0, leftLen + bytesRead);
      if (first) {
        first = false;
        if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      if (buf.length === 0 && eof) return;
      const consumed = scanBuffer(buf, eof, delim, st, opts.file, onRow);
      if (opts.checkUtf8 && consumed > 0 && !isUtf8(buf.subarray(0, consumed))) {
        const bad = firstInvalidUtf8(buf.subarray(0, consumed));
        let r = 0;
        while (r + 1 < st.rowCount && (st.rowStarts[r + 1] as number) <= bad) r++;
        const rowStart = st.rowStarts[r] ?? 0;
        let field = 0;
        for (let k = rowStart; k < bad; k++) if (buf[k] === delim) field++;
        throw dataError('HOKUSAI_INVALID_UTF8', `byte 0x${(buf[bad] ?? 0).toString(16)} is not valid UTF-8`, 'Save the file as UTF-8 (for example with iconv -t UTF-8)', { file: opts.file, row: rowsBefore + r + 1 - opts.headerRows, ...(opts.columnName?.(field) !== undefined ? { column: opts.columnName(field) } : {}), context: { byteOffsetInRow: bad - rowStart } });
      }
      rowsBefore += st.rowCount;
      leftLen = buf.length - consumed;
      if (leftLen > opts.maxRowBytes) {
        throw dataError('HOKUSAI_LINE_TOO_LONG', `a single row is longer than ${opts.maxRowBytes} bytes`, 'Check the line endings and the quoting, or split the record', { file: opts.file, row: rowsBefore + 1 - opts.headerRows, line: st.line });
      }
      if (eof) {
        if (leftLen > 0) throw new Error('internal: CSV scanner left bytes at end of file');
        return;
      }
      if (leftLen > 0) buf.copy(store, 0, consumed, buf.length);
    }
  } finally {
    await fh.close();
  }
}

/** Streams a CSV file into typed column builders without holding the file's text. */
export async function readCsv(path: string, options: CsvReadOptions): Promise<CsvReadResult> {
  const file = options.file;
  const chunkBytes = options.chunkBytes ?? 4 << 20;
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
  // Size the column buffers from the file size and the sample's bytes per line, so they rarely grow.
  const size = (await stat(path)).size;
  let lines = 0;
  for (let k = 0; k < head.length; k++) if (head[k] === 10) lines++;
  const capacity = Math.min(1 << 26, Math.max(1 << 10, Math.ceil((size / Math.max(1, head.length / Math.max(1, lines))) * 1.05) + 16));
  const delimiter = options.delimiter ?? sniff.delimiter;
  const header = options.header ?? sniff.header;

  let names: string[] | null = null;
  let builders: ColumnBuilder[] = [];
  let dataRows = 0;
  const demotedAt: number[] = [];
  const onRow: RowFn = (buf, s, e, q, nf, line) => {
    if (names === null) {
      if (header) {
        names = [];
        for (let k = 0; k < nf; k++) names.push(fieldText(buf, s[k] as number, e[k] as number, q[k] as number).trim());
        checkNames(names, file);
        builders = names.map((n) => new ColumnBuilder(options.declared?.get(n), capacity));
        return;
      }
      names = Array.from({ length: nf }, (_, k) => `column_${k + 1}`);
      builders = names.map((n) => new ColumnBuilder(options.declared?.get(n), capacity));
    }
    dataRows++;
    if (nf !== builders.length) {
      throw dataError('HOKUSAI_RAGGED_ROW', `the row has ${nf} fields but the header has ${builders.length}`, 'Make every row have one field per column (quote fields that contain the delimiter)', { file, row: dataRows, line, column: nf > builders.length ? undefined : (names as string[])[nf] });
    }
    for (let k = 0; k < nf; k++) {
      const b = builders[k] as ColumnBuilder;
      const fs = s[k] as number;
      const fe = e[k] as number;
      const was = b.state;
      b.pushBytes(buf, fs, fe, q[k] as number);
      if (b.state === 'demoted' && was !== 'demoted') demotedAt.push(k);
    }
  };
  const columnName = (field: number): string | undefined => (names as string[] | null)?.[field];
  await scanFile(path, delimiter, { file, chunkBytes, maxRowBytes, checkUtf8: true, columnName, headerRows: header ? 1 : 0, ...(options.onChunk ? { onChunk: options.onChunk } : {}) }, onRow);
  if (names === null) throw dataError('HOKUSAI_EMPTY_FILE', 'the file has no rows', 'Provide a header row and at least one data row', { file });
  if (dataRows === 0) {
    throw dataError('HOKUSAI_HEADER_ONLY', 'the file has a header but no data rows', 'Add at least one data row', { file });
  }
  if (demotedAt.length > 0) {
    // Second pass: columns that turned out to be text are re-read as text.
    const cols = demotedAt.slice().sort((a, b) => a - b);
    const store = cols.map(() => new Array<string | null>(dataRows));
    let r = -1;
    await scanFile(path, delimiter, { file, chunkBytes, maxRowBytes, checkUtf8: false, headerRows: header ? 1 : 0 }, (buf, s, e, q) => {
      if (r === -1 && header) {
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
    cols.forEach((k, j) => (builders[k] as ColumnBuilder).setStrings(store[j] as (string | null)[]));
  }
  const finalNames = names as string[];
  return { table: { names: finalNames, columns: builders.map((b) => b.finish()), rowCount: dataRows }, builders, delimiter, header };
}

export function checkNames(names: string[], file: string): void {
  const seen = new Set<string>();
  names.forEach((n, k) => {
    if (n === '') throw dataError('HOKUSAI_EMPTY_COLUMN_NAME', `column ${k + 1} has an empty name`, 'Give every column a name in the header row', { file, column: `#${k + 1}` });
    if (seen.has(n)) throw dataError('HOKUSAI_DUPLICATE_COLUMN', `column name '${n}' appears more than once in the header`, 'Rename the columns so every name is unique', { file, column: n });
    seen.add(n);
  });
}
