import { CSV_ROWS_WASM } from './csv-wasm-bytes.js';
import type { InternerTable } from './string-interner.js';
import { INTERNER_SLOT_BYTES, INTERNER_SLOTS } from './string-interner.js';

// The WebAssembly API used here, typed: @types/node does not declare it (the DOM library does).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
const Wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WasmModule; Instance: new (module: WasmModule) => { exports: unknown } } }).WebAssembly;

/** Why a scan stopped (wasm/csv-rows.c's STOP_*). */
export const STOP_END = 0;
export const STOP_FULL = 1;
export const STOP_ROW = 2;

/** A numeric column's flags in notInt (wasm/csv-rows.c's NOT_INT and UNPARSED). */
export const NOT_INT = 1;
export const UNPARSED = 2;

interface Exports {
  memory: WasmMemory;
  heap_base(): number;
  scan_rows(buf: number, at: number, end: number, layout: number): number;
}

let compiled: WasmModule | null | undefined;

/** The scanner's module, compiled once per thread; null where WebAssembly cannot run it. */
function wasmModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = new Wasm.Module(Buffer.from(CSV_ROWS_WASM, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Wider files are read by the JavaScript scanner: 16 rows of 4,096 columns are 1.9 MB of outputs. */
const MAX_COLUMNS = 4096;

/**
 * Scanners released and not yet taken again, in this thread, while keepingCsvScanners runs (see
 * acquire); at most MAX_IDLE.
 */
const idle: WasmRowScanner[] = [];
const MAX_IDLE = 2;
let keepers = 0;

/**
 * Runs `reads` (many CSV reads one after the other, such as the chunks of a file read in
 * batches) with released scanners kept for the next read in this thread. Outside it a scanner
 * is left to the collector when its read ends: kept, its written memory (up to 20 MB) would stay
 * resident for the thread's life (a loader thread's through the manifest it builds next).
 */
export async function keepingCsvScanners<T>(reads: () => Promise<T>): Promise<T> {
  keepers++;
  try {
    return await reads();
  } finally {
    if (--keepers === 0) idle.length = 0;
  }
}

/** String tables (StringInterner's) kept in the module's memory, for the first columns that repeat their text. */
const MAX_TABLES = 32;
const TABLE_BYTES = INTERNER_SLOTS * INTERNER_SLOT_BYTES + INTERNER_SLOTS * 4;

/** Output bytes per cell (a column's field in a row): num 8, valid 1, fs, fe, hash, code and text_end 4 each. */
const CELL_BYTES = 29;

/** The Layout struct of wasm/csv-rows.c: 18 32-bit fields. */
const LAYOUT_FIELDS = 18;

const align16 = (n: number): number => (n + 15) & ~15;

/** A scanner's buffer room for `bytes`: whole 64 KiB, at most MAX_BUFFER_BYTES. */
function bufferCapacity(bytes: number): number {
  return Math.min(WasmRowScanner.MAX_BUFFER_BYTES, Math.max(1, Math.ceil(bytes / 65536)) * 65536);
}

/**
 * One instance of wasm/csv-rows.c with its memory laid out, once, for a number of columns: the
 * outputs of a block of `maxRows` rows, the string tables, and room for a copy of a buffer of up
 * to MAX_BUFFER_BYTES and for the text copied out of it. The memory never grows afterwards, so
 * every view stays valid (pages not written to take no memory).
 */
export class WasmRowScanner {
  /**
   * The largest buffer any scanner takes (the reader's buffers are 4 MiB and a bit; a longer row
   * makes them grow). A scanner for a small file's reads takes less: see `create`.
   */
  static readonly MAX_BUFFER_BYTES = 16 << 20;
  private readonly exports: Exports;
  private readonly nc: number;
  readonly maxRows: number;
  /** The largest buffer this scanner takes (a longer one is left to the JavaScript scanner). */
  readonly maxBufferBytes: number;
  private readonly layoutPtr: number;
  private readonly bufPtr: number;
  private readonly tablesPtr: number;
  private tablesUsed = 0;
  readonly out: Int32Array;
  readonly kinds: Uint8Array;
  readonly notInt: Uint8Array;
  private readonly tableOf: Int32Array;
  readonly rowStarts: Int32Array;
  readonly num: Float64Array;
  readonly valid: Uint8Array;
  readonly fs: Int32Array;
  readonly fe: Int32Array;
  readonly hash: Int32Array;
  readonly code: Int32Array;
  readonly textEnd: Int32Array;
  readonly textAt: Int32Array;
  readonly text: Uint8Array;
  private readonly bufView: Uint8Array;
  private bufLength = 0;

  private constructor(exports: Exports, nc: number, maxRows: number, maxBufferBytes: number) {
    this.exports = exports;
    this.nc = nc;
    this.maxRows = maxRows;
    this.maxBufferBytes = maxBufferBytes;
    const cells = nc * maxRows;
    let p = align16(exports.heap_base());
    const take = (bytes: number): number => {
      const at = p;
      p = align16(p + bytes);
      return at;
    };
    const at = {
      layout: take(4 * LAYOUT_FIELDS),
      out: take(16),
      kinds: take(nc),
      notInt: take(nc),
      tableOf: take(4 * nc),
      textAt: take(4 * nc),
      rowStarts: take(4 * maxRows),
      num: take(8 * cells),
      valid: take(cells),
      fs: take(4 * cells),
      fe: take(4 * cells),
      hash: take(4 * cells),
      code: take(4 * cells),
      textEnd: take(4 * cells),
      tables: take(TABLE_BYTES * Math.min(MAX_TABLES, nc)),
      // The scanner reads and writes 16 bytes at a time: room for that after the buffer's LF
      // sentinel and after the text.
      buf: take(maxBufferBytes + 1 + 16),
      text: take(maxBufferBytes + 16),
    };
    const mem = exports.memory;
    if (p > mem.buffer.byteLength) mem.grow(Math.ceil((p - mem.buffer.byteLength) / 65536));
    const b = mem.buffer;
    this.layoutPtr = at.layout;
    this.bufPtr = at.buf;
    this.tablesPtr = at.tables;
    this.out = new Int32Array(b, at.out, 4);
    this.kinds = new Uint8Array(b, at.kinds, nc);
    this.notInt = new Uint8Array(b, at.notInt, nc);
    this.tableOf = new Int32Array(b, at.tableOf, nc).fill(-1);
    this.textAt = new Int32Array(b, at.textAt, nc);
    this.rowStarts = new Int32Array(b, at.rowStarts, maxRows);
    this.num = new Float64Array(b, at.num, cells);
    this.valid = new Uint8Array(b, at.valid, cells);
    this.fs = new Int32Array(b, at.fs, cells);
    this.fe = new Int32Array(b, at.fe, cells);
    this.hash = new Int32Array(b, at.hash, cells);
    this.code = new Int32Array(b, at.code, cells);
    this.textEnd = new Int32Array(b, at.textEnd, cells);
    this.bufView = new Uint8Array(b, at.buf, maxBufferBytes + 1);
    this.text = new Uint8Array(b, at.text, maxBufferBytes);
    // The Layout struct, in wasm/csv-rows.c's order.
    new Int32Array(b, at.layout, LAYOUT_FIELDS).set([nc, 0, maxRows, at.kinds, at.tableOf, at.tables, at.num, at.valid, at.notInt, at.fs, at.fe, at.hash, at.code, at.textEnd, at.rowStarts, at.out, at.text, at.textAt]);
  }

  /**
   * A scanner for `nc` columns taking buffers of up to `bufferBytes` (rounded up to 64 KiB, at
   * most MAX_BUFFER_BYTES), or null where the WebAssembly module cannot be instantiated, or for
   * more than MAX_COLUMNS columns (its outputs hold 16 rows of every column at least). Its memory
   * is sized once: a small file's reads need far less than the 32 MiB of the largest, and V8
   * answers every growth of WebAssembly memory with a garbage collection.
   */
  static create(nc: number, delim: number, bufferBytes: number = WasmRowScanner.MAX_BUFFER_BYTES): WasmRowScanner | null {
    const mod = wasmModule();
    if (mod === null || nc === 0 || nc > MAX_COLUMNS) return null;
    // About 512 KiB of outputs a block: small enough to stay in cache, large enough that the
    // calls cost nothing.
    const maxRows = Math.max(16, Math.min(4096, Math.floor((1 << 19) / (CELL_BYTES * nc))));
    const scanner = new WasmRowScanner(new Wasm.Instance(mod).exports as Exports, nc, maxRows, bufferCapacity(bufferBytes));
    scanner.setDelimiter(delim);
    return scanner;
  }

  /**
   * `create`, or a scanner for as many columns that an earlier read in this thread released
   * within keepingCsvScanners. Reading a file in batches (loadDatasetInBatches) reads each batch
   * afresh: a scanner each, with up to 20 MB of its memory written, stayed resident until a
   * collection (the 20M-row streaming run peaked 147 MB higher).
   */
  static acquire(nc: number, delim: number, bufferBytes: number = WasmRowScanner.MAX_BUFFER_BYTES): WasmRowScanner | null {
    const k = idle.findIndex((s) => s.nc === nc && s.maxBufferBytes >= bufferCapacity(bufferBytes));
    if (k < 0) return WasmRowScanner.create(nc, delim, bufferBytes);
    const scanner = idle.splice(k, 1)[0] as WasmRowScanner;
    scanner.setDelimiter(delim);
    return scanner;
  }

  /**
   * Hands the scanner back for `acquire` once its read is over: its string tables are forgotten
   * (the interners that held them have no more fields to look up).
   */
  release(): void {
    this.tablesUsed = 0;
    this.tableOf.fill(-1);
    this.bufLength = 0;
    if (keepers > 0 && idle.length < MAX_IDLE && !idle.includes(this)) idle.push(this);
  }

  private setDelimiter(delim: number): void {
    new Int32Array(this.exports.memory.buffer, this.layoutPtr + 4, 1)[0] = delim;
  }

  /**
   * A string table in the module's memory for column `k`, which the scanner then looks that
   * column's fields up in (see StringInterner); null once MAX_TABLES are handed out.
   */
  tableFor(k: number): InternerTable | null {
    if (this.tablesUsed === Math.min(MAX_TABLES, this.nc)) return null;
    const t = this.tablesUsed++;
    const at = this.tablesPtr + t * TABLE_BYTES;
    const b = this.exports.memory.buffer;
    const lengths = new Int32Array(b, at + INTERNER_SLOTS * INTERNER_SLOT_BYTES, INTERNER_SLOTS).fill(-1);
    this.tableOf[k] = t;
    return { bytes: new Uint8Array(b, at, INTERNER_SLOTS * INTERNER_SLOT_BYTES), lengths };
  }

  /** Copies the buffer to scan (at most maxBufferBytes) into the module's memory, with the LF sentinel after it. */
  load(buf: Uint8Array): void {
    this.bufView.set(buf);
    this.bufView[buf.length] = 10;
    this.bufLength = buf.length;
  }

  /**
   * Scans the loaded buffer's rows from `at` (a row start) into the outputs, with `kinds` set
   * beforehand: returns the rows taken; `out` holds the lines passed, the offset after them and
   * why it stopped. Field offsets are the buffer's own; a FAST_TEXT or FAST_INTERNED column's
   * fields are copied to `text` from textAt[k], each ending at textEnd[cell]; a FAST_NUMBER
   * column's field is valid 1 (parsed, `code` 1 when written without a fraction), 0 (empty) or
   * 2 (left unparsed), with notInt[k] holding NOT_INT and UNPARSED.
   */
  scan(at: number): number {
    this.exports.scan_rows(this.bufPtr, at, this.bufLength, this.layoutPtr);
    return this.out[0] as number;
  }
}
