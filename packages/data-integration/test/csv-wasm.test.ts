import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keepingCsvScanners, NOT_INT, STOP_END, STOP_FULL, STOP_ROW, UNPARSED, WasmRowScanner } from '../src/csv-wasm-rows.js';
import { FAST_INTERNED, FAST_NUMBER, FAST_TEXT } from '../src/column-builder.js';
import { StringInterner } from '../src/string-interner.js';
import { mulberry32 } from './mulberry32.js';

// The CSV reader's WebAssembly scanner (wasm/csv-rows.c, embedded in src/csv-wasm-bytes.ts).
// test/plain-rows.test.ts checks that reading files through it gives what the JavaScript
// scanner and the general tokenizer give; these check that it is the one in use, what it hands
// back for a block, and that the embedded bytes are what the C source compiles to.

const haveClang = existsSync('/usr/bin/clang-14') && existsSync('/usr/bin/wasm-ld-14');

function scannerFor(text: string, kinds: number[]): { scanner: WasmRowScanner; buf: Buffer } {
  const scanner = WasmRowScanner.create(kinds.length, 44);
  if (scanner === null) throw new Error('the WebAssembly scanner did not instantiate');
  const buf = Buffer.from(text);
  scanner.load(buf);
  kinds.forEach((k, i) => (scanner.kinds[i] = k));
  return { scanner, buf };
}

describe('the WebAssembly CSV row scanner', () => {
  it('instantiates here (the reader would otherwise fall back to JavaScript silently)', () => {
    expect(WasmRowScanner.create(3, 44)).not.toBeNull();
  });

  it('parses numbers, leaves other number forms to the caller, copies text out and hashes repeated text', () => {
    const text = 'x1,-2.5,north,NA\r\nx2,,south,tail\n\nx3,+3,east,z\n"x4",1,west,z\n';
    const { scanner, buf } = scannerFor(text, [FAST_TEXT, FAST_NUMBER, FAST_INTERNED, FAST_TEXT]);
    const rows = scanner.scan(0);
    expect(rows).toBe(3);
    const [, lines, end, stop] = scanner.out;
    // Three rows and the blank line; it stops at the row with a quote.
    expect([lines, stop]).toEqual([4, STOP_ROW]);
    expect(buf.subarray(end as number).toString()).toBe('"x4",1,west,z\n');
    const m = scanner.maxRows;
    // -2.5 parsed (with a fraction), an empty field a null, "+3" left unparsed with its bounds.
    expect([scanner.num[m], scanner.valid[m], scanner.code[m], scanner.valid[m + 1], scanner.valid[m + 2]]).toEqual([-2.5, 1, 0, 0, 2]);
    expect(buf.subarray(scanner.fs[m + 2] as number, scanner.fe[m + 2] as number).toString()).toBe('+3');
    expect(scanner.notInt[1]).toBe(NOT_INT | UNPARSED);
    // Text columns laid end to end: "x1" "x2" "x3" for the first; "NA" is a null, "tail" a value.
    const at0 = scanner.textAt[0] as number;
    expect(Buffer.from(scanner.text.subarray(at0, scanner.textEnd[2] as number)).toString()).toBe('x1x2x3');
    const at3 = scanner.textAt[3] as number;
    expect([scanner.valid[3 * m], scanner.valid[3 * m + 1]]).toEqual([0, 1]);
    expect(Buffer.from(scanner.text.subarray(at3, scanner.textEnd[3 * m + 1] as number)).toString()).toBe('tail');
    // The interned column: bounds in the buffer and the FNV-1a hash the interner uses.
    expect(buf.subarray(scanner.fs[2 * m] as number, scanner.fe[2 * m] as number).toString()).toBe('north');
    let h = 0x811c9dc5;
    for (const c of Buffer.from('south')) h = Math.imul(h ^ c, 0x01000193);
    expect(scanner.hash[2 * m + 1]).toBe(h);
    expect(Array.from(scanner.rowStarts.subarray(0, 3))).toEqual([0, text.indexOf('x2'), text.indexOf('x3')]);
  });

  it('parses every plain number as JavaScript does and leaves every other form, wherever its digits fall in the 16 bytes it reads at once', () => {
    // The rule: -?(0|[1-9]d*)(.d+)? with at most 15 digits, then perhaps e[+-]d{1,3} with the
    // power of ten within 10^±22 (parseNumberBytes' exact path), is parsed, correctly rounded and
    // -0 as 0; an empty field is a null; anything else is left with its bounds. Fields of every
    // length from 0 to 20 digits on either side of the dot put the dot and the end on every byte
    // of the window, and then past it.
    const rand = mulberry32(21);
    const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');
    const fields: string[] = ['', '-', '.', '-.5', '.5', '1.', '-0', '-0.0', '0.000', '00', '01.5', '-01', '1.2.3', '12a', '1e3', '-1E-3', '+1', '1 ', ' 1', 'NA', '9007199254740993', '999999999999999', '-999999999999999', '2147483647', '2147483648', '-2147483648', '-2147483649', '0.1', '0.30000000000000004',
      '-6.4e-05', '1e-05', '1E5', '1.5e+3', '-0e5', '1e', '1e+', '1e-', '1e1.5', '1e0005', '1e-022', '1e22', '1e23', '123456789012345e-22', '1.23456789012345e7', '1e-23', '12e-23', '1.e5', '-1.5e-5x'];
    for (let a = 0; a <= 20; a++) {
      for (let b = 0; b <= 20; b++) {
        if (a + b === 0) continue;
        const int = a === 0 ? '' : a === 1 ? digits(1) : String(1 + Math.floor(rand() * 9)) + digits(a - 1);
        const text = b === 0 ? int : `${int}.${digits(b)}`;
        fields.push(text, `-${text}`);
        if (b <= 3 && a <= 12) fields.push(`${text}e-${b + a}`, `-${text}E+${a}`, `${text}e${b}`);
      }
    }
    const plain = /^-?(0|[1-9][0-9]*)(\.([0-9]+))?([eE]([+-]?)([0-9]{1,3}))?$/;
    const isPlain = (field: string): boolean => {
      const m = plain.exec(field);
      if (m === null || field.split(/[eE]/)[0]!.replace(/[-.]/g, '').length > 15) return false;
      const scale = (m[6] === undefined ? 0 : Number(`${m[5]}${m[6]}`)) - (m[3]?.length ?? 0);
      return scale >= -22 && scale <= 22;
    };
    // Two columns, so each field is read both before a delimiter and before a line's end; the
    // rows end in LF and CR LF by turns.
    const rows = fields.map((f, i) => `${f},${fields[fields.length - 1 - i]}${i % 2 === 0 ? '\n' : '\r\n'}`);
    for (let from = 0; from < rows.length; ) {
      const text = rows.slice(from).join('');
      const { scanner, buf } = scannerFor(text, [FAST_NUMBER, FAST_NUMBER]);
      const n = scanner.scan(0);
      expect(n).toBeGreaterThan(0);
      const m = scanner.maxRows;
      for (let r = 0; r < n; r++) {
        for (const k of [0, 1]) {
          const field = k === 0 ? (fields[from + r] as string) : (fields[fields.length - 1 - from - r] as string);
          const cell = k * m + r;
          const valid = field === '' ? 0 : isPlain(field) ? 1 : 2;
          expect(scanner.valid[cell], JSON.stringify(field)).toBe(valid);
          if (valid === 1) {
            const want = Number(field) === 0 ? 0 : Number(field);
            expect(Object.is(scanner.num[cell], want), `${JSON.stringify(field)} gave ${scanner.num[cell]}`).toBe(true);
            expect(scanner.code[cell], JSON.stringify(field)).toBe(/[.eE]/.test(field) ? 0 : 1);
          } else {
            expect(buf.subarray(scanner.fs[cell] as number, scanner.fe[cell] as number).toString(), JSON.stringify(field)).toBe(field);
          }
        }
      }
      from += n;
    }
  });

  it('gives the bounds of every field of a numeric column from its first field left unparsed on, and flags by the fields taken', () => {
    const { scanner, buf } = scannerFor('1\n2.5\nx\n3\n\n4\n', [FAST_NUMBER]);
    expect(scanner.scan(0)).toBe(5);
    expect(Array.from(scanner.valid.subarray(0, 5))).toEqual([1, 1, 2, 1, 1]);
    expect(scanner.notInt[0]).toBe(NOT_INT | UNPARSED);
    // numbersOneByOne reads a parsed field through its bounds once the column has turned to text.
    expect([2, 3, 4].map((r) => buf.subarray(scanner.fs[r] as number, scanner.fe[r] as number).toString())).toEqual(['x', '3', '4']);
    const ints = scannerFor('1\n-2\n2147483647\n', [FAST_NUMBER]).scanner;
    expect(ints.scan(0)).toBe(3);
    expect(ints.notInt[0]).toBe(0);
    const wide = scannerFor('1\n-2147483649\n', [FAST_NUMBER]).scanner;
    expect(wide.scan(0)).toBe(2);
    expect(wide.notInt[0]).toBe(NOT_INT);
  });

  it('flags a numeric column by the rows it took only, not by a row it then left', () => {
    // The second row's 2.5 is read before its third field shows the row has too many fields.
    const { scanner } = scannerFor('1,2\n2.5,3,4\n', [FAST_NUMBER, FAST_NUMBER]);
    expect(scanner.scan(0)).toBe(1);
    expect(scanner.notInt[0]).toBe(0);
  });

  it('finds a repeated-text field in the string table it shares with the column\'s interner', () => {
    const { scanner, buf } = scannerFor('north\nsouth\nnorth\n\nnorth!\n', [FAST_INTERNED]);
    const interner = new StringInterner();
    interner.offerTable(() => scanner.tableFor(0));
    interner.keep(Buffer.from('north'), 0, 5, 'north');
    expect(scanner.scan(0)).toBe(4);
    const codes = Array.from(scanner.code.subarray(0, 4));
    expect(codes[0]).toBeGreaterThanOrEqual(0);
    expect(codes).toEqual([codes[0], -1, codes[0], -1]);
    expect(interner.hitAt(codes[0] as number)).toBe('north');
    // The interner reads the same table.
    expect(interner.find(buf, 12, 17)).toBe('north');
    expect(interner.find(buf, 6, 11)).toBeUndefined();
  });

  it('leaves a row cut by the buffer end, a quoted row and a row with too many fields', () => {
    for (const [text, stop] of [['1,2\n3,4', STOP_END], ['1,2\n"3",4\n', STOP_ROW], ['1,2\n3,4,5\n', STOP_ROW], ['1,2\n3\r4\n', STOP_ROW]] as const) {
      const { scanner } = scannerFor(text, [FAST_NUMBER, FAST_NUMBER]);
      expect(scanner.scan(0), text).toBe(1);
      expect([scanner.out[2], scanner.out[3]], text).toEqual([4, stop]);
    }
    const { scanner } = scannerFor('1,2\n'.repeat(5000), [FAST_NUMBER, FAST_NUMBER]);
    expect(scanner.scan(0)).toBe(Math.min(5000, scanner.maxRows));
    expect(scanner.out[3]).toBe(scanner.maxRows < 5000 ? STOP_FULL : STOP_END);
  });

  it('serves the next read in the thread once released, within keepingCsvScanners only, its string tables forgotten by the interners that held them', async () => {
    // Outside keepingCsvScanners a released scanner is left to the collector.
    const alone = WasmRowScanner.acquire(2, 44) as WasmRowScanner;
    alone.release();
    expect(WasmRowScanner.acquire(2, 44) === alone).toBe(false);
    await keepingCsvScanners(async () => {
      const first = WasmRowScanner.acquire(2, 44);
      expect(first).not.toBeNull();
      const scanner = first as WasmRowScanner;
      const interner = new StringInterner();
      interner.offerTable(() => scanner.tableFor(1));
      interner.keep(Buffer.from('north'), 0, 5, 'north');
      expect(interner.find(Buffer.from('north'), 0, 5)).toBe('north');
      // Two reads at once get two scanners; a released one comes back for as many columns.
      const other = WasmRowScanner.acquire(2, 59);
      expect(other !== null && other !== scanner).toBe(true);
      interner.detachTable();
      scanner.release();
      expect(WasmRowScanner.acquire(3, 44) === scanner).toBe(false);
      const again = WasmRowScanner.acquire(2, 59) as WasmRowScanner;
      expect(again === scanner).toBe(true);
      // The next read's interner writes another string where "north" was: the first interner no
      // longer reads that table, so it cannot answer with a string of its own for those bytes.
      const next = new StringInterner();
      next.offerTable(() => again.tableFor(1));
      next.keep(Buffer.from('north'), 0, 5, 'NORTH?');
      expect(interner.find(Buffer.from('north'), 0, 5)).toBeUndefined();
      expect(next.find(Buffer.from('north'), 0, 5)).toBe('NORTH?');
      // The delimiter is the new read's.
      again.load(Buffer.from('a;1\n'));
      again.kinds.set([FAST_TEXT, FAST_NUMBER]);
      expect(again.scan(0)).toBe(1);
      expect(again.num[again.maxRows]).toBe(1);
      again.release();
      other?.release();
    });
  });

  it('sizes its memory for the buffers it is given: a small file\'s scanner is small, and is not handed a larger read', async () => {
    const small = WasmRowScanner.create(2, 44, 1000) as WasmRowScanner;
    expect(small.maxBufferBytes).toBe(65536);
    expect((WasmRowScanner.create(2, 44) as WasmRowScanner).maxBufferBytes).toBe(WasmRowScanner.MAX_BUFFER_BYTES);
    expect((WasmRowScanner.create(2, 44, 1 << 30) as WasmRowScanner).maxBufferBytes).toBe(WasmRowScanner.MAX_BUFFER_BYTES);
    small.load(Buffer.from('1,2.5\n3,4\n'));
    small.kinds.set([FAST_NUMBER, FAST_NUMBER]);
    expect(small.scan(0)).toBe(2);
    expect(small.num[small.maxRows]).toBe(2.5);
    await keepingCsvScanners(async () => {
      small.release();
      // A released small scanner serves a small read, not one that needs more room.
      expect(WasmRowScanner.acquire(2, 44, 1 << 20) === small).toBe(false);
      expect(WasmRowScanner.acquire(2, 44, 4096) === small).toBe(true);
    });
  });

  it('is embedded as the C source compiles (clang 14)', () => {
    if (!haveClang) {
      // CI installs clang-14 and lld-14 (.ci/run); elsewhere the check needs them.
      expect(process.env.CI, 'CI must have clang-14 and wasm-ld-14 to check the embedded scanner').toBeUndefined();
      return;
    }
    const script = fileURLToPath(new URL('../scripts/csv-wasm.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('matches');
  });
});
