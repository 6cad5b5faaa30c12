import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Table, tableFromIPC, tableToIPC, type RecordBatch } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';
import { fromArrowTable, toArrowTable } from './arrow-convert.js';
import { batchKinds, joinKind, placed, type BatchKind } from './batch-kinds.js';
import type { ColumnTable, ColumnType } from './column.js';
import { DataIntegrationError } from './errors.js';
import { decoderRejected } from './parquet-reader.js';

/**
 * The file as parquet-wasm's reader asks for it (a Blob's size, slice and arrayBuffer), read
 * with positional reads of an open handle. A read never fails: the decoder's asynchronous reader
 * panics, out of reach of any catch, when a read does (as Node's file-backed Blob's do once the
 * file changes). A file that changed meanwhile gives short or other bytes, a decoder error or
 * other values, and the stat check after the read notices it.
 */
class FileRanges {
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> } {
    const from = Math.max(0, Math.min(start, this.size));
    const length = Math.max(0, Math.min(end, this.size) - from);
    return {
      arrayBuffer: async (): Promise<ArrayBuffer> => {
        const buf = new Uint8Array(length);
        let at = 0;
        while (at < length) {
          const { bytesRead } = await this.fh.read(buf, at, length - at, from + at).catch(() => ({ bytesRead: 0 }));
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        return buf.buffer.slice(0, at);
      },
    };
  }
}

/** What the first pass learnt, by column (in the file's order); plain data, sent between threads. */
export interface FirstPass {
  rows: number;
  names: string[];
  /** Each column's kind over the whole file. */
  kinds: BatchKind[];
  /** Each column's type in the first batch (the Parquet column's own type). */
  ownTypes: ColumnType[];
  /** Each batch's column types as read. */
  batchTypes: ColumnType[][];
}

export interface DecodeOptions {
  dir: string;
  batchRows: number;
  nonFinite: 'error' | 'null';
}

/**
 * Pass 1: the file's record batches, gathered to batchRows rows, converted and written in order;
 * `onWritten` hears of each file before it is written (so a caller can remove a half-written one).
 */
export async function decodeParquetBatches(path: string, options: DecodeOptions, onWritten: (file: string) => void): Promise<FirstPass> {
  const wasm = await import('parquet-wasm');
  const fh = await open(path, 'r');
  try {
    return await decodeFrom(path, new FileRanges(fh, (await fh.stat()).size), options, onWritten, wasm);
  } finally {
    await fh.close();
  }
}

async function decodeFrom(path: string, blob: FileRanges, options: DecodeOptions, onWritten: (file: string) => void, wasm: typeof ParquetWasm): Promise<FirstPass> {
  const pass: FirstPass = { rows: 0, names: [], kinds: [], ownTypes: [], batchTypes: [] };
  let written = 0;
  let gathered: RecordBatch[] = [];
  let gatheredRows = 0;
  const flush = async (): Promise<void> => {
    if (gathered.length === 0) return;
    let ct: ColumnTable;
    try {
      ct = fromArrowTable(new Table(gathered), path, options.nonFinite);
    } catch (error) {
      throw placed(error, path, path, pass.rows, 0);
    }
    gathered = [];
    gatheredRows = 0;
    if (pass.names.length === 0) {
      pass.names = [...ct.names];
      pass.ownTypes = ct.columns.map((c) => c.type);
      pass.kinds = ct.names.map(() => 'null');
    }
    pass.batchTypes.push(ct.columns.map((c) => c.type));
    const own = batchKinds(ct);
    pass.kinds = pass.names.map((name, k) => joinKind(pass.kinds[k] as BatchKind, own.get(name) ?? 'null'));
    const file = join(options.dir, `batch-${String(written++).padStart(6, '0')}.arrow`);
    onWritten(file);
    await writeFile(file, tableToIPC(toArrowTable(ct), 'file'));
    pass.rows += ct.rowCount;
  };
  const stream = await decoderCall(path, async () => (await wasm.ParquetFile.fromFile(blob as unknown as Blob)).stream({ batchSize: options.batchRows }));
  const reader = (stream as ReadableStream<{ intoIPCStream(): Uint8Array }>).getReader();
  for (;;) {
    const next = await decoderCall(path, () => reader.read());
    if (next.done) break;
    for (const batch of tableFromIPC(next.value.intoIPCStream()).batches) {
      gathered.push(batch);
      gatheredRows += batch.numRows;
    }
    if (gatheredRows >= options.batchRows) await flush();
  }
  await flush();
  return pass;
}

/** A call into parquet-wasm: its errors are a damaged file's. */
async function decoderCall<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DataIntegrationError) throw error;
    throw decoderRejected(error, path);
  }
}

