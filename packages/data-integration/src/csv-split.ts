import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { builtScript } from '@hokusai/core';
import { makeNullColumn } from './column-builder.js';
import type { BuilderPart, ColumnReadStats, TypeFailure } from './column-builder.js';
import type { Column, ColumnTable, ColumnType } from './column.js';
import { readRange } from './csv-scan.js';
import { stringColumnFromUtf8 } from './utf8-column.js';

/** What the second half's thread answers: its rows as parts, or that it could not read them alone. */
export type CsvPartReply = { ok: true; rows: number; parts: BuilderPart[] } | { ok: false };

/** What the second half's thread is given. */
export interface CsvPartJob {
  path: string;
  file: string;
  start: number;
  delimiter: string;
  names: string[];
  declared: [string, ColumnType][];
  capacity: number;
  chunkBytes: number;
  maxRowBytes: number;
}

export interface SplitReadOptions {
  file: string;
  chunkBytes: number;
  maxRowBytes: number;
  delimiter: string;
  header: boolean;
  /** The header's names (or column_1.. without a header), read from the file's first bytes. */
  names: string[];
  declared: ReadonlyMap<string, ColumnType> | undefined;
  size: number;
  bytesPerRow: number;
  feed?: ((bytes: Buffer, at: number) => void) | undefined;
}

/**
 * Share of the file this thread reads: the worker starts later (a thread and its modules, about
 * 0.1 s) and parses its first rows before they are optimized, so it gets the smaller part.
 */
const HEAD_SHARE = 0.55;

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  return builtScript([new URL('./csv-part-worker.js', import.meta.url), new URL('../dist/csv-part-worker.js', import.meta.url)]);
}

/** The offset just past the first line feed at or after `from`, or null when none is near. */
async function lineStartAfter(path: string, from: number, size: number): Promise<number | null> {
  const fh = await open(path, 'r');
  try {
    const window = Buffer.allocUnsafe(Math.min(1 << 20, size - from));
    const { bytesRead } = await fh.read(window, 0, window.length, from);
    const lf = window.subarray(0, bytesRead).indexOf(10);
    return lf < 0 || from + lf + 1 >= size ? null : from + lf + 1;
  } finally {
    await fh.close();
  }
}

/**
 * Reads a large CSV file on two threads: this one reads the rows up to a line start past
 * HEAD_SHARE of the file, a worker reads the rest. The guess that this line start is a row start (not inside a
 * quoted field) is checked: the first half must end exactly there. The halves are joined only
 * when reading them one after the other would have given the same columns (same inferred types,
 * no column turned to text part way); otherwise, and whenever the second half meets an error,
 * this returns null and the caller reads the file in one pass, so values, types and every error's
 * row, line and column are those of a single pass. Errors in the first half are thrown as found:
 * its rows are the file's first rows.
 */
export async function readSplit(path: string, o: SplitReadOptions): Promise<{ table: ColumnTable; builders: ColumnReadStats[] } | null> {
  const script = workerScript();
  if (script === null) return null;
  const split = await lineStartAfter(path, Math.floor(o.size * HEAD_SHARE), o.size);
  if (split === null) return null;
  const rowsIn = (bytes: number): number => Math.min(1 << 26, Math.max(1 << 10, Math.ceil((bytes / o.bytesPerRow) * 1.05) + 16));
  const job: CsvPartJob = { path, file: o.file, start: split, delimiter: o.delimiter, names: o.names, declared: [...(o.declared ?? new Map<string, ColumnType>())], capacity: rowsIn(o.size - split), chunkBytes: o.chunkBytes, maxRowBytes: o.maxRowBytes };
  const worker = new Worker(script, { workerData: job });
  const tail = new Promise<CsvPartReply>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', () => resolve({ ok: false }));
    worker.once('exit', () => resolve({ ok: false }));
  });
  try {
    const head = await readRange(path, { file: o.file, chunkBytes: o.chunkBytes, maxRowBytes: o.maxRowBytes, delimiter: o.delimiter, header: o.header, declared: o.declared, capacity: rowsIn(split), feed: o.feed, end: split });
    if (head.rest !== 0 || head.demotedAt.length > 0 || head.names.length !== o.names.length || head.names.some((n, k) => n !== o.names[k])) return null;
    // The rest of the file's bytes reach `feed` (the file's SHA-256) while the worker parses them.
    if (o.feed !== undefined) await feedRange(path, split, o.size, o.chunkBytes, o.feed);
    const reply = await tail;
    if (!reply.ok) return null;
    return joinHalves(head.names, head.builders.map((b) => b.part()), head.dataRows, reply.parts, reply.rows, o.declared);
  } finally {
    await worker.terminate();
  }
}

async function feedRange(path: string, start: number, end: number, chunkBytes: number, feed: (bytes: Buffer, at: number) => void): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (let at = start; at < end; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(chunkBytes, end - at), at);
      if (bytesRead === 0) break;
      feed(buf.subarray(0, bytesRead), at);
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** Per column, the two halves joined, or null when a single pass would have read them differently. */
export function joinHalves(names: string[], head: (BuilderPart | null)[], headRows: number, tail: BuilderPart[], tailRows: number, declared: ReadonlyMap<string, ColumnType> | undefined): { table: ColumnTable; builders: ColumnReadStats[] } | null {
  if (tail.length !== names.length) return null;
  const columns: Column[] = [];
  const builders: ColumnReadStats[] = [];
  for (let k = 0; k < names.length; k++) {
    const h = head[k];
    const t = tail[k] as BuilderPart;
    if (h === null || h === undefined) return null;
    const joined = joinColumn(h, t, headRows, tailRows, declared?.get(names[k] as string));
    if (joined === null) return null;
    columns.push(joined.column);
    builders.push(joined.stats);
  }
  return { table: { names, columns, rowCount: headRows + tailRows }, builders };
}

function joinColumn(h: BuilderPart, t: BuilderPart, nh: number, nt: number, declared: ColumnType | undefined): { column: Column; stats: ColumnReadStats } | null {
  if (h.length !== nh || t.length !== nt) return null;
  // A column all null in one half takes its type from the other, as a single pass would.
  const state = h.state === 'unknown' ? t.state : t.state === 'unknown' || t.state === h.state ? h.state : null;
  if (state === null || state === 'demoted') return null;
  // A quoted "" is null before a column has a type but an empty text after: the second half,
  // read alone, cannot know the first half made the column text.
  if (state === 'string' && h.state === 'string' && t.quotedEmptyUntyped) return null;
  const n = nh + nt;
  let type: ColumnType | 'null';
  let column: Column;
  if (state === 'unknown') {
    type = declared ?? 'null';
    column = type === 'null' ? { type: 'string', values: new Array<string | null>(n).fill(null) } : makeNullColumn(type, n);
  } else if (state === 'string') {
    type = 'string';
    column = joinText(h, t, n);
  } else {
    const allInt = h.allInt && t.allInt;
    type = state === 'number' ? (declared === 'int' || declared === 'float' ? declared : allInt ? 'int' : 'float') : state;
    // Each half is copied once, straight into the output type (a float64 that is an int32 or a
    // 0/1 converts exactly).
    const values = type === 'int' ? new Int32Array(n) : type === 'bool' ? new Uint8Array(n) : new Float64Array(n);
    const valid = new Uint8Array(n);
    if (h.num !== null && h.valid !== null) {
      values.set(h.num);
      valid.set(h.valid);
    }
    if (t.num !== null && t.valid !== null) {
      values.set(t.num, nh);
      valid.set(t.valid, nh);
    }
    column = { type, values, valid } as Column;
  }
  const shifted: TypeFailure[] = [...h.typeFailures, ...t.typeFailures.map((f) => ({ row: f.row + nh, value: f.value }))].slice(0, 5);
  const stats: ColumnReadStats = {
    nonFiniteCount: h.nonFiniteCount + t.nonFiniteCount,
    firstNonFinite: h.firstNonFinite !== 0 ? h.firstNonFinite : t.firstNonFinite !== 0 ? t.firstNonFinite + nh : 0,
    typeFailureCount: h.typeFailureCount + t.typeFailureCount,
    typeFailures: shifted,
    inferredType: () => type,
  };
  return { column, stats };
}

/** Two halves of a text column (either may be all null) as one column over their UTF-8. */
function joinText(h: BuilderPart, t: BuilderPart, n: number): Column {
  const hb = h.text?.bytes.length ?? 0;
  const tb = t.text?.bytes.length ?? 0;
  const bytes = new Uint8Array(hb + tb);
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array(n);
  if (h.text !== null) {
    bytes.set(h.text.bytes);
    offsets.set(h.text.offsets);
    valid.set(h.text.valid);
  }
  if (t.text !== null) {
    bytes.set(t.text.bytes, hb);
    const to = t.text.offsets;
    for (let i = 1; i < to.length; i++) offsets[h.length + i] = (to[i] as number) + hb;
    valid.set(t.text.valid, h.length);
  } else offsets.fill(hb, h.length + 1);
  return stringColumnFromUtf8({ offsets, bytes }, valid);
}
