import { CSV_ROWS_WASM } from './csv-wasm-bytes.js';

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

interface Exports {
  memory: WasmMemory;
  heap_base(): number;
  scan_rows(buf: number, at: number, end: number, nc: number, kinds: number, delim: number, maxRows: number, num: number, valid: number, notInt: number, fs: number, fe: number, hash: number, rowStarts: number, out: number, text: number, textAt: number): number;
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

/** Wider files are read by the JavaScript scanner: 16 rows of 4,096 columns are 1.4 MB of outputs. */
const MAX_COLUMNS = 4096;

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * One instance of wasm/csv-rows.c with its memory laid out for a number of columns: the
 * outputs of a block of `maxRows` rows, then a copy of the buffer being scanned. Its views are
 * made again whenever the memory grows (growing detaches the old ones).
 */
export class WasmRowScanner {
  private readonly exports: Exports;
  private readonly nc: number;
  readonly maxRows: number;
  private readonly at: { out: number; kinds: number; notInt: number; textAt: number; rowStarts: number; num: number; valid: number; fs: number; fe: number; hash: number; buf: number };
  /** Where the text copied out of a block starts: after the buffer. */
  private textPtr = 0;
  /** Views of the outputs (valid until the memory grows). */
  out!: Int32Array;
  kinds!: Uint8Array;
  notInt!: Uint8Array;
  rowStarts!: Int32Array;
  num!: Float64Array;
  valid!: Uint8Array;
  fs!: Int32Array;
  fe!: Int32Array;
  hash!: Int32Array;
  textAt!: Int32Array;
  text!: Uint8Array;
  private bufView!: Uint8Array;
  private bufLength = 0;

  private constructor(exports: Exports, nc: number, maxRows: number) {
    this.exports = exports;
    this.nc = nc;
    this.maxRows = maxRows;
    const cells = nc * maxRows;
    let p = align8(exports.heap_base());
    const take = (bytes: number): number => {
      const at = p;
      p = align8(p + bytes);
      return at;
    };
    this.at = { out: take(16), kinds: take(nc), notInt: take(nc), textAt: take(4 * nc), rowStarts: take(4 * maxRows), num: take(8 * cells), valid: take(cells), fs: take(4 * cells), fe: take(4 * cells), hash: take(4 * cells), buf: p };
    this.ensure(0);
  }

  /**
   * A scanner for `nc` columns, or null where the WebAssembly module cannot be instantiated, or
   * for more than MAX_COLUMNS columns (its outputs hold 16 rows of every column at least).
   */
  static create(nc: number): WasmRowScanner | null {
    const mod = wasmModule();
    if (mod === null || nc === 0 || nc > MAX_COLUMNS) return null;
    // About 512 KiB of outputs a block: small enough to stay in cache, large enough that the
    // calls cost nothing.
    const maxRows = Math.max(16, Math.min(4096, Math.floor((1 << 19) / (21 * nc))));
    return new WasmRowScanner(new Wasm.Instance(mod).exports as Exports, nc, maxRows);
  }

  /** Room for a buffer of `bytes` bytes, its sentinel, and as many bytes of text copied out of it. */
  private ensure(bytes: number): void {
    const mem = this.exports.memory;
    // 16 bytes of room after the sentinel and after the text: the scanner reads and writes 16
    // bytes at a time.
    this.textPtr = align8(this.at.buf + bytes + 1 + 16);
    const need = this.textPtr + bytes + 16;
    if (need > mem.buffer.byteLength) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    const b = mem.buffer;
    const a = this.at;
    const cells = this.nc * this.maxRows;
    this.out = new Int32Array(b, a.out, 4);
    this.kinds = new Uint8Array(b, a.kinds, this.nc);
    this.notInt = new Uint8Array(b, a.notInt, this.nc);
    this.rowStarts = new Int32Array(b, a.rowStarts, this.maxRows);
    this.num = new Float64Array(b, a.num, cells);
    this.valid = new Uint8Array(b, a.valid, cells);
    this.fs = new Int32Array(b, a.fs, cells);
    this.fe = new Int32Array(b, a.fe, cells);
    this.hash = new Int32Array(b, a.hash, cells);
    this.textAt = new Int32Array(b, a.textAt, this.nc);
    this.bufView = new Uint8Array(b, a.buf, bytes + 1);
    this.text = new Uint8Array(b, this.textPtr, bytes);
  }

  /** Copies the buffer to scan into the module's memory, with the LF sentinel after it. */
  load(buf: Uint8Array): void {
    if (buf.length + 1 > this.bufView.length) this.ensure(buf.length);
    this.bufView.set(buf);
    this.bufView[buf.length] = 10;
    this.bufLength = buf.length;
  }

  /**
   * Scans the loaded buffer's rows from `at` (a row start) into the outputs, with `kinds` set
   * beforehand: returns the rows taken; `out` holds the lines passed, the offset after them and
   * why it stopped. Field offsets are the buffer's own; a FAST_TEXT column's fields are copied
   * to `text` from textAt[k], fe then holding where each ends there.
   */
  scan(at: number, delim: number): number {
    const a = this.at;
    this.exports.scan_rows(a.buf, at, this.bufLength, this.nc, a.kinds, delim, this.maxRows, a.num, a.valid, a.notInt, a.fs, a.fe, a.hash, a.rowStarts, a.out, this.textPtr, a.textAt);
    return this.out[0] as number;
  }
}
