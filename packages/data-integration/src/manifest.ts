import { createHash } from 'node:crypto';
import type { Column, ColumnTable } from './column.js';
import { nullCount } from './column.js';
import { distinctCount } from './distinct-count.js';
import { hashRows, sortByHash } from './row-hash.js';
import type { DataFormat, DatasetManifest } from './dataset.js';

const TAG_NULL = 0;
const TAG_NUMBER = 1;
const TAG_BOOL = 2;
const TAG_TIMESTAMP = 3;
const TAG_STRING = 4;

class HashWriter {
  private buf = Buffer.allocUnsafe(1 << 20);
  private at = 0;
  constructor(private readonly hash = createHash('sha256')) {}
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n * 2);
  }
  flush(): void {
    if (this.at > 0) this.hash.update(this.buf.subarray(0, this.at));
    this.at = 0;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v, this.at);
    this.at += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }
  str(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.room(4 + len);
    this.buf.writeUInt32LE(len, this.at);
    this.at += 4;
    this.at += this.buf.write(s, this.at, 'utf8');
  }
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }
}

function writeCell(w: HashWriter, col: Column, i: number): void {
  if (col.type === 'string') {
    const s = col.values[i];
    if (s === null || s === undefined) w.byte(TAG_NULL);
    else {
      w.byte(TAG_STRING);
      w.str(s);
    }
    return;
  }
  if (col.valid[i] === 0) {
    w.byte(TAG_NULL);
    return;
  }
  const v = col.values[i] as number;
  if (col.type === 'bool') {
    w.byte(TAG_BOOL);
    w.byte(v);
  } else {
    w.byte(col.type === 'timestamp' ? TAG_TIMESTAMP : TAG_NUMBER);
    w.f64(v === 0 ? 0 : v);
  }
}

function encodedRow(cols: readonly Column[], i: number): Buffer {
  const parts: Buffer[] = [];
  const w = new HashWriter({ update: (b: Buffer) => parts.push(Buffer.from(b)), digest: () => '' } as unknown as ReturnType<typeof createHash>);
  for (const c of cols) writeCell(w, c, i);
  w.flush();
  return Buffer.concat(parts);
}

/**
 * Content hash, version 1 (documented in the README):
 * SHA-256 over "hokusai-content-v1", the column count and names (sorted), then every row's
 * canonical encoding, rows sorted. A row is its cells in sorted column order, each cell a tag
 * byte (0 null, 1 number, 2 bool, 3 timestamp, 4 string) and the value: numbers as float64 LE
 * (so an int and the same float agree, and -0 is 0), bool as one byte, timestamps as float64
 * epoch milliseconds, strings as u32 LE byte length and UTF-8. Rows are ordered by a 64-bit
 * fingerprint and ties by their encoded bytes, which is a function of the row multiset only, so
 * the hash depends on neither row order, column order nor file format.
 */
export function contentHash(ct: ColumnTable): string {
  const order = ct.names.map((_, k) => k).sort((a, b) => ((ct.names[a] as string) < (ct.names[b] as string) ? -1 : 1));
  const cols = order.map((k) => ct.columns[k] as Column);
  const names = order.map((k) => ct.names[k] as string);
  const w = new HashWriter();
  w.str('hokusai-content-v1');
  w.u32(names.length);
  for (const n of names) w.str(n);
  const h = hashRows(cols, ct.rowCount);
  const idx = sortByHash(h);
  const n = ct.rowCount;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const r = idx[i] as number;
    while (j < n && h.h1[idx[j] as number] === h.h1[r] && h.h2[idx[j] as number] === h.h2[r]) j++;
    if (j - i > 1) {
      // Equal fingerprints: order by the encoded bytes so the result never depends on input order.
      const group = Array.from(idx.subarray(i, j), (x) => ({ x, b: encodedRow(cols, x) }));
      group.sort((p, q) => Buffer.compare(p.b, q.b));
      group.forEach((g, k) => (idx[i + k] = g.x));
    }
    for (let k = i; k < j; k++) {
      const row = idx[k] as number;
      for (const c of cols) writeCell(w, c, row);
    }
    i = j;
  }
  return w.digest();
}

export function fileSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function buildManifest(ct: ColumnTable, meta: { source_path: string; format: DataFormat; file_sha256: string }): DatasetManifest {
  const dtypes: Record<string, string> = {};
  const null_counts: Record<string, number> = {};
  const unique_counts: Record<string, number> = {};
  ct.names.forEach((name, k) => {
    const col = ct.columns[k] as Column;
    dtypes[name] = col.type;
    null_counts[name] = nullCount(col);
    unique_counts[name] = distinctCount(col);
  });
  return {
    source_path: meta.source_path,
    format: meta.format,
    file_sha256: meta.file_sha256,
    content_hash: contentHash(ct),
    row_count: ct.rowCount,
    column_count: ct.names.length,
    columns: [...ct.names],
    dtypes,
    null_counts,
    unique_counts,
  };
}
