import { Dictionary, Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData, makeVector } from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { arrowTypeOf } from './arrow-convert.js';

/**
 * A loaded table as a structured-clone message (see `sharedHandOff`): its buffers as typed
 * arrays. Buffers in a SharedArrayBuffer reach the other thread as the same memory; the rest
 * (null bitmaps, dictionary codes) are copied, each alone. Only the types a loaded table holds
 * appear (see `toArrowTable`, `dictionaryEncoded`).
 */
export interface TableMessage {
  rowCount: number;
  columns: ColumnMessage[];
}

type Nulls = { nullCount: number; nullBitmap: Uint8Array | null };
/** One column's buffers, by kind. */
export type ColumnBuffers = Nulls &
  (
    | { kind: 'int' | 'float' | 'bool' | 'timestamp'; values: Int32Array | Float64Array | Uint8Array | BigInt64Array }
    | { kind: 'utf8'; offsets: Int32Array; bytes: Uint8Array }
    | { kind: 'dictionary'; id: number; codes: Int32Array; dictionary: { offsets: Int32Array; bytes: Uint8Array } }
  );
export type ColumnMessage = { name: string } & ColumnBuffers;

function typeOf(c: ColumnMessage): DataType {
  switch (c.kind) {
    case 'utf8':
      return new Utf8();
    case 'dictionary':
      return new Dictionary(new Utf8(), new Int32(), c.id);
    default:
      return arrowTypeOf(c.kind);
  }
}

/** The table a `tableMessage` describes, over the buffers the message carried (no copy). */
export function tableFromMessage(m: TableMessage): Table {
  const fields = m.columns.map((c) => new Field(c.name, typeOf(c), true));
  const children = m.columns.map((c, k): Data => {
    const type = (fields[k] as Field).type as DataType;
    const base = { type, length: m.rowCount, nullCount: c.nullCount, nullBitmap: c.nullBitmap };
    if (c.kind === 'utf8') return makeData({ ...base, type: type as Utf8, valueOffsets: c.offsets, data: c.bytes }) as Data;
    if (c.kind === 'dictionary') {
      const values = makeData({ type: new Utf8(), length: c.dictionary.offsets.length - 1, nullCount: 0, valueOffsets: c.dictionary.offsets, data: c.dictionary.bytes });
      return makeData({ ...base, type: type as Dictionary<Utf8, Int32>, data: c.codes, dictionary: makeVector(values) }) as Data;
    }
    return makeData({ ...base, type: type as Int32, data: c.values as Int32Array }) as Data;
  });
  const schema = new Schema(fields);
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(fields), length: m.rowCount, nullCount: 0, children }))]);
}
