import { Data, RecordBatch, Struct, Table, Vector, makeData, tableFromIPC, tableToIPC } from 'apache-arrow';
import type { DataType, Schema } from 'apache-arrow';
import { postableView } from '@hokusai/core';

/**
 * An Arrow table as a structured-clone message for a training thread: the schema as Arrow IPC
 * (types, dictionary ids, metadata) and every column's buffers as the typed arrays they are. A
 * buffer in a SharedArrayBuffer (what loading and integrating put large columns in) reaches the
 * thread as the same memory; any other buffer is copied by postMessage, buffer by buffer. An IPC
 * copy of the whole table (what was sent before) held a second copy of every column, 120 MB for
 * 800k rows of 20 numbers, for as long as the model trained.
 */
export interface TableTransfer {
  schema: Uint8Array;
  /** Per record batch: its rows and each column's data. */
  batches: { rows: number; columns: DataNode[] }[];
}

/** One Arrow `Data`: its buffers, children and dictionary chunks, without its type (from the schema). */
interface DataNode {
  offset: number;
  length: number;
  nullCount: number;
  valueOffsets: unknown;
  values: unknown;
  nullBitmap: unknown;
  typeIds: unknown;
  variadic: unknown[];
  children: DataNode[];
  dictionary: DataNode[] | null;
}

function nodeOf(d: Data): DataNode {
  return {
    offset: d.offset,
    length: d.length,
    nullCount: d.nullCount,
    valueOffsets: postableView(d.valueOffsets),
    values: postableView(d.values),
    nullBitmap: postableView(d.nullBitmap),
    typeIds: postableView(d.typeIds),
    variadic: ((d as { variadicBuffers?: readonly Uint8Array[] }).variadicBuffers ?? []).map(postableView),
    children: d.children.map(nodeOf),
    dictionary: d.dictionary === undefined ? null : d.dictionary.data.map(nodeOf),
  };
}

/** The message of `table`; its buffers stay the table's (nothing is copied here). */
export function tableTransfer(table: Table): TableTransfer {
  return {
    schema: tableToIPC(new Table(table.schema), 'stream'),
    batches: table.batches.map((b) => ({ rows: b.numRows, columns: b.data.children.map(nodeOf) })),
  };
}

function dataOf(type: DataType, n: DataNode): Data {
  const children = n.children.map((c, k) => dataOf((type.children[k] as { type: DataType }).type, c));
  const dictionaryType = (type as { dictionary?: DataType }).dictionary;
  const dictionary = n.dictionary === null || dictionaryType === undefined ? undefined : new Vector(n.dictionary.map((c) => dataOf(dictionaryType, c)));
  const buffers = { 0: n.valueOffsets, 1: n.values, 2: n.nullBitmap, 3: n.typeIds } as unknown as ConstructorParameters<typeof Data>[4];
  return new Data(type, n.offset, n.length, n.nullCount, buffers, children, dictionary, n.variadic as Uint8Array[]);
}

/** The table a `tableTransfer` message describes, over the buffers it carried. */
export function tableFromTransfer(m: TableTransfer): Table {
  const schema: Schema = tableFromIPC(m.schema).schema;
  const batches = m.batches.map(({ rows, columns }) => {
    const children = columns.map((c, k) => dataOf((schema.fields[k] as { type: DataType }).type, c));
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
  });
  return new Table(schema, batches);
}
