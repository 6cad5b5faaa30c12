import { DataType, type Data, type Table, type Vector } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import { ColumnDataCache } from './column-data-cache.js';

export type ColumnKind = 'numeric' | 'string' | 'date';

/** A string column as distinct values plus one code per row (-1 for null), so per-value work runs once. */
export interface CodedStrings {
  values: string[];
  codes: Int32Array;
}

export function columnKind(type: DataType): ColumnKind | null {
  if (DataType.isFloat(type) || DataType.isInt(type) || DataType.isBool(type) || DataType.isDecimal(type)) return 'numeric';
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return 'date';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'string';
  if (DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary))) return 'string';
  return null;
}

export function requireColumn(table: Table, name: string, role: string): Vector {
  const col = table.getChild(name);
  if (col === null) {
    const have = table.schema.fields.map((f) => f.name).join(', ');
    throw new TrainingError('HOKUSAI_FEATURE_MISSING', `The ${role} column "${name}" is not in the table (columns: ${have}). Check the column name in the config.`, { column: name });
  }
  return col;
}

/** Numeric cells as float64 with NaN for null; Int64 and booleans are converted to numbers, dates and timestamps to epoch milliseconds. */
export function readNumeric(col: Vector): Float64Array {
  const out = new Float64Array(col.length);
  let base = 0;
  for (const data of col.data) {
    const n = data.length;
    const type = data.type as DataType;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    const off = data.offset;
    const plain = plainNumbers(data);
    if (plain !== null) out.set(plain.subarray(0, n), base);
    else if (DataType.isFloat(type) || DataType.isInt(type)) {
      const values = data.values as ArrayLike<number | bigint>;
      // Half floats (16-bit words) and 64-bit integers.
      if (DataType.isFloat(type)) for (let i = 0; i < n; i++) out[base + i] = halfToFloat(values[i] as number);
      else for (let i = 0; i < n; i++) out[base + i] = Number(values[i]);
    } else if (DataType.isBool(type)) {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const p = off + i;
        out[base + i] = ((bits[p >> 3] as number) >> (p & 7)) & 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v: unknown = col.get(base + i);
        out[base + i] = v === null || v === undefined ? NaN : Number(v);
      }
    }
    if (bitmap !== undefined && bitmap.length > 0) {
      for (let i = 0; i < n; i++) {
        const p = off + i;
        if ((((bitmap[p >> 3] as number) >> (p & 7)) & 1) === 0) out[base + i] = NaN;
      }
    }
    base += n;
  }
  return out;
}

/** Null cells of a numeric column, as opposed to NaN values that were written into the data. */
export function nullMask(col: Vector): Uint8Array {
  const out = new Uint8Array(col.length);
  let base = 0;
  for (const data of col.data) {
    const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
    if (bitmap !== undefined && bitmap.length > 0) {
      for (let i = 0; i < data.length; i++) {
        const p = data.offset + i;
        if ((((bitmap[p >> 3] as number) >> (p & 7)) & 1) === 0) out[base + i] = 1;
      }
    }
    base += data.length;
  }
  return out;
}

/**
 * Coded strings of text columns already read (at 1m the plan, the fit and the transform read every
 * text column of 2M rows, and the merged table arrives in two chunks, base then contributed).
 */
const codedByData = new ColumnDataCache<CodedStrings>();

/** A text column as distinct values and codes (shared with later calls on the same data: read only). */
export function readCodedStrings(col: Vector): CodedStrings {
  const known = codedByData.get(col);
  if (known !== undefined) return known;
  const coded = codeStrings(col);
  codedByData.set(col, coded);
  return coded;
}

function codeStrings(col: Vector): CodedStrings {
  const codes = new Int32Array(col.length);
  const values: string[] = [];
  const index = new Map<string, number>();
  const codeOf = (s: string): number => {
    let c = index.get(s);
    if (c === undefined) {
      c = values.length;
      values.push(s);
      index.set(s, c);
    }
    return c;
  };
  let base = 0;
  for (const data of col.data) {
    const n = data.length;
    if (DataType.isDictionary(data.type) && data.dictionary !== undefined) {
      const dict = data.dictionary;
      const remap = new Int32Array(dict.length).fill(-2);
      const keys = data.values as ArrayLike<number | bigint>;
      const bitmap = data.nullCount > 0 ? data.nullBitmap : undefined;
      for (let i = 0; i < n; i++) {
        const p = data.offset + i;
        if (bitmap !== undefined && bitmap.length > 0 && (((bitmap[p >> 3] as number) >> (p & 7)) & 1) === 0) {
          codes[base + i] = -1;
          continue;
        }
        const k = Number(keys[i]);
        let c = remap[k] as number;
        if (c === -2) {
          const s = dict.get(k) as string | null;
          c = s === null ? -1 : codeOf(s);
          remap[k] = c;
        }
        codes[base + i] = c;
      }
    } else if (DataType.isUtf8(data.type)) {
      codeUtf8(data.valueOffsets as Int32Array, data.values as Uint8Array, data.nullCount > 0 ? data.nullBitmap : undefined, data.offset, n, codes, base, codeOf);
    } else {
      for (let i = 0; i < n; i++) {
        const s = col.get(base + i) as string | null;
        codes[base + i] = s === null || s === undefined ? -1 : codeOf(s);
      }
    }
    base += n;
  }
  return { values, codes };
}

// Decoded exactly as Arrow's own `Vector.get` decodes Utf8 values.
const utf8 = new TextDecoder('utf-8');

/**
 * Codes of one Utf8 chunk, keyed by the value's bytes in an open-addressing table: a value is
 * decoded to a string once, at its first row, instead of once per row. Codes are handed out in
 * row order, as `codeOf` would for the decoded strings.
 */
function codeUtf8(offsets: Int32Array, bytes: Uint8Array, bitmap: Uint8Array | undefined, offset: number, n: number, codes: Int32Array, base: number, codeOf: (s: string) => number): void {
  let cap = 16;
  while (cap < n * 2 && cap < 1 << 22) cap *= 2;
  const mask = cap - 1;
  const slotRow = new Int32Array(cap).fill(-1);
  // At most half the slots are filled, so a probe always ends at an empty one.
  const limit = cap >> 1;
  let filled = 0;
  for (let i = 0; i < n; i++) {
    const p = offset + i;
    if (bitmap !== undefined && bitmap.length > 0 && (((bitmap[p >> 3] as number) >> (p & 7)) & 1) === 0) {
      codes[base + i] = -1;
      continue;
    }
    const s = offsets[i] as number;
    const e = offsets[i + 1] as number;
    let h = 0x811c9dc5 ^ (e - s);
    for (let k = s; k < e; k++) h = Math.imul(h ^ (bytes[k] as number), 0x01000193);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const r = slotRow[slot] as number;
      if (r < 0) {
        // Past the limit (more distinct values than that), values are decoded without being kept.
        if (filled < limit) {
          slotRow[slot] = i;
          filled++;
        }
        codes[base + i] = codeOf(utf8.decode(bytes.subarray(s, e)));
        break;
      }
      const rs = offsets[r] as number;
      const re = offsets[r + 1] as number;
      let same = re - rs === e - s;
      for (let k = 0; same && k < e - s; k++) same = bytes[rs + k] === bytes[s + k];
      if (same) {
        codes[base + i] = codes[base + r] as number;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Numeric cells as float32 with NaN for null, converting a whole float64 chunk at once when it has no nulls. */
export function readNumericF32(col: Vector): Float32Array {
  const only = col.data.length === 1 ? col.data[0] : undefined;
  if (only !== undefined && only.nullCount === 0 && only.values instanceof Float64Array) {
    return new Float32Array(only.values.subarray(0, only.length));
  }
  return new Float32Array(readNumeric(col));
}

type PlainValues = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

/** A float or integer chunk's values when they are numbers as stored (not half floats, not 64-bit), else null. */
function plainNumbers(data: Data): PlainValues | null {
  const type = data.type as DataType;
  const values = data.values as unknown;
  if (!(DataType.isFloat(type) || DataType.isInt(type)) || (DataType.isFloat(type) && (type as DataType & { precision?: number }).precision === 0)) return null;
  const plain = values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array || values instanceof Uint8Array || values instanceof Uint16Array || values instanceof Uint32Array;
  return plain ? values : null;
}

/** One chunk of a numeric column: its values, and its null bits or (converted columns) a null mask. */
export interface NumberChunk {
  values: PlainValues;
  length: number;
  bitmap: Uint8Array | undefined;
  offset: number;
  nulls: Uint8Array | undefined;
}

/**
 * A numeric column's chunks as they are, when every one holds plain numbers; otherwise (bool,
 * 64-bit integers, half floats) one chunk of readNumeric's conversion and its null mask.
 */
export function numberChunks(col: Vector): NumberChunk[] {
  const chunks: NumberChunk[] = [];
  for (const data of col.data) {
    const values = plainNumbers(data);
    if (values === null) return [{ values: readNumeric(col), length: col.length, bitmap: undefined, offset: 0, nulls: nullMask(col) }];
    const bitmap = data.nullCount > 0 && data.nullBitmap !== undefined && data.nullBitmap.length > 0 ? data.nullBitmap : undefined;
    chunks.push({ values, length: data.length, bitmap, offset: data.offset, nulls: undefined });
  }
  return chunks;
}

/** Whether row i of a chunk is null. */
export function nullAt(c: NumberChunk, i: number): boolean {
  if (c.nulls !== undefined) return c.nulls[i] === 1;
  if (c.bitmap === undefined) return false;
  const p = c.offset + i;
  return (((c.bitmap[p >> 3] as number) >> (p & 7)) & 1) === 0;
}
