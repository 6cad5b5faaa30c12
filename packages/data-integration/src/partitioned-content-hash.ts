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
import { bitIsSet, knownUtf8 } from './utf8-column.js';
import { copyBytes } from './utf8-layout.js';

// Tag 0 is a null: a row keeps the tag array's starting value until a value is seen.
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

/**
 * One column of a partition in canonical order (`idx`) as the content hash writes it: a tag per
 * row, and the values of the non-null rows (text: u32 little-endian length and UTF-8; numbers and
 * dates: float64 little-endian, -0 as 0; booleans: one byte), built in one buffer per column.
 */
function columnInOrder(col: Column, idx: Uint32Array): { tags: Uint8Array; values: Uint8Array } {
  const n = idx.length;
  const tags = new Uint8Array(n);
  if (col.type === 'string') {
    const known = knownUtf8(col);
    // Straight from the UTF-8 when the column holds it, as the in-memory hash reads it.
    const offsets = known !== undefined ? (known.valueOffsets as Int32Array) : null;
    const bytes = known !== undefined ? (known.values as Uint8Array) : null;
    const texts = known === undefined ? col.values : null;
    const encoded = texts === null ? null : new Array<Buffer | null>(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const r = idx[k] as number;
      if (known !== undefined) {
        if (known.nullCount > 0 && !bitIsSet(known.nullBitmap, 0, r)) continue;
        total += 4 + ((offsets as Int32Array)[r + 1] as number) - ((offsets as Int32Array)[r] as number);
      } else {
        const s = (texts as (string | null)[])[r];
        if (s === null || s === undefined) continue;
        const b = Buffer.from(s, 'utf8');
        (encoded as (Buffer | null)[])[k] = b;
        total += 4 + b.length;
      }
      tags[k] = TAG_STRING;
    }
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (let k = 0; k < n; k++) {
      if (tags[k] !== TAG_STRING) continue;
      if (known !== undefined) {
        const r = idx[k] as number;
        const s0 = (offsets as Int32Array)[r] as number;
        const s1 = (offsets as Int32Array)[r + 1] as number;
        out.writeUInt32LE(s1 - s0, at);
        at = copyBytes(bytes as Uint8Array, s0, s1, out, at + 4);
      } else {
        const b = (encoded as (Buffer | null)[])[k] as Buffer;
        out.writeUInt32LE(b.length, at);
        at = copyBytes(b, 0, b.length, out, at + 4);
      }
    }
    return { tags, values: out };
  }
  let present = 0;
  for (let k = 0; k < n; k++) if (col.valid[idx[k] as number] === 1) present++;
  if (col.type === 'bool') {
    const out = new Uint8Array(present);
    let j = 0;
    for (let k = 0; k < n; k++) {
      const r = idx[k] as number;
      if (col.valid[r] !== 1) continue;
      tags[k] = TAG_BOOL;
      out[j++] = col.values[r] as number;
    }
    return { tags, values: out };
  }
  const tag = col.type === 'timestamp' ? TAG_TIMESTAMP : TAG_NUMBER;
  const out = Buffer.allocUnsafe(present * 8);
  let j = 0;
  for (let k = 0; k < n; k++) {
    const r = idx[k] as number;
    if (col.valid[r] !== 1) continue;
    tags[k] = tag;
    const v = col.values[r] as number;
    out.writeDoubleLE(v === 0 ? 0 : v, j);
    j += 8;
  }
  return { tags, values: out };
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
          const out = columnInOrder(col, idx);
          (tags[c] as AppendFile).write(out.tags);
          (values[c] as AppendFile).write(out.values);
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
