import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { builtScript } from '@hokusai/core';
import { fromArrowTable, toArrowTable } from './arrow-convert.js';
import type { BatchKind } from './batch-kinds.js';
import type { FileBatches } from './batched-load.js';
import type { ColumnType } from './column.js';
import { castColumn } from './column.js';
import { dataError, workerError, type WorkerFailure } from './errors.js';
import { fileSha256 } from './file-sha256.js';
import { sameFileStat, type KnownFileHash } from './load-dataset.js';
import { decodeParquetBatches, type DecodeOptions, type FirstPass } from './parquet-batches-decode.js';
import { checkParquetEnds } from './parquet-reader.js';

/** What the decoding thread says: each batch file before it writes it, then its answer. */
export type ParquetWorkerMessage = { written: string } | { ok: true; pass: FirstPass } | WorkerFailure;

export interface ParquetBatchesOptions {
  dir: string;
  batchRows: number;
  nonFinite: 'error' | 'null';
}


/** Reads again when the file changed under the read this many times, then gives up. */
const ATTEMPTS = 3;

/** The file changed while it was read. */
class FileChanged extends Error {}

/**
 * Loads a Parquet file larger than memory as Arrow batch files. parquet-wasm's asynchronous reader
 * fetches one row group's column chunks at a time (positional reads of the file) and decodes them
 * in batches of `batchRows` rows; small row groups are gathered up to that, so a batch holds
 * fewer than twice `batchRows` rows. Each batch is converted as loadDataset converts the whole
 * file, so its values, types and errors (placed at their row in the whole file) are loadDataset's;
 * a signed 64-bit column that is int32 in some batches and float64 in others (past 32 bits) is
 * made float64 in all, as one read of the file makes it. The SHA-256 is taken before the batches
 * are read; a change of the file's stat by the end (or under a failed read) reads it again.
 */
export async function loadParquetInBatches(path: string, options: ParquetBatchesOptions): Promise<FileBatches> {
  await checkEnds(path);
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(path, options);
    } catch (error) {
      if (!(error instanceof FileChanged)) throw error;
      if (attempt === ATTEMPTS) {
        throw dataError('HOKUSAI_PARQUET_CORRUPT', `the file changed while it was read, ${ATTEMPTS} times in a row`, 'Read it once it is no longer being written', { file: path });
      }
    }
  }
}

async function checkEnds(path: string): Promise<void> {
  const fh = await open(path, 'r').catch(() => {
    throw dataError('HOKUSAI_FILE_NOT_FOUND', 'the file does not exist or cannot be read', 'Check the path', { file: path });
  });
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    if (size >= 4) await fh.read(tail, 0, 4, size - 4);
    checkParquetEnds(size, head, tail, path);
  } finally {
    await fh.close();
  }
}

/** Whether the file still has the stat it had before the read (gone counts as changed). */
async function unchanged(path: string, before: Omit<KnownFileHash, 'sha256'>): Promise<boolean> {
  const after = await stat(path).catch(() => null);
  return after !== null && sameFileStat(after, before);
}

async function readOnce(path: string, options: ParquetBatchesOptions): Promise<FileBatches> {
  const before = await stat(path);
  const written: string[] = [];
  try {
    const sha256 = await fileSha256(path);
    const pass = await decodeInWorker(path, options, written);
    if (!(await unchanged(path, before))) throw new FileChanged();
    if (pass.rows === 0) throw dataError('HOKUSAI_HEADER_ONLY', 'the file has columns but no rows', 'Add at least one row', { file: path });
    // A column with no value anywhere keeps the type the file gives it, as loadDataset keeps it.
    const types = pass.names.map((_, k) => {
      const kind = pass.kinds[k] as BatchKind;
      return kind === 'null' ? (pass.ownTypes[k] as ColumnType) : kind;
    });
    await castToFileTypes(written, pass.batchTypes, types, path);
    return {
      file_sha256: sha256,
      row_count: pass.rows,
      columns: pass.names,
      dtypes: Object.fromEntries(pass.names.map((n, k) => [n, types[k] as ColumnType])),
      emptyColumns: pass.names.filter((_, k) => pass.kinds[k] === 'null'),
      batches: [...written],
    };
  } catch (error) {
    await Promise.all(written.map((f) => rm(f, { force: true })));
    // An error from bytes that changed under the read is the change's, not the file's.
    if (!(error instanceof FileChanged) && !(await unchanged(path, before))) throw new FileChanged();
    throw error;
  }
}

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  return builtScript([new URL('./parquet-batches-worker.js', import.meta.url), new URL('../dist/parquet-batches-worker.js', import.meta.url)]);
}

/**
 * Pass 1 on a worker thread. parquet-wasm's asynchronous reader panics on some damaged input
 * inside a promise callback, where no catch reaches it: on this thread that would end the
 * process, on a worker it ends the worker, and the file is reported as damaged.
 */
async function decodeInWorker(path: string, options: ParquetBatchesOptions, written: string[]): Promise<FirstPass> {
  const script = workerScript();
  const decode: DecodeOptions = { dir: options.dir, batchRows: options.batchRows, nonFinite: options.nonFinite };
  if (script === null) return decodeParquetBatches(path, decode, (f) => written.push(f));
  const worker = new Worker(script, { workerData: { path, options: decode } });
  try {
    return await new Promise<FirstPass>((resolve, reject) => {
      worker.on('message', (m: ParquetWorkerMessage) => {
        if ('written' in m) written.push(m.written);
        else if (m.ok) resolve(m.pass);
        else reject(workerError(m));
      });
      const failed = (why: string): void => reject(dataError('HOKUSAI_PARQUET_CORRUPT', `the Parquet decoder failed on the file (${why})`, 'Copy or export the file again; check that it was written completely', { file: path }));
      worker.once('error', (e: Error) => failed(e.message));
      worker.once('exit', (code) => failed(`its thread stopped with exit code ${code}`));
    });
  } finally {
    await worker.terminate();
  }
}

/**
 * Pass 2: a batch whose column types are not the file's (an int64 column int32 here, float64
 * elsewhere, or empty throughout this batch) is read again and cast to them.
 */
async function castToFileTypes(files: readonly string[], typesOf: readonly ColumnType[][], types: readonly ColumnType[], path: string): Promise<void> {
  for (const [b, file] of files.entries()) {
    if ((typesOf[b] as ColumnType[]).every((t, k) => t === types[k])) continue;
    const ct = fromArrowTable(tableFromIPC(await readFile(file)), path);
    const columns = ct.columns.map((col, k) => castColumn(col, types[k] as ColumnType));
    await writeFile(file, tableToIPC(toArrowTable({ ...ct, columns }), 'file'));
  }
}
