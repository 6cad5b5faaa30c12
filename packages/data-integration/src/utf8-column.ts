import { isAscii } from 'node:buffer';
import { Utf8, Type, makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { Column } from './column.js';
import { sharedArray } from './shared-array.js';
import { copyBytes, rememberUtf8, type Utf8Layout } from './utf8-layout.js';

/**
 * Per column, Arrow data that holds exactly its values: the data it was read from, or the data
 * it was converted to once. Columns are never changed in place, so the data stays true, and a
 * text column's UTF-8 can be read through it without making a string per value.
 */
const arrowData = new WeakMap<Column, Data>();

export function rememberArrowData(col: Column, data: Data): void {
  arrowData.set(col, data);
}

export function arrowDataOf(col: Column): Data | undefined {
  return arrowData.get(col);
}

/** The Arrow Utf8 data already known for a text column, if any. */
export function knownUtf8(col: Column): Data | undefined {
  if (col.type !== 'string') return undefined;
  const data = arrowData.get(col);
  return data !== undefined && data.typeId === Type.Utf8 && data.offset === 0 ? data : undefined;
}

/** Value i of a text column; one known as UTF-8 decodes that value alone. */
export function textAt(col: Extract<Column, { type: 'string' }>, i: number): string | null {
  const d = knownUtf8(col);
  if (d === undefined) return col.values[i] ?? null;
  if (!d.getValid(i)) return null;
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', offsets[i] as number, offsets[i + 1] as number);
}

/** Whether cell i of `a` and cell j of `b` (Utf8 data) are both null or hold the same text. */
export function utf8CellsEqual(a: Data, i: number, b: Data, j: number): boolean {
  const va = a.nullCount === 0 || a.getValid(i);
  if (va !== (b.nullCount === 0 || b.getValid(j))) return false;
  return !va || sameUtf8(a, i, b, j);
}

/** Whether the bytes of value i of `a` and value j of `b` are the same (validity aside). */
export function sameUtf8(a: Data, i: number, b: Data, j: number): boolean {
  const oa = a.valueOffsets as Int32Array;
  const ob = b.valueOffsets as Int32Array;
  const sa = oa[i] as number;
  const sb = ob[j] as number;
  const len = (oa[i + 1] as number) - sa;
  if (len !== (ob[j + 1] as number) - sb) return false;
  const ba = a.values as Uint8Array;
  const bb = b.values as Uint8Array;
  for (let k = 0; k < len; k++) if (ba[sa + k] !== bb[sb + k]) return false;
  return true;
}

/** Validity arrays whose nulls their reader counted, and packed where it did (see rememberNullCount). */
const countedNulls = new WeakMap<Uint8Array, { nulls: number; bitmap?: Uint8Array }>();

/**
 * Tells packValidity how many nulls `valid` holds, as the reader that filled it counted them, so
 * that it need not search a column without any, and the bitmap the reader packed, if it did (the
 * array must not change afterwards).
 */
export function rememberNullCount(valid: Uint8Array, nulls: number, bitmap?: Uint8Array): void {
  countedNulls.set(valid, bitmap === undefined ? { nulls } : { nulls, bitmap });
}

export function packValidity(valid: Uint8Array): { bitmap: Uint8Array; nulls: number } {
  const n = valid.length;
  const counted = countedNulls.get(valid);
  if (counted?.bitmap !== undefined) return { bitmap: counted.bitmap, nulls: counted.nulls };
  const bitmap = new Uint8Array((n + 7) >> 3);
  // Most columns have no null (validity is 1 = a value, 0 = null): the reader's count or one
  // native search says so.
  if (counted?.nulls === 0 || (counted === undefined && valid.indexOf(0) < 0)) {
    bitmap.fill(0xff);
    if ((n & 7) !== 0) bitmap[bitmap.length - 1] = (1 << (n & 7)) - 1;
    return { bitmap, nulls: 0 };
  }
  let set = 0;
  let i = 0;
  // Eight rows to a byte through two 32-bit words, where the bytes are 4-aligned (a column of
  // its own; a view into another may not be): a bit per row cost about 2.5 ms per 100,000 rows
  // in a load's first, unoptimized run.
  if (LITTLE_ENDIAN && (valid.byteOffset & 3) === 0) {
    const whole = n >> 3;
    const words = new Uint32Array(valid.buffer, valid.byteOffset, whole * 2);
    for (let b = 0; b < whole; b++) {
      const lo = words[2 * b] as number;
      const hi = words[2 * b + 1] as number;
      // Only bytes of 0 and 1 pack this way; any other byte takes the bit-by-bit loop below.
      if (((lo | hi) & 0xfefefefe) !== 0) break;
      const byte = (Math.imul(lo, GATHER) >>> 24) | ((Math.imul(hi, GATHER) >>> 24) << 4);
      bitmap[b] = byte;
      set += POPCOUNT[byte] as number;
      i += 8;
    }
  }
  for (; i < n; i++) {
    if (valid[i] === 1) {
      bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
      set++;
    }
  }
  return { bitmap, nulls: n - set };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * Four bytes of 0 or 1 in a little-endian word, times this, hold them as bits 24-27 of the product's
 * low 32 bits (byte j's bit lands at 24 + j; every other product term lands elsewhere and alone).
 */
const GATHER = 0x01020408;
/** Set bits per byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x !== 0; x &= x - 1) c++;
  return c;
});

export function bitIsSet(bitmap: Uint8Array | null | undefined, offset: number, i: number): boolean {
  if (!bitmap || bitmap.length === 0) return true;
  const j = offset + i;
  return ((bitmap[j >> 3] as number) & (1 << (j & 7))) !== 0;
}

/** Largest byte range decoded as one string (V8 strings hold up to about 2^29 characters). */
const WHOLE_DECODE_MAX_BYTES = 1 << 28;

/**
 * Strings straight from offsets and bytes: much faster than Vector.get for millions of rows.
 * A chunk whose bytes are all ASCII is decoded as one string and each value cut from it (V8
 * shares the characters of a long cut): about half the time of decoding value by value, and
 * fewer bytes held.
 */
export function decodeUtf8Chunks(chunks: readonly Data[], n: number): (string | null)[] {
  const out = new Array<string | null>(n);
  let base = 0;
  for (const d of chunks) {
    // Arrow slices the offsets (and fixed-width values) of a sliced Data, but not its bitmap.
    const offs = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = offs[0] as number;
    const last = offs[d.length] as number;
    if (last - first <= WHOLE_DECODE_MAX_BYTES && isAscii(buf.subarray(first, last))) {
      const whole = buf.toString('latin1', first, last);
      for (let i = 0; i < d.length; i++) {
        out[base + i] = bitIsSet(d.nullBitmap, d.offset, i) ? whole.substring((offs[i] as number) - first, (offs[i + 1] as number) - first) : null;
      }
    } else {
      for (let i = 0; i < d.length; i++) {
        out[base + i] = bitIsSet(d.nullBitmap, d.offset, i) ? buf.toString('utf8', offs[i] as number, offs[i + 1] as number) : null;
      }
    }
    base += d.length;
  }
  return out;
}

/**
 * A string column whose values are decoded from their UTF-8 on first access and then kept.
 * Loading hands the Arrow table on without making a JS string; steps that read the values pay
 * for them once.
 */
export function lazyStringColumn(decode: () => (string | null)[], layout: Utf8Layout): Column {
  const col = { type: 'string' } as Extract<Column, { type: 'string' }>;
  Object.defineProperty(col, 'values', {
    configurable: true,
    enumerable: true,
    get(): (string | null)[] {
      const values = decode();
      rememberUtf8(values, layout);
      Object.defineProperty(col, 'values', { value: values, configurable: true, enumerable: true, writable: true });
      return values;
    },
  });
  return col;
}

/**
 * A text column from its UTF-8 layout and validity (1 = a value, 0 = null), as a reader that kept
 * the bytes builds it: its Arrow data is ready at once, its JS strings are made on first access.
 */
export function stringColumnFromUtf8(layout: Utf8Layout, valid: Uint8Array): Column {
  const n = valid.length;
  const { bitmap, nulls } = packValidity(valid);
  const data = makeData({ type: new Utf8(), length: n, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : null, valueOffsets: layout.offsets, data: layout.bytes }) as Data;
  const col = lazyStringColumn(() => decodeUtf8Chunks([data], n), layout);
  arrowData.set(col, data);
  return col;
}

/** Rows `idx` of a text column known as UTF-8, copied as bytes into a new lazy column. */
export function takeUtf8(d: Data, idx: ArrayLike<number>): Column {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const n = idx.length;
  const valid = new Uint8Array(n);
  const outOffsets = sharedArray(Int32Array, n + 1);
  let total = 0;
  // Data.getValid costs a call per row; most text columns have no null to look for.
  const allValid = d.nullCount === 0;
  for (let k = 0; k < n; k++) {
    const r = idx[k] as number;
    if (allValid || d.getValid(r)) {
      valid[k] = 1;
      total += (offsets[r + 1] as number) - (offsets[r] as number);
    }
    outOffsets[k + 1] = total;
  }
  const out = sharedArray(Uint8Array, total);
  for (let k = 0; k < n; k++) {
    if (valid[k] === 0) continue;
    const r = idx[k] as number;
    copyBytes(bytes, offsets[r] as number, offsets[r + 1] as number, out, outOffsets[k] as number);
  }
  return stringColumnFromUtf8({ offsets: outOffsets, bytes: out }, valid);
}
