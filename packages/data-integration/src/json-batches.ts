import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { toArrowTable } from './arrow-convert.js';
import type { FileBatches } from './batched-load.js';
import { makeNullColumn, type ColumnBuilder } from './column-builder.js';
import { finishColumn } from './column-finish.js';
import type { Column, ColumnType } from './column.js';
import { forEachJsonArrayRecord } from './json-array-records.js';
import { JsonKindTracker } from './json-kinds.js';
import { builderSink, readJsonl, RecordSink } from './json-reader.js';
import { forEachJsonlRecord } from './json-records.js';
import { assertFinite } from './load-dataset.js';

export interface JsonBatchesOptions {
  dir: string;
  batchRows: number;
  nonFinite: 'error' | 'null';
  format: 'json' | 'jsonl';
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Records' texts as JSON Lines, one to a line. The newlines in a pretty-printed element of a JSON
 * array are whitespace between its tokens (a string cannot hold one), so they become spaces.
 */
function jsonLines(records: readonly Buffer[], pretty: boolean): Buffer {
  let size = 0;
  for (const r of records) size += r.length + 1;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const r of records) {
    const start = at;
    at += r.copy(out, at);
    if (pretty) for (let k = start; k < at; k++) if (out[k] === LF || out[k] === CR) out[k] = 0x20;
    out[at++] = LF;
  }
  return out;
}

/** A chunk of pass 1: its records' text, and its table as read with the types known when it began. */
interface Chunk {
  lines: string;
  table: string;
  names: string[];
  failed: boolean;
  kinds: (ColumnType | 'null')[];
}

/**
 * Loads a JSON Lines file, or a JSON array of records, larger than memory as Arrow batch files.
 * Pass 1 reads every record in order, hashing the bytes, and follows each column's type as
 * loadDataset infers it (JsonKindTracker: a JSON column's type depends on the order of its values,
 * so batches cannot be typed apart and joined); it raises loadDataset's errors, at their row and
 * line in the whole file. Records go, `batchRows` at a time, to a JSON Lines chunk file and to a
 * table read with the types the file had shown when the chunk began declared (a column with none
 * yet is inferred). When the file's final types are those, with no value that failed them and the
 * file's columns in its order, the table is what a read with the final types declared gives, and
 * is kept; otherwise pass 2 reads the chunk's records again with the final types declared, its
 * columns the file's in its order (a key missing from every record of a chunk is null there).
 * At most two chunks are in memory at a time: the one being read, and the last one being written.
 */
export async function loadJsonInBatches(path: string, options: JsonBatchesOptions): Promise<FileBatches> {
  const sha = createHash('sha256');
  const types = new RecordSink(path, () => new JsonKindTracker());
  const chunks: Chunk[] = [];
  const written: string[] = [];
  // The chunk being read: its records' text, and its table so far.
  let pending: Buffer[] = [];
  // Set and cleared by the record callback (typed so that the flow analysis does not fix it at null).
  let current = null as RecordSink<ColumnBuilder> | null;
  const ready: { lines: Buffer[]; sink: RecordSink<ColumnBuilder> }[] = [];
  // A chunk's columns are read with the types the file has shown so far declared.
  const begin = (): RecordSink<ColumnBuilder> => builderSink(path, new Map(types.names.flatMap((name, k) => {
    const known = (types.sinks[k] as JsonKindTracker).inferredType();
    return known === 'null' ? [] : [[name, known] as const];
  })));
  // The writes of one chunk go on while the next is read; at most one chunk is being written.
  let writing: Promise<unknown> = Promise.resolve();
  const flush = async (): Promise<void> => {
    for (const { lines, sink } of ready.splice(0)) {
      await writing;
      const base = join(options.dir, `chunk-${String(chunks.length).padStart(6, '0')}`);
      const chunk: Chunk = {
        lines: `${base}.jsonl`,
        table: `${base}.arrow`,
        names: [...sink.names],
        failed: sink.sinks.some((b) => b.typeFailureCount > 0 || b.state === 'demoted'),
        kinds: sink.sinks.map((b) => b.inferredType()),
      };
      chunks.push(chunk);
      written.push(chunk.lines, chunk.table);
      const table = chunk.failed ? null : tableToIPC(toArrowTable({ names: sink.names, columns: sink.sinks.map((b) => finishColumn(b)), rowCount: sink.rows }), 'file');
      writing = Promise.all([writeFile(chunk.lines, jsonLines(lines, options.format === 'json')), table === null ? null : writeFile(chunk.table, table)]);
      // Handled here so that a failed write waits, without ending the process, for the await that reports it.
      writing.catch(() => undefined);
    }
  };
  const read = options.format === 'json' ? forEachJsonArrayRecord : forEachJsonlRecord;
  try {
    await read(path, { file: path, onPiece: (piece) => sha.update(piece), afterPiece: flush }, (rec, row, _line, bytes) => {
      current ??= begin();
      types.push(rec, row);
      current.push(rec, current.rows + 1);
      pending.push(bytes);
      if (pending.length === options.batchRows) {
        ready.push({ lines: pending, sink: current });
        pending = [];
        current = null;
      }
    });
    if (current !== null) ready.push({ lines: pending, sink: current });
    await flush();
    await writing;
    types.check();
    if (options.nonFinite === 'error') assertFinite(types.names, types.sinks, path);
    const kinds = types.sinks.map((t) => t.inferredType());
    const dtypes = kinds.map((k): ColumnType => (k === 'null' ? 'string' : k));
    const declared = new Map(types.names.flatMap((name, k) => (kinds[k] === 'null' ? [] : [[name, dtypes[k] as ColumnType] as const])));
    const batches: string[] = [];
    for (const chunk of chunks) {
      if (!kept(chunk, types.names, kinds)) {
        await writeFile(chunk.table, tableToIPC(toArrowTable(await chunkTable(chunk.lines, path, types.names, dtypes, declared)), 'file'));
      }
      await rm(chunk.lines);
      batches.push(chunk.table);
    }
    return {
      file_sha256: sha.digest('hex'),
      row_count: types.rows,
      columns: [...types.names],
      dtypes: Object.fromEntries(types.names.map((n, k) => [n, dtypes[k] as ColumnType])),
      emptyColumns: types.names.filter((_, k) => kinds[k] === 'null'),
      batches,
    };
  } catch (error) {
    await writing.catch(() => undefined);
    await Promise.all(written.map((f) => rm(f, { force: true })));
    throw error;
  }
}

/**
 * Whether a chunk's table from pass 1 is the one a read with the file's final types gives: its
 * columns are the file's, in its order; no value failed the types it was read with; and each has
 * its final type. A column read with a type declared has that type, so it was declared its final
 * one; a column with no type known when the chunk began inferred it from the chunk's values alone,
 * as the whole file's reader did from the same state, and reached the same. A column with a value
 * nowhere in the chunk is read again, to be typed.
 */
function kept(chunk: Chunk, names: readonly string[], kinds: readonly (ColumnType | 'null')[]): boolean {
  if (chunk.failed || chunk.names.length !== names.length || chunk.names.some((n, k) => n !== names[k])) return false;
  return kinds.every((kind, k) => chunk.kinds[k] === kind);
}

/** One chunk read with the file's types, its columns those of the whole file in its order. */
async function chunkTable(chunk: string, path: string, names: readonly string[], dtypes: readonly ColumnType[], declared: ReadonlyMap<string, ColumnType>): Promise<{ names: string[]; columns: Column[]; rowCount: number }> {
  const { table, builders } = await readJsonl(chunk, { file: path, declared });
  // Pass 1 found every value fits the type declared; a failure here is this code's, not the file's.
  if (builders.some((b) => b.typeFailureCount > 0)) throw new Error(`internal: a batch of ${path} did not read with the types of the whole file`);
  const columns = names.map((name, k) => {
    const at = table.names.indexOf(name);
    const column = at >= 0 ? (table.columns[at] as Column) : makeNullColumn(dtypes[k] as ColumnType, table.rowCount);
    if (column.type !== dtypes[k]) throw new Error(`internal: column '${name}' of a batch of ${path} is ${column.type}, not ${dtypes[k]}`);
    return column;
  });
  return { names: [...names], columns, rowCount: table.rowCount };
}
