import { open } from 'node:fs/promises';

// What a Parquet file's footer says of its table, read without a decoder: the row count and each
// leaf column's physical type, from the FileMetaData struct in Thrift's compact protocol. A
// planner sizes the table by it (a compressed file says little of the memory its table takes:
// columns of a few repeated values shrink to almost nothing). Anything it cannot read is null;
// the load itself reports what is wrong with the file.

/** Parquet's physical types, as the footer numbers them. */
export const PARQUET_PHYSICAL_TYPES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'] as const;
export type ParquetPhysicalType = (typeof PARQUET_PHYSICAL_TYPES)[number];

export interface ParquetShape {
  rows: number;
  /** The leaf columns, in the schema's order; `width` is a fixed-length byte array's length. */
  columns: { name: string; type: ParquetPhysicalType; width?: number }[];
}

/** The most footer read (pyarrow's footers are kilobytes; thousands of columns make a few MB). */
const MAX_FOOTER_BYTES = 64 << 20;
/** Structs nested deeper than this are not a FileMetaData. */
const MAX_DEPTH = 32;

/** The footer's shape of the table, or null when the file is not a Parquet file whose footer reads. */
export async function readParquetShape(path: string): Promise<ParquetShape | null> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await fh.stat()).size;
    if (size < 12) return null;
    const tail = Buffer.alloc(8);
    await fh.read(tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4) !== 'PAR1') return null;
    const length = tail.readUInt32LE(0);
    if (length > size - 12 || length > MAX_FOOTER_BYTES) return null;
    const footer = Buffer.alloc(length);
    await fh.read(footer, 0, length, size - 8 - length);
    return parseFileMetaData(footer);
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** A footer that does not read as a FileMetaData. */
class Malformed extends Error {}

/** The shape from FileMetaData's bytes, or null. */
export function parseFileMetaData(bytes: Uint8Array): ParquetShape | null {
  try {
    const r = new CompactReader(bytes);
    let rows: number | null = null;
    let schema: SchemaElement[] | null = null;
    r.struct((id, type) => {
      if (id === 2 && type === LIST) schema = r.list((t) => (t === STRUCT ? readSchemaElement(r) : r.fail()));
      else if (id === 3 && type === I64) rows = r.int();
      else r.skip(type);
    });
    if (rows === null || schema === null || rows < 0) return null;
    const elements: SchemaElement[] = schema;
    // The first element is the root; the leaves are the elements without children.
    const columns = elements.slice(1).flatMap((e) => (e.children > 0 || e.type === null ? [] : [{ name: e.name, type: PARQUET_PHYSICAL_TYPES[e.type] as ParquetPhysicalType, ...(e.width === null ? {} : { width: e.width }) }]));
    return { rows, columns };
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  }
}

interface SchemaElement {
  type: number | null;
  width: number | null;
  name: string;
  children: number;
}

function readSchemaElement(r: CompactReader): SchemaElement {
  const e: SchemaElement = { type: null, width: null, name: '', children: 0 };
  r.struct((id, type) => {
    if (id === 1 && type === I32) {
      e.type = r.int();
      if (e.type < 0 || e.type >= PARQUET_PHYSICAL_TYPES.length) r.fail();
    } else if (id === 2 && type === I32) e.width = r.int();
    else if (id === 4 && type === BINARY) e.name = r.text();
    else if (id === 5 && type === I32) e.children = r.int();
    else r.skip(type);
  });
  return e;
}

// Compact protocol type codes.
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** Reads Thrift's compact protocol, every read bounds-checked (Malformed past the end). */
class CompactReader {
  private at = 0;
  private depth = 0;
  constructor(private readonly bytes: Uint8Array) {}

  fail(): never {
    throw new Malformed();
  }

  private byte(): number {
    if (this.at >= this.bytes.length) this.fail();
    return this.bytes[this.at++] as number;
  }

  /** An unsigned LEB128 varint, as a Number (exact below 2^53). */
  private varint(): number {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail();
  }

  /** A zigzag varint (i16, i32, i64). */
  int(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  text(): string {
    const n = this.varint();
    if (n > this.bytes.length - this.at) this.fail();
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.at, n).toString('utf8');
    this.at += n;
    return s;
  }

  /** A struct's fields, each handed to `field` (which reads or skips its value) until the stop. */
  struct(field: (id: number, type: number) => void): void {
    if (++this.depth > MAX_DEPTH) this.fail();
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) break;
      const delta = head >> 4;
      id = delta === 0 ? this.int() : id + delta;
      field(id, head & 0x0f);
    }
    this.depth--;
  }

  /** A list's elements, each read by `element` given the element type. */
  list<T>(element: (type: number) => T): T[] {
    const head = this.byte();
    const size = (head >> 4) === 15 ? this.varint() : head >> 4;
    // Every element takes a byte at least.
    if (size > this.bytes.length - this.at) this.fail();
    const out: T[] = [];
    for (let k = 0; k < size; k++) out.push(element(head & 0x0f));
    return out;
  }

  /** A list's or map's element: there a bool is a byte of its own. */
  private skipElement(type: number): void {
    if (type === BOOL_TRUE || type === BOOL_FALSE) this.byte();
    else this.skip(type);
  }

  skip(type: number): void {
    switch (type) {
      case BOOL_TRUE:
      case BOOL_FALSE:
        return;
      case BYTE:
        this.byte();
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        if (this.bytes.length - this.at < 8) this.fail();
        this.at += 8;
        return;
      case BINARY:
        this.text();
        return;
      case LIST:
      case SET:
        this.list((t) => this.skipElement(t));
        return;
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        if (size > this.bytes.length - this.at) this.fail();
        for (let k = 0; k < size; k++) {
          this.skipElement(kinds >> 4);
          this.skipElement(kinds & 0x0f);
        }
        return;
      }
      case STRUCT:
        this.struct((_id, t) => this.skip(t));
        return;
      default:
        this.fail();
    }
  }
}
