import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { toArrowTable } from './arrow-convert.js';
import type { FileBatches } from './batched-load.js';
import { makeNullColumn } from './column-builder.js';
import type { Column, ColumnType } from './column.js';
import { forEachJsonArrayRecord } from './json-array-records.js';
import { JsonKindTracker } from './json-kinds.js';
import { readJsonl, RecordSink } from './json-reader.js';
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

/** A record's text on one line: the newlines of a pretty-printed element are whitespace between its tokens. */
function oneLine(bytes: Buffer): Buffer {
  if (!bytes.includes(LF) && !bytes.includes(CR)) return bytes;
  const copy = Buffer.from(bytes);
  for (let k = 0; k < copy.length; k++) if (copy[k] === LF || copy[k] === CR) copy[k] = 0x20;
  return copy;
}

/**
 * Loads a JSON Lines file, or a JSON array of records, larger than memory as Arrow batch files.
 * Pass 1 reads every record in order, hashing the bytes, following each column's type as
 * loadDataset infers it (JsonKindTracker: a JSON column's type depends on the order of its values,
 * so batches cannot be typed apart and joined) and writing the records, `batchRows` at a time, to
 * JSON Lines chunk files; it raises loadDataset's errors, at their row and line in the whole file.
 * Pass 2 reads each chunk with the whole file's types declared, which gives the values a read of
 * the whole file gives, and writes its table with every column of the file, in the file's order
 * (a key missing from every record of a chunk is null there). Only one chunk is in memory at a time.
 */
export async function loadJsonInBatches(path: string, options: JsonBatchesOptions): Promise<FileBatches> {
  const sha = createHash('sha256');
  const types = new RecordSink(path, () => new JsonKindTracker());
  const chunks: string[] = [];
  let pending: Buffer[] = [];
  const flush = async (count: number): Promise<void> => {
    const take = pending.slice(0, count);
    pending = pending.slice(count);
    const file = join(options.dir, `chunk-${String(chunks.length).padStart(6, '0')}.jsonl`);
    chunks.push(file);
    await writeFile(file, Buffer.concat(take.flatMap((b) => [oneLine(b), Buffer.of(LF)])));
  };
  const read = options.format === 'json' ? forEachJsonArrayRecord : forEachJsonlRecord;
  try {
    await read(
      path,
      {
        file: path,
        onPiece: (piece) => sha.update(piece),
        afterPiece: async () => {
          while (pending.length >= options.batchRows) await flush(options.batchRows);
        },
      },
      (rec, row, _line, bytes) => {
        types.push(rec, row);
        pending.push(bytes);
      },
    );
    if (pending.length > 0) await flush(pending.length);
    types.check();
    if (options.nonFinite === 'error') assertFinite(types.names, types.sinks, path);
    const kinds = types.sinks.map((t) => t.inferredType());
    const dtypes = kinds.map((k): ColumnType => (k === 'null' ? 'string' : k));
    const declared = new Map(types.names.flatMap((name, k) => (kinds[k] === 'null' ? [] : [[name, dtypes[k] as ColumnType] as const])));
    const batches: string[] = [];
    for (const chunk of chunks) {
      const batch = chunk.replace(/\.jsonl$/, '.arrow');
      await writeFile(batch, tableToIPC(toArrowTable(await chunkTable(chunk, path, types.names, dtypes, declared)), 'file'));
      await rm(chunk);
      batches.push(batch);
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
    await Promise.all(chunks.flatMap((c) => [rm(c, { force: true }), rm(c.replace(/\.jsonl$/, '.arrow'), { force: true })]));
    throw error;
  }
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
