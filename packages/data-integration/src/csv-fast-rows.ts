import { FAST_INTERNED, FAST_NUMBER, FAST_TEXT } from './column-builder.js';
import type { ColumnBuilder } from './column-builder.js';
import type { ScanState } from './csv-scan.js';
import { NOT_INT, STOP_FULL, UNPARSED, WasmRowScanner } from './csv-wasm-rows.js';
import { POW10 } from './text-values.js';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Delimiters the scanner's number parsing cannot take for part of a number (the sniffed ones).
 * With any other delimiter every row goes through the general tokenizer.
 */
export function fastDelimiter(delim: number): boolean {
  return delim === 44 || delim === 59 || delim === 9 || delim === 124;
}

/** plainNumberEnd's number. */
const plain = { value: 0, isInt: false };

/**
 * parseNumberBytes for the plain forms -?d+ and -?d+.d+ of at most 15 digits starting at `p`
 * (the same single IEEE operation, so the same double, in `plain`): returns the offset of the
 * delimiter or row end after it, or -1 for any other text (exponents, spaces, a sign '+',
 * leading zeros, long mantissas, nulls), which the caller hands to pushBytes. buf[rowEnd] is CR
 * or LF, so no loop runs past the row.
 */
function plainNumberEnd(buf: Buffer, p: number, rowEnd: number, delim: number): number {
  let j = p;
  let c = buf[j] as number;
  const neg = c === 45;
  if (neg) c = buf[++j] as number;
  const ds = j;
  let mant = 0;
  let d = c - 48;
  while (d >>> 0 < 10) {
    mant = mant * 10 + d;
    d = (buf[++j] as number) - 48;
  }
  const intDigits = j - ds;
  if (intDigits === 0 || (intDigits > 1 && buf[ds] === 48)) return -1;
  let frac = 0;
  if (d === -2) {
    // '.'
    const fs = ++j;
    d = (buf[j] as number) - 48;
    while (d >>> 0 < 10) {
      mant = mant * 10 + d;
      d = (buf[++j] as number) - 48;
    }
    frac = j - fs;
    if (frac === 0) return -1;
  }
  // At most 15 digits in all, so at most 15 significant ones (longer numbers, leading zeros or
  // not, are left to pushBytes).
  if (intDigits + frac > 15 || (j !== rowEnd && d + 48 !== delim)) return -1;
  let v = frac === 0 ? mant : mant / (POW10[frac] as number);
  if (neg) v = -v;
  if (v === 0) v = 0; // -0 folded, as parseNumberBytes does
  plain.value = v;
  plain.isInt = frac === 0;
  return j;
}

function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  return at < 0 ? buf.length : at;
}

/**
 * The CSV reader's path for plain rows: a row that ends in LF (or CRLF) within the buffer and
 * holds no quote and no other CR is split on the delimiter and each field handed straight to its
 * column, by blocks of rows split in WebAssembly (csv-wasm-rows) or, where that cannot run, row
 * by row in JavaScript, numbers parsed while they are found and byte-only text copied while its
 * end is looked for, without recording field bounds or a callback per row. Any other row (quotes, a lone CR,
 * the wrong number of fields, a row cut by the buffer's end) is left to the general tokenizer
 * (csv-scan), which then reads it, or reports it with its row, line and column. A field the
 * scanner does not parse itself goes through ColumnBuilder.pushBytes, so every column gets what
 * pushing its fields one by one gives.
 */
export class FastRows {
  private builders: ColumnBuilder[] = [];
  private kinds = new Uint8Array(0);
  /** Offsets of the next quote and CR at or after the last row looked at (buffer length: none). */
  private nextQuote = -1;
  private nextCR = -1;
  /** Data rows taken so far. */
  rows = 0;
  /** The WebAssembly scanner for the columns, and the buffer copied into its memory. */
  private wasm: WasmRowScanner | null = null;
  private loaded: Buffer | null = null;

  /**
   * `beforeRows` runs before rows are taken, so that rows the general path holds go first;
   * `useWasm` false keeps every row in JavaScript (tests compare the two).
   */
  constructor(
    private readonly delim: number,
    private readonly beforeRows: () => void,
    private readonly useWasm = true,
    /** The largest buffer the reads hand over (sizes the WebAssembly scanner's memory). */
    private readonly bufferBytes = WasmRowScanner.MAX_BUFFER_BYTES,
  ) {}

  /** The columns, once the header (or the first row) has given their number. */
  setColumns(builders: ColumnBuilder[]): void {
    this.release();
    this.builders = builders;
    this.kinds = new Uint8Array(builders.length);
    const wasm = this.useWasm ? WasmRowScanner.acquire(builders.length, this.delim, this.bufferBytes) : null;
    this.wasm = wasm;
    // Columns that turn out to repeat their text keep their string tables where the scanner looks.
    if (wasm !== null) builders.forEach((b, k) => b.offerInternerTable(() => wasm.tableFor(k)));
  }

  /** The read is over: the scanner, string tables included, may serve another one in this thread. */
  release(): void {
    if (this.wasm === null) return;
    for (const b of this.builders) b.detachInternerTable();
    this.wasm.release();
    this.wasm = null;
  }

  /** A new buffer: offsets found in the last one mean nothing. */
  begin(): void {
    this.nextQuote = -1;
    this.nextCR = -1;
    this.loaded = null;
  }

  /**
   * Takes the plain rows of `buf` from offset `i` (a row start) up to the first other row;
   * returns the offset after the last row taken (`i` when none). Blocks of rows go through the
   * WebAssembly scanner; a row it stops at (a row cut by the buffer, a lone CR, the wrong number
   * of fields) goes through the JavaScript one, which takes it or leaves it to the general
   * tokenizer, as it does a row with a quote.
   */
  take(buf: Buffer, i: number, st: ScanState): number {
    const wasm = this.wasm;
    // A buffer grown past a few chunks holds a long row: copying it would only cost memory.
    if (wasm === null || buf.length > wasm.maxBufferBytes) return this.takeRows(buf, i, st, Infinity);
    // A row with a quote goes to the general tokenizer at once (the reader asks before each such
    // row; files that quote a field in every row were a third slower when each was tried here).
    return this.quoteFree(buf, i) ? this.takeBlocks(buf, i, st, wasm) : i;
  }

  /** take's WebAssembly path, from a row that holds no quote. */
  private takeBlocks(buf: Buffer, i: number, st: ScanState, wasm: WasmRowScanner): number {
    const builders = this.builders;
    const nc = builders.length;
    // Rows the general tokenizer holds go to the columns first: they may change a column's kind
    // (a number column turned to text), which the scan below must know.
    this.beforeRows();
    for (;;) {
      if (this.loaded !== buf) {
        wasm.load(buf);
        this.loaded = buf;
      }
      for (let k = 0; k < nc; k++) wasm.kinds[k] = (builders[k] as ColumnBuilder).fastKind();
      const n = wasm.scan(i);
      const out = wasm.out;
      if (n > 0) this.commit(buf, wasm, n, st);
      st.line += (out[1] as number) - n;
      i = out[2] as number;
      if (out[3] !== STOP_FULL) {
        const after = this.takeRows(buf, i, st, 1);
        if (after === i) return i;
        i = after;
      }
      if (!this.quoteFree(buf, i)) return i;
    }
  }

  /** Whether the row at `i` ends with a LF in `buf` and holds no quote. */
  private quoteFree(buf: Buffer, i: number): boolean {
    const lf = buf.indexOf(LF, i);
    if (lf < 0) return false;
    if (this.nextQuote < i) this.nextQuote = indexOrEnd(buf, QUOTE, i);
    return this.nextQuote > lf;
  }

  /** Hands a block of rows the WebAssembly scanner split to the columns, column by column. */
  private commit(buf: Buffer, wasm: WasmRowScanner, n: number, st: ScanState): void {
    const builders = this.builders;
    const { fs, fe, maxRows } = wasm;
    for (let k = 0; k < builders.length; k++) {
      const b = builders[k] as ColumnBuilder;
      const kind = wasm.kinds[k] as number;
      const base = k * maxRows;
      if (kind === FAST_NUMBER) {
        const flags = wasm.notInt[k] as number;
        if ((flags & UNPARSED) === 0) b.addNumbers(wasm.num, wasm.valid, base, n, (flags & NOT_INT) === 0);
        else this.numbersOneByOne(buf, b, wasm, base, n);
        continue;
      }
      if (kind === FAST_TEXT) {
        b.addTextBlock(wasm.text, wasm.textAt[k] as number, wasm.textEnd, wasm.valid, base, n);
        continue;
      }
      if (kind === FAST_INTERNED) {
        b.addInternedBlock(buf, fs, fe, wasm.hash, wasm.code, wasm.valid, wasm.text, wasm.textAt[k] as number, wasm.textEnd, base, n);
        continue;
      }
      // Through pushBytes (which parses numbers itself) for the whole block, whatever the column
      // becomes: the scanner did not parse these fields.
      for (let r = base, last = base + n; r < last; r++) b.pushBytes(buf, fs[r] as number, fe[r] as number, 0);
    }
    if (st.rowCount + n > st.rowStarts.length) {
      const grown = new Int32Array(Math.max(st.rowStarts.length * 2, st.rowCount + n));
      grown.set(st.rowStarts);
      st.rowStarts = grown;
    }
    st.rowStarts.set(wasm.rowStarts.subarray(0, n), st.rowCount);
    st.rowCount += n;
    st.line += n;
    this.rows += n;
  }

  /**
   * A block of a FAST_NUMBER column holding fields the scanner left unparsed (an exponent, a null
   * token, a word), field by field as the JavaScript scanner hands them on: a number it parsed
   * goes in as it is, any other field through pushBytes, and every field through pushBytes once
   * the column is no longer numeric.
   */
  private numbersOneByOne(buf: Buffer, b: ColumnBuilder, wasm: WasmRowScanner, base: number, n: number): void {
    const { num, valid, code, fs, fe } = wasm;
    for (let r = base, last = base + n; r < last; r++) {
      if (valid[r] === 1 && b.fastKind() === FAST_NUMBER) b.addNumber(num[r] as number, code[r] === 1);
      else b.pushBytes(buf, fs[r] as number, fe[r] as number, 0);
    }
  }

  /** The JavaScript scanner: takes at most `maxRows` plain rows of `buf` from `i`. */
  private takeRows(buf: Buffer, i: number, st: ScanState, maxRows: number): number {
    const builders = this.builders;
    const nc = builders.length;
    if (nc === 0) return i;
    const kinds = this.kinds;
    const delim = this.delim;
    const end = buf.length;
    let started = false;
    let rowsTaken = 0;
    while (i < end && rowsTaken < maxRows) {
      const lf = buf.indexOf(LF, i);
      if (lf < 0) break;
      if (this.nextQuote < i) this.nextQuote = indexOrEnd(buf, QUOTE, i);
      if (this.nextQuote < lf) break;
      const rowEnd = lf > i && buf[lf - 1] === CR ? lf - 1 : lf;
      if (this.nextCR < i) this.nextCR = indexOrEnd(buf, CR, i);
      if (this.nextCR < rowEnd) break;
      if (rowEnd === i) {
        // A blank line is not a row.
        st.line++;
        i = lf + 1;
        continue;
      }
      if (!started) {
        started = true;
        this.beforeRows();
        for (let k = 0; k < nc; k++) kinds[k] = (builders[k] as ColumnBuilder).fastKind();
      }
      let p = i;
      let k = 0;
      for (;;) {
        const b = builders[k] as ColumnBuilder;
        const kind = kinds[k] as number;
        if (kind === FAST_TEXT) {
          p = b.addTextUntil(buf, p, rowEnd, delim);
        } else if (kind === FAST_INTERNED) {
          // The field's end and its hash (string-interner's bytesHash) in one pass.
          let h = 0x811c9dc5;
          let j = p;
          while (j < rowEnd) {
            const c = buf[j] as number;
            if (c === delim) break;
            h = Math.imul(h ^ c, 0x01000193);
            j++;
          }
          if (j > p) {
            if (!b.addInterned(buf, p, j, h)) kinds[k] = b.fastKind();
          } else {
            b.pushBytes(buf, p, j, 0);
            kinds[k] = b.fastKind();
          }
          p = j;
        } else {
          let j = p;
          let taken = false;
          if (kind === FAST_NUMBER) {
            const at = plainNumberEnd(buf, p, rowEnd, delim);
            if (at >= 0) {
              b.addNumber(plain.value, plain.isInt);
              p = at;
              taken = true;
            }
          }
          if (!taken) {
            while (j < rowEnd && buf[j] !== delim) j++;
            b.pushBytes(buf, p, j, 0);
            kinds[k] = b.fastKind();
            p = j;
          }
        }
        k++;
        if (p === rowEnd || k === nc) break;
        p++;
      }
      // Too few or too many fields: the general tokenizer reports the row (the load stops there,
      // so the fields already pushed do not matter).
      if (k !== nc || p !== rowEnd) return i;
      if (st.rowCount === st.rowStarts.length) {
        const grown = new Int32Array(st.rowStarts.length * 2);
        grown.set(st.rowStarts);
        st.rowStarts = grown;
      }
      st.rowStarts[st.rowCount++] = i;
      st.line++;
      this.rows++;
      rowsTaken++;
      i = lf + 1;
    }
    return i;
  }
}
