import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { fromArrowTable, toArrowTable } from './arrow-convert.js';
import type { Column } from './column.js';
import { nullCount, takeRows } from './column.js';
import { concatAll } from './column-concat.js';
import type { DataFormat, DatasetManifest } from './dataset.js';
import { distinctCount } from './distinct-count.js';
import { dataError } from './errors.js';
import { contentHashOverBatches } from './partitioned-content-hash.js';
import type { TableBatches } from './partitioned-matches.js';
import { hashRows } from './row-hash.js';

export interface ManifestOverBatchesOptions {
  /** Folder for the partitions; created, and removed when done. */
  dir: string;
  /** 2^partitionBits partitions (default 6: 64) for the content hash and for each column's distinct values. */
  partitionBits?: number;
}

/** Appends length-prefixed Arrow IPC blobs of one column's values to one file per partition. */
function appendBlob(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'a');
  try {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32LE(bytes.length, 0);
    writeSync(fd, len);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
}

function readBlobs(path: string): Column | null {
  if (!existsSync(path)) return null;
  const all = readFileSync(path);
  const parts: Column[] = [];
  for (let at = 0; at < all.length; ) {
    const len = all.readUInt32LE(at);
    parts.push(fromArrowTable(tableFromIPC(all.subarray(at + 4, at + 4 + len)), path).columns[0] as Column);
    at += 4 + len;
  }
  return parts.length === 0 ? null : concatAll(parts);
}

/**
 * buildManifest for a table read in batches: the content hash over fingerprint partitions
 * (contentHashOverBatches), null counts summed, and each column's distinct count as the sum over
 * partitions of its values by their own hash (equal values meet in one partition, -0 with 0), so
 * every figure is the in-memory manifest's while one partition is in memory at a time.
 */
export async function manifestOverBatches(read: TableBatches, meta: { source_path: string; format: DataFormat; file_sha256: string }, options: ManifestOverBatchesOptions): Promise<DatasetManifest> {
  const bits = options.partitionBits ?? 6;
  if (!Number.isInteger(bits) || bits < 0 || bits > 12) throw dataError('HOKUSAI_INVALID_OPTIONS', `partitionBits must be an integer from 0 to 12 (got ${bits})`, 'Check the options passed to manifestOverBatches');
  const partitions = 2 ** bits;
  mkdirSync(options.dir, { recursive: true });
  try {
    const { content_hash, row_count } = await contentHashOverBatches(read, { dir: join(options.dir, 'content'), partitionBits: bits });
    const valuesDir = join(options.dir, 'values');
    mkdirSync(valuesDir, { recursive: true });
    let names: string[] = [];
    const dtypes: Record<string, string> = {};
    const nulls: number[] = [];
    for await (const batch of read()) {
      const ct = fromArrowTable(batch, meta.source_path);
      if (names.length === 0) {
        names = ct.names;
        ct.names.forEach((name, k) => {
          dtypes[name] = (ct.columns[k] as Column).type;
          nulls[k] = 0;
        });
      }
      ct.columns.forEach((col, k) => {
        nulls[k] = (nulls[k] as number) + nullCount(col);
        const h = hashRows([col], ct.rowCount).h1;
        const take: number[][] = Array.from({ length: partitions }, () => []);
        for (let i = 0; i < ct.rowCount; i++) (take[bits === 0 ? 0 : (h[i] as number) >>> (32 - bits)] as number[]).push(i);
        take.forEach((idx, p) => {
          if (idx.length === 0) return;
          appendBlob(join(valuesDir, `c${k}-p${p}.bin`), tableToIPC(toArrowTable({ names: ['v'], columns: [takeRows(col, idx)], rowCount: idx.length }), 'file'));
        });
      });
    }
    const null_counts: Record<string, number> = {};
    const unique_counts: Record<string, number> = {};
    names.forEach((name, k) => {
      null_counts[name] = nulls[k] as number;
      let distinct = 0;
      for (let p = 0; p < partitions; p++) {
        const path = join(valuesDir, `c${k}-p${p}.bin`);
        const col = readBlobs(path);
        if (col !== null) distinct += distinctCount(col);
        rmSync(path, { force: true });
      }
      unique_counts[name] = distinct;
    });
    return { source_path: meta.source_path, format: meta.format, file_sha256: meta.file_sha256, content_hash, row_count, column_count: names.length, columns: [...names], dtypes, null_counts, unique_counts };
  } finally {
    rmSync(options.dir, { recursive: true, force: true });
  }
}
