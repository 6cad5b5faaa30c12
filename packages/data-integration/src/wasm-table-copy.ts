import { Data, Field, Int32, RecordBatch, Schema, Struct, Table, Type, makeData } from 'apache-arrow';
import type { DataType, Int as IntType } from 'apache-arrow';

/**
 * A table read straight from WebAssembly memory (`parseTable(..., copy = false)`), copied out
 * buffer by buffer before that memory is freed or moved. A signed int64 column whose values all
 * fit in 32 bits (pyarrow and pandas write every int as int64) is read into an Int32 column on
 * the way, so its 8 bytes a value are never copied only to be read once and dropped (at 2.5M
 * rows and five such columns, 100 MB of fresh pages). Null for a table holding a type with
 * children or a dictionary: the caller copies those whole.
 */
export function copiedOutOfWasm(view: Table): Table | null {
  const fields = view.schema.fields;
  if (fields.some((f) => f.type.children?.length > 0 || f.type.typeId === Type.Dictionary)) return null;
  const narrow = fields.map((_, k) => view.batches.every((b) => fitsInt32(b.data.children[k] as Data)));
  const outFields = fields.map((f, k) => (narrow[k] === true ? new Field(f.name, new Int32(), f.nullable, f.metadata) : f));
  const schema = new Schema(outFields, view.schema.metadata);
  const batches = view.batches.map((b) => {
    const children = b.data.children.map((d, k) => (narrow[k] === true ? asInt32(d as Data) : copied(d as Data)));
    return new RecordBatch(schema, makeData({ type: new Struct(outFields), length: b.numRows, nullCount: 0, children }));
  });
  return new Table(schema, batches);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const isValid = (bitmap: Uint8Array | null | undefined, i: number): boolean => bitmap === null || bitmap === undefined || bitmap.length === 0 || ((bitmap[i >> 3] as number) & (1 << (i & 7))) !== 0;

/** The 32-bit halves of a signed int64 column's values, or null when it is not one. */
function halvesOf(d: Data): Int32Array | null {
  const t = d.type as DataType;
  if (!LITTLE_ENDIAN || t.typeId !== Type.Int || (t as IntType).bitWidth !== 64 || !(t as IntType).isSigned || !(d.values instanceof BigInt64Array)) return null;
  return new Int32Array(d.values.buffer, d.values.byteOffset, d.values.length * 2);
}

/** Whether every non-null value of an int64 column fits in 32 bits. */
function fitsInt32(d: Data): boolean {
  const halves = halvesOf(d);
  if (halves === null) return false;
  const bitmap = d.nullCount > 0 ? d.nullBitmap : null;
  for (let i = 0; i < d.length; i++) {
    const j = d.offset + i;
    if ((halves[2 * j + 1] as number) !== (halves[2 * j] as number) >> 31 && isValid(bitmap, j)) return false;
  }
  return true;
}

/** An int64 column known to fit, as Int32 (0 under a null, as the other readers leave it). */
function asInt32(d: Data): Data {
  const halves = halvesOf(d) as Int32Array;
  const n = d.length;
  const values = new Int32Array(n);
  const bitmap = d.nullCount > 0 ? d.nullBitmap : null;
  for (let i = 0; i < n; i++) {
    const j = d.offset + i;
    if (isValid(bitmap, j)) values[i] = halves[2 * j] as number;
  }
  return new Data(new Int32(), 0, n, d.nullCount, [undefined, values, bitmap === null ? undefined : rebasedBitmap(bitmap, d.offset, n), undefined]);
}

/** The bitmap of rows offset..offset+n starting at bit 0. */
function rebasedBitmap(bitmap: Uint8Array, offset: number, n: number): Uint8Array {
  if (offset === 0) return bitmap.slice(0, (n + 7) >> 3);
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (isValid(bitmap, offset + i)) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  return out;
}

/** A flat column's buffers copied as they are. */
function copied(d: Data): Data {
  const copy = <T extends { slice(): T }>(a: T | undefined | null): T | undefined => (a === undefined || a === null ? undefined : a.slice());
  return new Data(d.type, d.offset, d.length, d.nullCount, [copy(d.valueOffsets as Int32Array | undefined), copy(d.values as Uint8Array | undefined), copy(d.nullCount > 0 ? d.nullBitmap : undefined), copy(d.typeIds as Int8Array | undefined)]);
}
