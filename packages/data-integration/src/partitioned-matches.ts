import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { z } from 'zod';
import { fromArrowTable, toArrowTable } from './arrow-convert.js';
import type { Column, ColumnTable } from './column.js';
import { takeRows } from './column.js';
import { concatTables } from './column-concat.js';
import { findDuplicates, findMatches } from './dedup.js';
import { dataError } from './errors.js';
import { decimalsOf, matchRows, MAX_DECIMALS, moreDecimals, normalizeCellText, precisionStride, type NumCol } from './feature-match.js';
import { hashRows } from './row-hash.js';
import { knownUtf8 } from './utf8-column.js';
import { copyBytes } from './utf8-layout.js';

/** A table read in batches; each call starts again from the first row. */
export type TableBatches = () => AsyncIterable<Table>;

export interface PartitionedMatchInput {
  contributed: TableBatches;
  base: TableBatches;
  benchmark: TableBatches;
  target: string;
  /** Columns compared when looking for copies (what the model reads); same names and types in the three inputs. */
  compared: string[];
  /** Folder for the partitions; created, and removed when done. */
  dir: string;
  /** Number of disk partitions (default 64): each holds about 1/partitions of the rows. */
  partitions?: number;
}

/** Per contributed row (in input order), what integrateContribution's default rules find. */
export interface PartitionedMatchResult {
  rows: { contributed: number; base: number; benchmark: number };
  /** 1: equal compared values to a benchmark row; 2: equal after normalization only; 0: neither. */
  contaminated: Uint8Array;
  /** 1: every column equals an earlier contributed row's. */
  duplicate: Uint8Array;
  /** As `contaminated`, against the base rows, the label compared too. */
  inBase: Uint8Array;
  baseRowsInBenchmark: number;
  benchmarkRowsInBase: number;
}

const inputSpec = z.object({ target: z.string().min(1), compared: z.array(z.string().min(1)).min(1), dir: z.string().min(1), partitions: z.number().int().min(1).max(4096).optional() }).passthrough();

/** Bookkeeping columns of a spilled contributed row: its row number and whether it is the row's own partition. */
const ROW = '\u0000row';
const PRIMARY = '\u0000primary';
/** The contributed rows' keyed digest of the columns neither compared nor the target. */
const OTHERS = '\u0000others';
const EMPTY = new Uint8Array(0);
/** Buckets of the anchor column's range per partition: fine enough to spread rows evenly. */
const BUCKETS_PER_PARTITION = 8;

type Side = 'contributed' | 'base' | 'benchmark';

/** What one pass over the inputs learns before spilling: row counts, the anchor's range, the references' precision. */
interface Layout {
  rows: Record<Side, number>;
  anchor: number;
  min: number;
  width: number;
  /** Per compared column, the most decimals in the benchmark's and the base's stride samples (see referenceDecimals). */
  benchDecimals: Int32Array;
  baseDecimals: Int32Array;
}

/**
 * Dedup within the contribution, rows already in the base and contamination by the benchmark,
 * for inputs larger than memory: every row goes to a disk partition chosen from the values two
 * matching rows must share (normalized text, integers, booleans, dates, which floats are null,
 * and a range bucket of one float column); a contributed row whose float may match within its
 * rounding goes to every partition its range reaches. Each partition is then checked in memory
 * with the same functions and precision as integrateContribution, so the flags, hence the
 * counts, are the in-memory path's. Columns that are not compared (ids, personal data) are
 * spilled as one keyed digest per row under a key that lives only in this call, never as values.
 */
export async function partitionedMatches(input: PartitionedMatchInput): Promise<PartitionedMatchResult> {
  const parsed = inputSpec.safeParse(input);
  if (!parsed.success) {
    throw dataError('HOKUSAI_INVALID_OPTIONS', `invalid partitioned match options (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`, 'Check the options passed to partitionedMatches');
  }
  const partitions = input.partitions ?? 64;
  mkdirSync(input.dir, { recursive: true });
  try {
    const layout = await survey(input, partitions);
    const key = randomBytes(32);
    const spill = new PartitionSpill(input.dir, partitions);
    for (const side of ['benchmark', 'base', 'contributed'] as const) {
      let rowBase = 0;
      let batchNo = 0;
      for await (const batch of input[side]()) {
        const ct = fromArrowTable(batch, side);
        spillBatch(spill, side, batchNo++, rowBase, prepare(ct, input, side, key), input, layout, partitions);
        rowBase += ct.rowCount;
      }
    }
    return checkPartitions(spill, layout, input, partitions);
  } finally {
    rmSync(input.dir, { recursive: true, force: true });
  }
}

function columnOf(ct: ColumnTable, name: string, side: Side): Column {
  const k = ct.names.indexOf(name);
  if (k < 0) throw dataError('HOKUSAI_SCHEMA_MISMATCH', `column '${name}' is missing from a batch of the ${side} data`, 'Give the three inputs the same columns', { column: name });
  return ct.columns[k] as Column;
}

/** Row counts, the anchor column (the first compared float column) and its range, the references' precision. */
async function survey(input: PartitionedMatchInput, partitions: number): Promise<Layout> {
  const rows: Record<Side, number> = { contributed: 0, base: 0, benchmark: 0 };
  let anchor = -1;
  let min = Infinity;
  let max = -Infinity;
  for (const side of ['benchmark', 'base', 'contributed'] as const) {
    for await (const batch of input[side]()) {
      const ct = fromArrowTable(batch, side);
      if (anchor === -1) anchor = input.compared.findIndex((name) => columnOf(ct, name, side).type === 'float');
      if (anchor >= 0) {
        const col = columnOf(ct, input.compared[anchor] as string, side) as NumCol;
        for (let i = 0; i < ct.rowCount; i++) {
          if (col.valid[i] === 0) continue;
          const v = col.values[i] as number;
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      rows[side] += ct.rowCount;
    }
  }
  const benchDecimals = await decimalsOver(input.benchmark, input.compared, rows.benchmark);
  const baseDecimals = await decimalsOver(input.base, [...input.compared, input.target], rows.base);
  const width = anchor < 0 || !(max > min) ? 0 : (max - min) / (partitions * BUCKETS_PER_PARTITION);
  return { rows, anchor, min: Number.isFinite(min) ? min : 0, width, benchDecimals, baseDecimals };
}

/** referenceDecimals of each column over the whole reference, read in batches: the same stride positions. */
async function decimalsOver(read: TableBatches, names: string[], n: number): Promise<Int32Array> {
  const out = new Int32Array(names.length);
  const step = precisionStride(n);
  let rowBase = 0;
  for await (const batch of read()) {
    const ct = fromArrowTable(batch, 'reference');
    names.forEach((name, c) => {
      const col = columnOf(ct, name, 'base');
      if (col.type !== 'float') return;
      // The first stride position at or after this batch's first row.
      for (let g = Math.ceil(rowBase / step) * step; g < rowBase + ct.rowCount && (out[c] as number) < MAX_DECIMALS; g += step) {
        const i = g - rowBase;
        if (col.valid[i] === 1) out[c] = moreDecimals(out[c] as number, col.values[i] as number);
      }
    });
    rowBase += ct.rowCount;
  }
  return out;
}

/**
 * The columns a side spills: the compared ones and the target as they are; for the contribution
 * also one keyed digest per row of every other column (enough to tell equal rows apart, nothing
 * to read back). One digest per row rather than per cell: a keyed hash costs about a microsecond
 * to start, and the other columns are only ever compared all together (exact duplicates).
 */
function prepare(ct: ColumnTable, input: PartitionedMatchInput, side: Side, key: Buffer): ColumnTable {
  const names = [...input.compared, input.target];
  const columns = names.map((name) => columnOf(ct, name, side));
  if (side !== 'contributed') return { names, columns, rowCount: ct.rowCount };
  const others = ct.names.filter((n) => !names.includes(n)).map((name) => columnOf(ct, name, side));
  if (others.length === 0) return { names, columns, rowCount: ct.rowCount };
  return { names: [...names, OTHERS], columns: [...columns, othersDigest(others, ct.rowCount, key)], rowCount: ct.rowCount };
}

/** Per row, SHA-256 under the call's key of the cells of `cols`, each as a tag, its length and its bytes (text as UTF-8, other values as `type:value`). */
function othersDigest(cols: readonly Column[], n: number, key: Buffer): Column {
  const utf8 = cols.map((c) => knownUtf8(c));
  let scratch = Buffer.allocUnsafe(1024);
  let at = 0;
  const put = (tag: number, bytes: Uint8Array, start: number, end: number): void => {
    const need = at + 5 + end - start;
    if (need > scratch.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
      scratch.copy(grown, 0, 0, at);
      scratch = grown;
    }
    scratch[at] = tag;
    scratch.writeUInt32LE(end - start, at + 1);
    at = copyBytes(bytes, start, end, scratch, at + 5);
  };
  const values = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    at = 0;
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c] as Column;
      const d = utf8[c];
      if (d !== undefined) {
        if (d.nullCount > 0 && !d.getValid(i)) put(0, EMPTY, 0, 0);
        else put(1, d.values as Uint8Array, (d.valueOffsets as Int32Array)[i] as number, (d.valueOffsets as Int32Array)[i + 1] as number);
        continue;
      }
      const text = col.type === 'string' ? (col.values[i] ?? null) : col.valid[i] === 0 ? null : `${col.type}:${col.values[i] as number}`;
      if (text === null) put(0, EMPTY, 0, 0);
      else {
        const b = Buffer.from(text, 'utf8');
        put(col.type === 'string' ? 1 : 2, b, 0, b.length);
      }
    }
    values[i] = createHash('sha256').update(key).update(scratch.subarray(0, at)).digest('base64');
  }
  return { type: 'string', values };
}

/** 32-bit hash of what two matching rows share: normalized text, exact integers, booleans and dates, float nulls. */
function shareKeys(ct: ColumnTable, compared: number): Uint32Array {
  const keyCols = ct.columns.slice(0, compared).map((col): Column => {
    if (col.type === 'string') return { type: 'string', values: col.values.map((v) => (v === null || v === undefined ? null : normalizeCellText(v))) };
    if (col.type === 'float') return { type: 'bool', values: col.valid, valid: new Uint8Array(col.valid.length).fill(1) };
    return col;
  });
  return hashRows(keyCols, ct.rowCount, 'exact').h1;
}

function partitionOf(share: number, bucket: number, partitions: number): number {
  let h = Math.imul(share ^ Math.imul(bucket | 0, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) % partitions;
}

const NO_BUCKET = -0x7fffffff;

function bucketOf(layout: Layout, v: number): number {
  return layout.width === 0 ? 0 : Math.floor((v - layout.min) / layout.width);
}

/** The tolerance matchRows allows a contributed float against a reference of `refDecimals` decimals. */
function tolerance(u: number, refDecimals: number): number {
  // A hair wider than matchRows' own bound (which adds |reference| * 1e-15): an extra partition
  // only adds candidates, a missing one would lose a match.
  return ((0.5 / 10 ** Math.min(decimalsOf(u), refDecimals)) * (1 + 1e-9) + Math.abs(u) * 1e-15) * (1 + 1e-6);
}

function spillBatch(spill: PartitionSpill, side: Side, batchNo: number, rowBase: number, ct: ColumnTable, input: PartitionedMatchInput, layout: Layout, partitions: number): void {
  const compared = input.compared.length;
  const share = shareKeys(ct, compared);
  const anchor = layout.anchor >= 0 ? (ct.columns[layout.anchor] as NumCol) : null;
  // The looser of the two references' precision for the anchor: a superset of the partitions either needs.
  const anchorDecimals = layout.anchor >= 0 ? Math.min(layout.benchDecimals[layout.anchor] as number, layout.baseDecimals[layout.anchor] as number) : 0;
  const take: number[][] = Array.from({ length: partitions }, () => []);
  const primary: number[][] = Array.from({ length: partitions }, () => []);
  for (let i = 0; i < ct.rowCount; i++) {
    const valid = anchor !== null && anchor.valid[i] === 1;
    const v = valid ? (anchor.values[i] as number) : 0;
    const own = partitionOf(share[i] as number, valid ? bucketOf(layout, v) : NO_BUCKET, partitions);
    (take[own] as number[]).push(i);
    (primary[own] as number[]).push(1);
    if (side !== 'contributed' || !valid || layout.width === 0) continue;
    // A rounded copy may match a reference value in a neighbouring bucket.
    const tol = tolerance(v, anchorDecimals);
    const first = bucketOf(layout, v - tol);
    const last = bucketOf(layout, v + tol);
    const reached = new Set<number>([own]);
    for (let b = first; b <= last && reached.size < partitions; b++) {
      const p = partitionOf(share[i] as number, b, partitions);
      if (reached.has(p)) continue;
      reached.add(p);
      (take[p] as number[]).push(i);
      (primary[p] as number[]).push(0);
    }
  }
  take.forEach((rows, p) => {
    if (rows.length === 0) return;
    const part: ColumnTable = { names: [...ct.names], columns: ct.columns.map((c) => takeRows(c, rows)), rowCount: rows.length };
    if (side === 'contributed') {
      part.names.push(ROW, PRIMARY);
      part.columns.push(
        { type: 'float', values: Float64Array.from(rows, (r) => rowBase + r), valid: new Uint8Array(rows.length).fill(1) },
        { type: 'bool', values: Uint8Array.from(primary[p] as number[]), valid: new Uint8Array(rows.length).fill(1) },
      );
    }
    spill.write(p, side, batchNo, part);
  });
}

/** Partition chunks as Arrow IPC files, one per (partition, side, batch), read back in batch order. */
class PartitionSpill {
  constructor(
    private readonly dir: string,
    partitions: number,
  ) {
    for (let p = 0; p < partitions; p++) mkdirSync(join(dir, String(p)), { recursive: true });
  }

  write(p: number, side: Side, batchNo: number, ct: ColumnTable): void {
    writeFileSync(join(this.dir, String(p), `${side}-${String(batchNo).padStart(8, '0')}.arrow`), tableToIPC(toArrowTable(ct), 'file'));
  }

  read(p: number, side: Side): ColumnTable | null {
    const files = readdirSync(join(this.dir, String(p)))
      .filter((f) => f.startsWith(`${side}-`))
      .sort();
    return concatTables(files.map((f) => fromArrowTable(tableFromIPC(readFileSync(join(this.dir, String(p), f))), f)));
  }

  drop(p: number): void {
    rmSync(join(this.dir, String(p)), { recursive: true, force: true });
  }
}

/** Keeps the stronger finding: an exact match (1) over a normalized one (2) over none (0). */
function merge(into: Uint8Array, row: number, hit: number): void {
  const was = into[row] as number;
  if (hit === 1 || (hit === 2 && was === 0)) into[row] = hit;
}

function checkPartitions(spill: PartitionSpill, layout: Layout, input: PartitionedMatchInput, partitions: number): PartitionedMatchResult {
  const n = layout.rows.contributed;
  const compared = input.compared.length;
  const withLabel = compared + 1;
  const result: PartitionedMatchResult = { rows: layout.rows, contaminated: new Uint8Array(n), duplicate: new Uint8Array(n), inBase: new Uint8Array(n), baseRowsInBenchmark: 0, benchmarkRowsInBase: 0 };
  const benchDecimals = layout.benchDecimals.subarray(0, compared);
  for (let p = 0; p < partitions; p++) {
    const bench = spill.read(p, 'benchmark');
    const base = spill.read(p, 'base');
    const contrib = spill.read(p, 'contributed');
    if (base !== null && bench !== null) {
      const baseFeatures = base.columns.slice(0, compared);
      const benchFeatures = bench.columns.slice(0, compared);
      const baseInBench = findMatches(baseFeatures, base.rowCount, benchFeatures, bench.rowCount, 'exact');
      for (let i = 0; i < base.rowCount; i++) result.baseRowsInBenchmark += baseInBench[i] as number;
      const benchInBase = findMatches(benchFeatures, bench.rowCount, baseFeatures, base.rowCount, 'exact');
      for (let i = 0; i < bench.rowCount; i++) result.benchmarkRowsInBase += benchInBase[i] as number;
    }
    if (contrib !== null) {
      const rowCol = contrib.columns[contrib.names.indexOf(ROW)] as NumCol;
      const primaryCol = contrib.columns[contrib.names.indexOf(PRIMARY)] as Extract<Column, { type: 'bool' }>;
      const rowOf = (i: number): number => rowCol.values[i] as number;
      if (bench !== null) {
        const hit = matchRows(contrib.columns.slice(0, compared), contrib.rowCount, bench.columns.slice(0, compared), bench.rowCount, undefined, { refDecimals: benchDecimals }).hit;
        for (let i = 0; i < contrib.rowCount; i++) merge(result.contaminated, rowOf(i), hit[i] as number);
      }
      if (base !== null) {
        const hit = matchRows(contrib.columns.slice(0, withLabel), contrib.rowCount, base.columns.slice(0, withLabel), base.rowCount, undefined, { refDecimals: layout.baseDecimals }).hit;
        for (let i = 0; i < contrib.rowCount; i++) merge(result.inBase, rowOf(i), hit[i] as number);
      }
      // Exact duplicates share every value, so they share the partition of their own rows: the
      // primary rows, in input order, keep the first occurrence as the in-memory check does.
      const own: number[] = [];
      for (let i = 0; i < contrib.rowCount; i++) if (primaryCol.values[i] === 1) own.push(i);
      const cols = contrib.columns.filter((_, k) => contrib.names[k] !== ROW && contrib.names[k] !== PRIMARY).map((c) => takeRows(c, own));
      const dup = findDuplicates(cols, own.length, 'exact', 'first');
      own.forEach((i, k) => {
        if (dup[k] === 1) result.duplicate[rowOf(i)] = 1;
      });
    }
    spill.drop(p);
  }
  return result;
}

/** The counts integrateContribution reports, from the flags, with its precedence: contamination, then duplicates, then rows in the base. */
export function removalCounts(r: PartitionedMatchResult): { contamination: { removed: number; exact: number; normalized: number }; within_contributed: number; already_in_base: number; already_in_base_exact: number; already_in_base_normalized: number; kept: number } {
  let removed = 0;
  let normalized = 0;
  let dup = 0;
  let inBase = 0;
  let inBaseNormalized = 0;
  let kept = 0;
  for (let i = 0; i < r.rows.contributed; i++) {
    if (r.contaminated[i] !== 0) {
      removed++;
      if (r.contaminated[i] === 2) normalized++;
    } else if (r.duplicate[i] === 1) dup++;
    else if (r.inBase[i] !== 0) {
      inBase++;
      if (r.inBase[i] === 2) inBaseNormalized++;
    } else kept++;
  }
  return { contamination: { removed, exact: removed - normalized, normalized }, within_contributed: dup, already_in_base: inBase, already_in_base_exact: inBase - inBaseNormalized, already_in_base_normalized: inBaseNormalized, kept };
}
