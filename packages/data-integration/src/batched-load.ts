import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableToIPC, type Table } from 'apache-arrow';
import { z } from 'zod';
import { fromArrowTable } from './arrow-convert.js';
import { readBatchFiles } from './aligned-batches.js';
import { batchKinds, joinKind, placed, type BatchKind } from './batch-kinds.js';
import type { ColumnType } from './column.js';
import type { DataFormat } from './dataset.js';
import { sniffCsv } from './csv-reader.js';
import { assertNoPiiInNames } from './column-name-pii.js';
import { dataError } from './errors.js';
import { keepingCsvScanners } from './csv-wasm-rows.js';
import { detectFormat, loadDataset, loadTableUnhashed } from './load-dataset.js';
import { loadJsonInBatches } from './json-batches.js';
import { loadParquetInBatches } from './parquet-batches.js';

export interface BatchedLoadOptions {
  /** Folder for the batches (Arrow IPC files); created. The caller removes it when done. */
  dir: string;
  /** Rows per batch (default 262,144). */
  batchRows?: number;
  /** By default from the extension or the first bytes, as loadDataset tells. */
  format?: DataFormat;
  /** CSV only, as for loadDataset. */
  delimiter?: string;
  header?: boolean;
  nonFinite?: 'error' | 'null';
}

/** A file loaded as Arrow batches on disk: what `loadDataset` gives, a batch at a time. */
export interface BatchedDataset {
  path: string;
  format: DataFormat;
  /** SHA-256 hex of the file bytes. */
  file_sha256: string;
  row_count: number;
  columns: string[];
  /** The types `loadDataset` infers for the whole file. */
  dtypes: Record<string, ColumnType>;
  /** Columns with no value in any row (typed 'string' in dtypes, as loadDataset types them). */
  emptyColumns: string[];
  /** The batch files, in row order. */
  batches: string[];
  /** Reads the batches in order, one in memory at a time; each call starts again. */
  read(): AsyncIterable<Table>;
}

/** What a batched load of one format learnt (loadDatasetInBatches adds the path, format and reader). */
export type FileBatches = Omit<BatchedDataset, 'path' | 'format' | 'read'>;

const optionsSpec = z.object({ dir: z.string().min(1), batchRows: z.number().int().positive().optional(), format: z.enum(['csv', 'json', 'jsonl', 'parquet']).optional(), delimiter: z.string().length(1).optional(), header: z.boolean().optional(), nonFinite: z.enum(['error', 'null']).optional() }).strict();

const QUOTE = 0x22;
const LF = 0x0a;

/** Record boundaries of CSV bytes read in pieces: a newline outside quotes ends a record. */
class RecordSplitter {
  private inQuote = false;
  /** Bytes of the record begun but not ended in the pieces so far. */
  private carry: Buffer[] = [];
  /** Newlines inside the record begun (quoted newlines) so far. */
  private lines = 0;

  /** Calls `record` with each complete record (newline included), in order. */
  push(piece: Buffer, record: (bytes: Buffer, lines: number) => void): void {
    let start = 0;
    for (let i = 0; i < piece.length; i++) {
      const b = piece[i] as number;
      if (b === QUOTE) this.inQuote = !this.inQuote;
      else if (b === LF) {
        this.lines++;
        if (!this.inQuote) {
          const bytes = this.carry.length === 0 ? piece.subarray(start, i + 1) : Buffer.concat([...this.carry, piece.subarray(start, i + 1)]);
          this.carry = [];
          record(bytes, this.lines);
          this.lines = 0;
          start = i + 1;
        }
      }
    }
    if (start < piece.length) this.carry.push(Buffer.from(piece.subarray(start)));
  }

  /** The last record when the file does not end with a newline. */
  end(record: (bytes: Buffer, lines: number) => void): void {
    if (this.carry.length > 0) record(Buffer.concat(this.carry), this.lines + 1);
    this.carry = [];
    this.lines = 0;
  }
}

const batchFileOf = (chunkFile: string): string => chunkFile.replace(/\.csv$/, '.arrow');

/**
 * Loads a data file larger than memory as Arrow batches on disk (Parquet: see
 * loadParquetInBatches; JSON and JSON Lines: loadJsonInBatches). For CSV, one pass splits it into chunks of
 * `batchRows` records (quote-aware), reads each to learn its column types and writes its table as
 * an Arrow IPC file; the second reads again, with the whole file's types declared, only the chunks
 * whose own types differ from them (int and float in different chunks make float, as one reader
 * would). Values, types and errors are
 * loadDataset's (an error names the file, and its row and line in the whole file); only one chunk
 * is in memory at a time.
 */
export async function loadDatasetInBatches(path: string, options: BatchedLoadOptions): Promise<BatchedDataset> {
  const opts = optionsSpec.safeParse(options);
  if (!opts.success) {
    throw dataError('HOKUSAI_INVALID_OPTIONS', `invalid batched load options (${opts.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`, 'Check the options passed to loadDatasetInBatches', { file: path });
  }
  const batchRows = options.batchRows ?? 262_144;
  await mkdir(options.dir, { recursive: true });
  const fh = await open(path, 'r').catch(() => {
    throw dataError('HOKUSAI_FILE_NOT_FOUND', 'the file does not exist or cannot be read', 'Check the path', { file: path });
  });
  let format: DataFormat;
  let sampleBytes = Buffer.alloc(0);
  try {
    format = options.format ?? (await detectFormat(path));
    if (format === 'csv') {
      const sample = Buffer.alloc(65536);
      sampleBytes = sample.subarray(0, (await fh.read(sample, 0, 65536, 0)).bytesRead);
    }
  } finally {
    await fh.close();
  }
  if (format !== 'csv') {
    const nonFinite = options.nonFinite ?? 'error';
    const batches = format === 'parquet' ? await loadParquetInBatches(path, { dir: options.dir, batchRows, nonFinite }) : await loadJsonInBatches(path, { dir: options.dir, batchRows, format, nonFinite });
    try {
      // A CSV file's chunks are each checked as loadDataset checks a file.
      assertNoPiiInNames(batches.columns, path);
    } catch (error) {
      await Promise.all(batches.batches.map((f) => rm(f, { force: true })));
      throw error;
    }
    return { path, format, ...batches, read: readBatchFiles(batches.batches) };
  }
  const head = sampleBytes.length >= 3 && sampleBytes[0] === 0xef && sampleBytes[1] === 0xbb && sampleBytes[2] === 0xbf ? sampleBytes.subarray(3) : sampleBytes;
  // Sniffed once on the file's start, as loadDataset does, and given to every chunk.
  const sniff = sniffCsv(head, path);
  const delimiter = options.delimiter ?? sniff.delimiter;
  const header = options.header ?? sniff.header;

  // Pass 1: chunks of batchRows records, each with the header line(s) in front.
  const chunks: { file: string; rows: number; lineOffset: number }[] = [];
  try {
    const sha = createHash('sha256');
    let headerBytes: Buffer | null = header ? null : Buffer.alloc(0);
    let pending: { bytes: Buffer; lines: number }[] = [];
    // Physical lines of the data records already in earlier chunks: a chunk's line n is the file's n + this.
    let linesBefore = 0;
    const flush = async (count: number): Promise<void> => {
      const take = pending.slice(0, count);
      pending = pending.slice(count);
      const file = join(options.dir, `chunk-${String(chunks.length).padStart(6, '0')}.csv`);
      await writeFile(file, Buffer.concat([headerBytes ?? Buffer.alloc(0), ...take.map((r) => r.bytes)]));
      chunks.push({ file, rows: take.length, lineOffset: linesBefore });
      for (const r of take) linesBefore += r.lines;
    };
    const onRecord = (bytes: Buffer, lines: number): void => {
      if (headerBytes === null) headerBytes = Buffer.from(bytes);
      else pending.push({ bytes: Buffer.from(bytes), lines });
    };
    const splitter = new RecordSplitter();
    for await (const piece of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
      sha.update(piece);
      splitter.push(piece, onRecord);
      while (pending.length >= batchRows) await flush(batchRows);
    }
    splitter.end(onRecord);
    if (pending.length > 0) await flush(pending.length);
    if (chunks.length === 0) {
      // Nothing past the header: loadDataset's own error for the file.
      await loadDataset(path, { delimiter, header });
    }

    // Every chunk is read by loadDataset: the scanner of one read serves the next.
    return await keepingCsvScanners(async () => {
      let rowOffset = 0;
      const kinds = new Map<string, BatchKind>();
      // Per chunk, the kinds its own rows gave; its table as read is kept as its batch file.
      const chunkKinds: Map<string, BatchKind>[] = [];
      let names: string[] = [];
      for (const chunk of chunks) {
        const loaded = await loadTableUnhashed(chunk.file, { format: 'csv', delimiter, header, ...(options.nonFinite === undefined ? {} : { nonFinite: options.nonFinite }) }).catch((e: unknown) => {
          throw placed(e, chunk.file, path, rowOffset, chunk.lineOffset);
        });
        if (names.length === 0) names = loaded.table.schema.fields.map((f) => f.name);
        const own = batchKinds(fromArrowTable(loaded.table, chunk.file));
        chunkKinds.push(own);
        for (const [name, kind] of own) kinds.set(name, joinKind(kinds.get(name) ?? 'null', kind));
        await writeFile(batchFileOf(chunk.file), tableToIPC(loaded.table, 'file'));
        // Rows as the reader counts them (blank lines are not rows).
        chunk.rows = loaded.table.numRows;
        rowOffset += chunk.rows;
      }
      const dtypes: Record<string, ColumnType> = {};
      for (const name of names) {
        const kind = kinds.get(name) ?? 'null';
        dtypes[name] = kind === 'null' ? 'string' : kind;
      }

      // Pass 2: a chunk whose own types are the whole file's keeps the table pass 1 read (the one a
      // read with those types declared gives); any other is read again with the file's types.
      const declared = names.filter((n) => kinds.get(n) !== 'null').map((name) => ({ name, type: dtypes[name] as ColumnType }));
      const batches: string[] = [];
      rowOffset = 0;
      for (const [c, chunk] of chunks.entries()) {
        const file = batchFileOf(chunk.file);
        const own = chunkKinds[c] as Map<string, BatchKind>;
        if (names.some((n) => own.get(n) !== kinds.get(n))) {
          const loaded = await loadTableUnhashed(chunk.file, { format: 'csv', delimiter, header, schema: { columns: declared, extraColumns: 'allow' }, ...(options.nonFinite === undefined ? {} : { nonFinite: options.nonFinite }) }).catch((e: unknown) => {
            throw placed(e, chunk.file, path, rowOffset, chunk.lineOffset);
          });
          await writeFile(file, tableToIPC(loaded.table, 'file'));
        }
        await rm(chunk.file);
        batches.push(file);
        rowOffset += chunk.rows;
      }
      return {
        path,
        format: 'csv',
        file_sha256: sha.digest('hex'),
        row_count: rowOffset,
        columns: names,
        dtypes,
        emptyColumns: names.filter((n) => (kinds.get(n) ?? 'null') === 'null'),
        batches,
        read: readBatchFiles(batches),
      };
    });
  } catch (error) {
    // No chunk or batch file is left behind a failed load.
    await Promise.all(chunks.flatMap((c) => [rm(c.file, { force: true }), rm(batchFileOf(c.file), { force: true })]));
    throw error;
  }
}

