import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dataError } from './errors.js';
import { ColumnBuilder } from './column-builder.js';
import type { ColumnType } from './column.js';
import { FastRows, fastDelimiter } from './csv-fast-rows.js';
import { OWN_MAPPING_BYTES, ownSharedBufferIfGranted } from './shared-array.js';

// The CSV tokenizer and the reading of a byte range of a file into column builders. It loads no
// Arrow code, so a worker thread reading part of a file starts quickly (see csv-split).

const QUOTE = 34;
const LF = 10;
const CR = 13;

export type RowFn = (buf: Buffer, starts: Int32Array, ends: Int32Array, quoted: Uint8Array, nf: number, line: number) => void;

export interface ScanState {
  starts: Int32Array;
  ends: Int32Array;
  quoted: Uint8Array;
  line: number;
  rowStarts: Int32Array;
  rowCount: number;
}

export function newState(): ScanState {
  return { starts: new Int32Array(64), ends: new Int32Array(64), quoted: new Uint8Array(64), line: 1, rowStarts: new Int32Array(1024), rowCount: 0 };
}

class NeedMore extends Error {}

/**
 * Scans complete rows of `buf` from 0, calling `onRow` for each. Returns the offset just past
 * the last complete row; when `eof` is false an unfinished row at the end is left for the next
 * chunk. Quoted fields keep their inner bytes; `quoted[k] === 2` marks doubled quotes inside.
 * With `fast`, plain rows are handed to the columns by it (see csv-fast-rows) instead of `onRow`.
 */
export function scanBuffer(buf: Buffer, eof: boolean, delim: number, st: ScanState, file: string, onRow: RowFn, fast?: FastRows): number {
  const end = buf.length;
  let i = 0;
  let consumed = 0;
  st.rowCount = 0;
  fast?.begin();
  while (i < end) {
    if (fast !== undefined) {
      i = fast.take(buf, i, st);
      consumed = i;
      if (i >= end) break;
    }
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

export function fieldText(buf: Buffer, s: number, e: number, q: number): string {
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

interface ScanOptions {
  file: string;
  chunkBytes: number;
  maxRowBytes: number;
  checkUtf8: boolean;
  /** Sees each chunk read with its offset in the file. */
  onChunk?: (bytes: Buffer, at: number) => void;
  columnName?: (field: number) => string | undefined;
  headerRows: number;
  /** Called after the rows of each buffer were scanned, before the buffer is reused. */
  afterScan?: () => void;
  /** Byte range to scan (default: the whole file); a range that starts past 0 has no BOM. */
  start?: number;
  end?: number;
  fast?: FastRows;
}

/**
 * Scans the rows of a file, or of a byte range of it. Returns the bytes left unscanned at the end
 * of the range: 0 when it ends at a row boundary (always so at the end of the file).
 */
export async function scanFile(path: string, delimiter: string, opts: ScanOptions, onRow: RowFn): Promise<number> {
  const fh = await open(path, 'r');
  // Two buffers take turns: the next chunk is read into one while the other is scanned, so this
  // thread does not wait for the thread pool between chunks. A chunk is read in after RESERVE
  // bytes of room, where the row the last scan left unfinished is copied in front of it.
  const stores = [Buffer.allocUnsafe(RESERVE + opts.chunkBytes), Buffer.allocUnsafe(RESERVE + opts.chunkBytes)];
  let turn = 0;
  let at = opts.start ?? 0;
  const end = opts.end ?? Infinity;
  const readNext = (into: Buffer): Promise<number> => {
    const want = Math.min(opts.chunkBytes, end - at);
    return want > 0 ? fh.read(into, RESERVE, want, at).then((r) => r.bytesRead) : Promise.resolve(0);
  };
  let pending: Promise<number> | undefined = readNext(stores[0] as Buffer);
  try {
    const st = newState();
    const delim = delimiter.charCodeAt(0);
    let left: Buffer = Buffer.alloc(0);
    let first = at === 0;
    let rowsBefore = 0;
    for (;;) {
      const store = stores[turn] as Buffer;
      const bytesRead = await (pending as Promise<number>);
      pending = undefined;
      const chunk = store.subarray(RESERVE, RESERVE + bytesRead);
      if (opts.onChunk && bytesRead > 0) opts.onChunk(chunk, at);
      at += bytesRead;
      // The end of a range is not the end of the file: a row cut there stays unfinished.
      const eof = bytesRead === 0 && at < end;
      const rangeDone = bytesRead === 0 && at >= end;
      let buf: Buffer;
      if (left.length <= RESERVE) {
        left.copy(store, RESERVE - left.length);
        buf = store.subarray(RESERVE - left.length, RESERVE + bytesRead);
      } else buf = Buffer.concat([left, chunk]);
      // The other buffer is free now: what the last scan left of it was copied above.
      turn = 1 - turn;
      if (bytesRead > 0) pending = readNext(stores[turn] as Buffer);
      if (first) {
        first = false;
        if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      if (rangeDone) return buf.length;
      if (buf.length === 0 && eof) return 0;
      const consumed = scanBuffer(buf, eof, delim, st, opts.file, onRow, opts.fast);
      opts.afterScan?.();
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
      left = buf.subarray(consumed);
      if (left.length > opts.maxRowBytes) {
        throw dataError('HOKUSAI_LINE_TOO_LONG', `a single row is longer than ${opts.maxRowBytes} bytes`, 'Check the line endings and the quoting, or split the record', { file: opts.file, row: rowsBefore + 1 - opts.headerRows, line: st.line });
      }
      if (eof) {
        if (left.length > 0) throw new Error('internal: CSV scanner left bytes at end of file');
        return 0;
      }
    }
  } finally {
    // A read still in flight writes into a buffer and needs the handle: let it end first.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

/** Room before each chunk for the unfinished row of the last one; a longer row is joined by a copy. */
const RESERVE = 64 << 10;

/**
 * The buffers scanFile hands over for a chunk size: the chunk and the room before it, or up to
 * four times that when a long row makes them grow (csv-fast-rows leaves a longer one to its
 * JavaScript scanner).
 */
export function scannedBufferBytes(chunkBytes: number): number {
  return 4 * (RESERVE + chunkBytes);
}

/** Rows per block of fields handed to the column builders. */
const BLOCK_ROWS = 1024;

export interface RangeRead {
  names: string[];
  builders: ColumnBuilder[];
  dataRows: number;
  demotedAt: number[];
  /** Bytes left unscanned at the end of the range (a row cut by it). */
  rest: number;
}

export interface RangeOptions {
  file: string;
  chunkBytes: number;
  maxRowBytes: number;
  delimiter: string;
  /** Whether the range's first row is the header; `names` gives them for a range without it. */
  header: boolean;
  names?: string[];
  declared: ReadonlyMap<string, ColumnType> | undefined;
  capacity: number;
  feed?: ((bytes: Buffer, at: number) => void) | undefined;
  start?: number;
  end?: number;
  /**
   * Plain rows through csv-fast-rows (default: its WebAssembly scanner, 'js' its JavaScript one);
   * false reads every row with the general tokenizer (tests compare the three).
   */
  plainRows?: boolean | 'js';
  /**
   * Room for each column's first `capacity` numbers in shared memory (see ColumnBuilder's room
   * and numberRoom): a loader thread then hands the table on without copying the numbers.
   */
  sharedNumbers?: boolean;
}

/** Reads the rows of a byte range of a CSV file (the whole file by default) into column builders. */
export async function readRange(path: string, o: RangeOptions): Promise<RangeRead> {
  const file = o.file;
  let names: string[] | null = o.names ?? null;
  let builders: ColumnBuilder[] = [];
  // Rows the general tokenizer reads (quoted fields, lone CRs); the others go to `fast`.
  let slowRows = 0;
  // Plain rows go to the columns as they are split (csv-fast-rows); the other rows are gathered
  // in blocks and each column then takes its fields in one loop (see ColumnBuilder.pushBlock); a
  // block is handed on before the scanner's buffer is reused, and before any plain row.
  let bs = new Int32Array(0);
  let be = new Int32Array(0);
  let bq = new Uint8Array(0);
  let blockRows = 0;
  let blockBuf: Buffer | null = null;
  const flush = (): void => {
    if (blockRows === 0 || blockBuf === null) return;
    const nf = builders.length;
    for (let k = 0; k < nf; k++) (builders[k] as ColumnBuilder).pushBlock(blockBuf, bs, be, bq, k, nf, blockRows);
    blockRows = 0;
  };
  const delim = o.delimiter.charCodeAt(0);
  const fast = o.plainRows !== false && fastDelimiter(delim) ? new FastRows(delim, flush, o.plainRows !== 'js', scannedBufferBytes(o.chunkBytes)) : undefined;
  const newBuilders = (ns: string[]): ColumnBuilder[] => {
    const rooms = o.sharedNumbers === true && roomsFit(ns.length, o.capacity);
    const made = ns.map((n) => new ColumnBuilder(o.declared?.get(n), o.capacity, rooms ? numberRoom(o.capacity) : undefined));
    fast?.setColumns(made);
    return made;
  };
  if (names !== null) builders = newBuilders(names);
  const onRow: RowFn = (buf, s, e, q, nf, line) => {
    if (names === null) {
      if (o.header) {
        names = [];
        for (let k = 0; k < nf; k++) names.push(fieldText(buf, s[k] as number, e[k] as number, q[k] as number).trim());
        checkNames(names, file);
        builders = newBuilders(names);
        return;
      }
      names = Array.from({ length: nf }, (_, k) => `column_${k + 1}`);
      builders = newBuilders(names);
    }
    slowRows++;
    if (nf !== builders.length) {
      throw dataError('HOKUSAI_RAGGED_ROW', `the row has ${nf} fields but the header has ${builders.length}`, 'Make every row have one field per column (quote fields that contain the delimiter)', { file, row: slowRows + (fast?.rows ?? 0), line, column: nf > builders.length ? undefined : (names as string[])[nf] });
    }
    if (bs.length === 0) {
      bs = new Int32Array(BLOCK_ROWS * nf);
      be = new Int32Array(BLOCK_ROWS * nf);
      bq = new Uint8Array(BLOCK_ROWS * nf);
    }
    blockBuf = buf;
    const at = blockRows * nf;
    for (let k = 0; k < nf; k++) {
      bs[at + k] = s[k] as number;
      be[at + k] = e[k] as number;
      bq[at + k] = q[k] as number;
    }
    if (++blockRows === BLOCK_ROWS) flush();
  };
  const columnName = (field: number): string | undefined => (names as string[] | null)?.[field];
  const headerRows = o.header && o.names === undefined ? 1 : 0;
  let rest: number;
  try {
    rest = await scanFile(path, o.delimiter, { file, chunkBytes: o.chunkBytes, maxRowBytes: o.maxRowBytes, checkUtf8: true, columnName, headerRows, ...(o.feed ? { onChunk: o.feed } : {}), ...(o.start !== undefined ? { start: o.start } : {}), ...(o.end !== undefined ? { end: o.end } : {}), afterScan: flush, ...(fast ? { fast } : {}) }, onRow);
  } finally {
    fast?.release();
  }
  const dataRows = slowRows + (fast?.rows ?? 0);
  if (names === null) throw dataError('HOKUSAI_EMPTY_FILE', 'the file has no rows', 'Provide a header row and at least one data row', { file });
  if (dataRows === 0) {
    throw dataError('HOKUSAI_HEADER_ONLY', 'the file has a header but no data rows', 'Add at least one data row', { file });
  }
  const demotedAt: number[] = [];
  builders.forEach((b, k) => {
    if (b.state === 'demoted') demotedAt.push(k);
  });
  return { names, builders, dataRows, demotedAt, rest };
}

export function checkNames(names: string[], file: string): void {
  const seen = new Set<string>();
  names.forEach((n, k) => {
    if (n === '') throw dataError('HOKUSAI_EMPTY_COLUMN_NAME', `column ${k + 1} has an empty name`, 'Give every column a name in the header row', { file, column: `#${k + 1}` });
    if (seen.has(n)) throw dataError('HOKUSAI_DUPLICATE_COLUMN', `column name '${n}' appears more than once in the header`, 'Rename the columns so every name is unique', { file, column: n });
    seen.add(n);
  });
}

/**
 * A column's room for `capacity` numbers in shared memory, in a mapping of its own (see
 * ownSharedBuffer): returned whole when the column is freed, as when a column of whole numbers
 * has been converted to int32 (one buffer for every column would have kept the float64 values
 * of such columns resident for as long as the table lives: 8 bytes a row each). Undefined below
 * 1 MiB: a small table is copied when handed on, as before.
 */
function numberRoom(capacity: number): Float64Array | undefined {
  if (capacity * 8 < 1 << 20) return undefined;
  const buffer = ownSharedBufferIfGranted(capacity * 8);
  return buffer === undefined ? undefined : new Float64Array(buffer, 0, capacity);
}

/**
 * Most address space the rooms of one table may reserve (untouched pages cost none, but a strict
 * overcommit policy counts them): past it, as for thousands of columns, no column gets room.
 */
const MAX_ROOM_ADDRESS_SPACE = 16 * 2 ** 30;

/** Whether `columns` rooms of `capacity` numbers stay within MAX_ROOM_ADDRESS_SPACE. */
export function roomsFit(columns: number, capacity: number): boolean {
  return columns * Math.max(capacity * 8, OWN_MAPPING_BYTES) <= MAX_ROOM_ADDRESS_SPACE;
}
