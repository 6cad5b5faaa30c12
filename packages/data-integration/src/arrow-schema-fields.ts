// The columns of the Arrow schema a Parquet writer stores in the footer (`ARROW:schema`: an IPC
// schema message, base64), read with every offset bounds- and alignment-checked, as parquet-wasm's
// flatbuffer verifier checks them: a damaged value is null (parquet-wasm rejects the file), never
// a read past the bytes (apache-arrow's reader, given damaged bytes, allocates without limit).

/** One column of a stored Arrow schema: its name and type as the IPC format numbers them. */
export interface StoredArrowField {
  name: string;
  /** The Type union's tag: 2 Int, 3 FloatingPoint, 5 Utf8, 6 Bool, 20 LargeUtf8, ... */
  type: number;
  /** Int: bit width and sign; FloatingPoint: 0 half, 1 single, 2 double (as `bitWidth`). */
  bitWidth?: number;
  isSigned?: boolean;
  /** Dictionary-encoded (the type is then the dictionary's values). */
  dictionary: boolean;
  children: number;
}

export const ARROW_TYPE = { Int: 2, FloatingPoint: 3, Utf8: 5, Bool: 6, LargeUtf8: 20 } as const;

class Malformed extends Error {}

/** A flatbuffer's bytes, every read checked. */
class Flat {
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(at: number, size: number, align: number): void {
    if (at < 0 || at + size > this.bytes.length || at % align !== 0) throw new Malformed();
  }
  u8(at: number): number {
    this.need(at, 1, 1);
    return this.view.getUint8(at);
  }
  i16(at: number): number {
    this.need(at, 2, 2);
    return this.view.getInt16(at, true);
  }
  u16(at: number): number {
    this.need(at, 2, 2);
    return this.view.getUint16(at, true);
  }
  i32(at: number): number {
    this.need(at, 4, 4);
    return this.view.getInt32(at, true);
  }
  /** A scalar of `size` bytes at `at`, in bounds and aligned. */
  scalar(at: number, size: number): void {
    this.need(at, size, size);
  }
  /** The position an offset at `at` points to. */
  deref(at: number): number {
    const off = this.i32(at);
    if (off <= 0) throw new Malformed();
    return at + off;
  }
  /** A table at `at`: its fields' positions (0 for a field it does not have). */
  table(at: number): (field: number) => number {
    const vtable = at - this.i32(at);
    const vsize = this.u16(vtable);
    const tsize = this.u16(vtable + 2);
    if (vsize < 4 || vsize % 2 !== 0) throw new Malformed();
    this.need(vtable, vsize, 2);
    this.need(at, tsize, 1);
    return (field: number) => {
      const slot = 4 + 2 * field;
      if (slot >= vsize) return 0;
      const off = this.u16(vtable + slot);
      if (off === 0) return 0;
      if (off >= tsize) throw new Malformed();
      return at + off;
    };
  }
  /** A vector's element positions (elements of `size` bytes) at the offset at `at`. */
  vector(at: number, size: number): number[] {
    const start = this.deref(at);
    const n = this.i32(start);
    if (n < 0) throw new Malformed();
    this.need(start + 4, n * size, 1);
    return Array.from({ length: n }, (_, i) => start + 4 + i * size);
  }
  string(at: number): string {
    const start = this.deref(at);
    const n = this.i32(start);
    if (n < 0) throw new Malformed();
    this.need(start + 4, n + 1, 1);
    if (this.bytes[start + 4 + n] !== 0) throw new Malformed(); // its terminating zero
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(start + 4, start + 4 + n));
  }
}

/**
 * What a table holds, field by field (its index in the schema's order), as the IPC format's
 * flatbuffers define it: every field present is checked (bounds, alignment, UTF-8, nested tables).
 */
type FieldKind = 'u8' | 'bool' | 'i16' | 'i32' | 'i64' | 'string' | 'i32s' | 'i64s' | 'union' | 'header' | { table: TableSpec } | { tables: TableSpec };
type TableSpec = readonly FieldKind[];

const KEY_VALUE: TableSpec = ['string', 'string'];
const INT: TableSpec = ['i32', 'bool'];
/** Each union member's table (the Type union's tags 1-26); the tags not named hold no field. */
const TYPE_TABLES: Record<number, TableSpec> = {
  2: INT,
  3: ['i16'], // FloatingPoint: precision
  7: ['i32', 'i32', 'i32'], // Decimal
  8: ['i16'], // Date
  9: ['i16', 'i32'], // Time
  10: ['i16', 'string'], // Timestamp: unit, timezone
  11: ['i16'], // Interval
  14: ['i16', 'i32s'], // Union: mode, typeIds
  15: ['i32'], // FixedSizeBinary
  16: ['i32'], // FixedSizeList
  17: ['bool'], // Map
  18: ['i16'], // Duration
};
const DICTIONARY_ENCODING: TableSpec = ['i64', { table: INT }, 'bool', 'i16'];
const FIELD: FieldKind[] = ['string', 'bool', 'u8', 'union', { table: DICTIONARY_ENCODING }, 'header', { tables: KEY_VALUE }];
FIELD[5] = { tables: FIELD }; // a field's children are fields
const SCHEMA: TableSpec = ['i16', { tables: FIELD }, { tables: KEY_VALUE }, 'i64s'];
// The message's header (a Schema here) is checked on its own.
const MESSAGE: TableSpec = ['i16', 'u8', 'header', 'i64', { tables: KEY_VALUE }];

const SCALAR_SIZE = { u8: 1, bool: 1, i16: 2, i32: 4, i64: 8 } as const;

/** Checks the table at `at` and everything under it (throws Malformed); `unionTable` gives a union member's table by its tag. */
function verify(flat: Flat, at: number, spec: TableSpec, unionTable: (tag: number) => TableSpec | undefined, depth = 0): void {
  if (depth > 64) throw new Malformed();
  const field = flat.table(at);
  let tag = 0;
  spec.forEach((kind, k) => {
    const pos = field(k);
    if (pos === 0 || kind === 'header') return;
    if (typeof kind !== 'string') {
      if ('table' in kind) verify(flat, flat.deref(pos), kind.table, unionTable, depth + 1);
      else for (const e of flat.vector(pos, 4)) verify(flat, flat.deref(e), kind.tables, unionTable, depth + 1);
    } else if (kind === 'string') {
      flat.string(pos);
    } else if (kind === 'i32s' || kind === 'i64s') {
      const size = kind === 'i32s' ? 4 : 8;
      flat.vector(pos, size).forEach((e) => flat.scalar(e, size));
    } else if (kind === 'union') {
      const member = unionTable(tag);
      if (member === undefined) throw new Malformed();
      verify(flat, flat.deref(pos), member, unionTable, depth + 1);
    } else {
      flat.scalar(pos, SCALAR_SIZE[kind]);
      if (kind === 'u8') tag = flat.u8(pos); // a union's tag comes just before its value
    }
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The stored schema's columns, or null when the value is not a schema message as parquet-wasm reads one. */
export function storedArrowFields(base64: string): StoredArrowField[] | null {
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) return null;
  const bytes = Buffer.from(base64, 'base64');
  // Canonical only: a last symbol with bits set past the bytes it encodes is rejected too.
  if (bytes.toString('base64') !== base64) return null;
  // A continuation marker and a length, or (the older form) a length only; then the message.
  const body = bytes.length >= 8 && bytes.readUInt32LE(0) === 0xffffffff ? bytes.subarray(8) : bytes.subarray(4);
  try {
    const flat = new Flat(new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)));
    const root = flat.deref(0);
    const message = flat.table(root);
    const headerType = message(1);
    if (headerType === 0 || flat.u8(headerType) !== 1) return null; // not a Schema
    // Everything checked first: the message's header is the Schema; a field's type, its tag's table.
    verify(flat, root, MESSAGE, () => undefined);
    verify(flat, flat.deref(message(2)), SCHEMA, (tag) => (tag >= 1 && tag <= 26 ? (TYPE_TABLES[tag] ?? []) : undefined));
    const headerAt = message(2);
    if (headerAt === 0) return null;
    const schema = flat.table(flat.deref(headerAt));
    const fieldsAt = schema(1);
    if (fieldsAt === 0) return [];
    return flat.vector(fieldsAt, 4).map((at) => {
      const field = flat.table(flat.deref(at));
      const nameAt = field(0);
      const typeTag = field(2);
      const typeAt = field(3);
      const childrenAt = field(5);
      const out: StoredArrowField = {
        name: nameAt === 0 ? '' : flat.string(nameAt),
        type: typeTag === 0 ? 0 : flat.u8(typeTag),
        dictionary: field(4) !== 0,
        children: childrenAt === 0 ? 0 : flat.vector(childrenAt, 4).length,
      };
      if (typeAt !== 0 && (out.type === ARROW_TYPE.Int || out.type === ARROW_TYPE.FloatingPoint)) {
        const type = flat.table(flat.deref(typeAt));
        if (out.type === ARROW_TYPE.Int) {
          const width = type(0);
          const signed = type(1);
          out.bitWidth = width === 0 ? 0 : flat.i32(width);
          out.isSigned = signed !== 0 && flat.u8(signed) !== 0;
        } else {
          const precision = type(0);
          out.bitWidth = precision === 0 ? 0 : flat.i16(precision);
        }
      }
      return out;
    });
  } catch (err) {
    if (err instanceof Malformed || err instanceof TypeError || err instanceof RangeError) return null;
    throw err;
  }
}
