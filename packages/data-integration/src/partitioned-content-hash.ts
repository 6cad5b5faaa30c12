import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { fromArrowTable, toArrowTable } from './arrow-convert.js';
import type { Column, ColumnTable } from './column.js';
import { takeRows } from './column.js';
import { concatTables } from './column-concat.js';
import { dataError } from './errors.js';
import type { TableBatches } from './partitioned-matches.js';
import { canonicalOrder } from './manifest.js';
import { hashRows } from './row-hash.js';

const TAG_NULL = 0;
const TAG_NUMBER = 1;
const TAG_BOOL = 2;
const TAG_TIMESTAMP = 3;
const TAG_STRING = 4;

export interface ContentHashOverBatchesOptions {
  /** Folder for the partitions and the per-column streams; created, and removed when done. */
  dir: string;
  /** 2^partitionBits partitions by the rows' fingerprints (default 6: 64). */
  partitionBits?: number;
}

/** One cell as the content hash writes it: its tag, and its value's bytes (none for a null). */
function cellBytes(col: Column, i: number): { tag: number; value: Buffer | null } {
  if (col.type === 'string') {
    const s = col.values[i];
    if (s === null || s === undefined) return { tag: TAG_NULL, value: null };
    const utf8 = Buffer.from(s, 'utf8');
    const out = Buffer.allocUnsafe(4 + utf8.length);
    out.writeUInt32LE(utf8.length, 0);
    utf8.copy(out, 4);
    return { tag: TAG_STRING, value: out };
  }
  if (col.valid[i] === 0) return { tag: TAG_NULL, value: null };
  const v = col.values[i] as number;
  if (col.type === 'bool') return { tag: TAG_BOOL, value: Buffer.from([v]) };
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleLE(v === 0 ? 0 : v, 0);
  return { tag: col.type === 'timestamp' ? TAG_TIMESTAMP : TAG_NUMBER, value: out };
}

/** Appends bytes to a file, kept open. */
class AppendFile {
  private readonly fd: number;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at, bytes.length - at);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/**
 * The content hash (version 1, as buildManifest computes it) of a table read in batches, with
 * memory for one partition: rows go to 2^partitionBits disk partitions by the top bits of their
 * fingerprint, so the partitions in order hold the rows in the canonical (fingerprint) order;
 * each partition is sorted in memory and appends every column's tags and values to that column's
 * streams on disk; the SHA-256 then reads the streams column by column, the bytes the in-memory
 * hash reads.
 */
export async function contentHashOverBatches(read: TableBatches, options: ContentHashOverBatchesOptions): Promise<{ content_hash: string; row_count: number }> {
  const bits = options.partitionBits ?? 6;
  if (!Number.isInteger(bits) || bits < 0 || bits > 12) throw dataError('HOKUSAI_INVALID_OPTIONS', `partitionBits must be an integer from 0 to 12 (got ${bits})`, 'Check the options passed to contentHashOverBatches');
  const partitions = 2 ** bits;
  mkdirSync(options.dir, { recursive: true });
  try {
    let names: string[] | null = null;
    let order: number[] = [];
    let rows = 0;
    let batchNo = 0;
    for (let p = 0; p < partitions; p++) mkdirSync(join(options.dir, `p${p}`));
    for await (const batch of read()) {
      const ct = fromArrowTable(batch, 'batch');
      if (names === null) {
        names = ct.names;
        order = names.map((_, k) => k).sort((a, b) => ((names as string[])[a] as string) < ((names as string[])[b] as string) ? -1 : 1);
      }
      const cols = order.map((k) => ct.columns[k] as Column);
      const h = hashRows(cols, ct.rowCount);
      const take: number[][] = Array.from({ length: partitions }, () => []);
      for (let i = 0; i < ct.rowCount; i++) (take[bits === 0 ? 0 : (h.h1[i] as number) >>> (32 - bits)] as number[]).push(i);
      take.forEach((idx, p) => {
        if (idx.length === 0) return;
        const part: ColumnTable = { names: order.map((k) => (names as string[])[k] as string), columns: cols.map((c) => takeRows(c, idx)), rowCount: idx.length };
        writeFileSync(join(options.dir, `p${p}`, `${String(batchNo).padStart(8, '0')}.arrow`), tableToIPC(toArrowTable(part), 'file'));
      });
      rows += ct.rowCount;
      batchNo++;
    }
    const sorted = (names ?? []).map((_, k) => (names as string[])[order[k] as number] as string);
    const tags = sorted.map((_, c) => new AppendFile(join(options.dir, `c${c}.tags`)));
    const values = sorted.map((_, c) => new AppendFile(join(options.dir, `c${c}.values`)));
    try {
      for (let p = 0; p < partitions; p++) {
        const dir = join(options.dir, `p${p}`);
        const part = concatTables(
          readdirSync(dir)
            .sort()
            .map((f) => fromArrowTable(tableFromIPC(readFileSync(join(dir, f))), f)),
        );
        rmSync(dir, { recursive: true, force: true });
        if (part === null) continue;
        const idx = canonicalOrder(part.columns, part.rowCount);
        part.columns.forEach((col, c) => {
          const t = new Uint8Array(part.rowCount);
          const v: Buffer[] = [];
          idx.forEach((r, k) => {
            const cell = cellBytes(col, r);
            t[k] = cell.tag;
            if (cell.value !== null) v.push(cell.value);
          });
          (tags[c] as AppendFile).write(t);
          (values[c] as AppendFile).write(Buffer.concat(v));
        });
      }
    } finally {
      for (const f of [...tags, ...values]) f.close();
    }
    const hash = createHash('sha256');
    const u32 = (n: number): Buffer => {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32LE(n, 0);
      return b;
    };
    const str = (s: string): void => {
      const b = Buffer.from(s, 'utf8');
      hash.update(u32(b.length));
      hash.update(b);
    };
    str('hokusai-content-v1');
    hash.update(u32(rows));
    hash.update(u32(sorted.length));
    const buf = Buffer.allocUnsafe(4 << 20);
    const stream = (path: string): void => {
      const fd = openSync(path, 'r');
      try {
        for (;;) {
          const got = readSync(fd, buf, 0, buf.length, null);
          if (got === 0) break;
          hash.update(buf.subarray(0, got));
        }
      } finally {
        closeSync(fd);
      }
    };
    sorted.forEach((name, c) => {
      str(name);
      stream((tags[c] as AppendFile).path);
      stream((values[c] as AppendFile).path);
    });
    return { content_hash: hash.digest('hex'), row_count: rows };
  } finally {
    rmSync(options.dir, { recursive: true, force: true });
  }
}
