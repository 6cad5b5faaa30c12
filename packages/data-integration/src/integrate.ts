import { createHash } from 'node:crypto';
import { Table } from 'apache-arrow';
import { z } from 'zod';
import { fromArrowTable, rememberColumns, toArrowTable } from './arrow-convert.js';
import type { Column, ColumnTable, ColumnType } from './column.js';
import { allNull, castColumn, cellValue, concatColumns, takeRows, unifyTypes } from './column.js';
import { makeNullColumn } from './column-builder.js';
import { conformColumn } from './conform-column.js';
import type { DatasetManifest, LoadedDataset } from './dataset.js';
import { countMatchesBothWays, findDuplicates, findMatches } from './dedup.js';
import { comparedColumns } from './compared-columns.js';
import type { IgnoredReason } from './compared-columns.js';
import { matchRows } from './feature-match.js';
import { matchRowsInWorker } from './match-in-worker.js';
import { checkLabelSets } from './label-sets.js';
import { tallyLabels } from './label-tally.js';
import { dataError } from './errors.js';
import { MIN_PII_KEY_LENGTH } from '@hokusai/core';
import { PiiKey } from './keyed-hash.js';
import { buildManifest } from './manifest.js';
import type { CustomPiiPattern } from './pii-detectors.js';
import { scanPii } from './pii-scan.js';
import type { PiiColumnDecision, PiiFinding, PiiScanResult } from './pii-scan.js';
import { treatPii } from './pii-treatment.js';
import type { PiiMode } from './pii-treatment.js';
import { scoreQuality } from './quality.js';
import type { QualityBreakdown, QualityFactors, QualityScore } from './quality.js';
import { addColumnsToHashes, copyRowHashState, finishedRowHashes, hashRows, startRowHashes } from './row-hash.js';
import type { RowHashes, RowHashState, RowKeyMode } from './row-hash.js';
import { stratifiedSample } from './stratified-sample.js';
import { sourceOf } from './source-info.js';

export type DedupStrategy = 'exact' | 'key' | 'normalized';
export type MergeStrategy = 'append' | 'replace' | 'update';

export interface IntegrationInput {
  base: LoadedDataset;
  contributed: LoadedDataset;
  benchmark: LoadedDataset;
  target: string;
  /** key: HMAC key (never written anywhere); absent means an ephemeral key for this run. */
  pii: { key?: string; mode: PiiMode; custom?: CustomPiiPattern[] };
  /** Rejects the contribution when its quality score is below `threshold`. */
  quality?: { threshold: number };
  dedup?: { strategy: DedupStrategy; keys?: string[]; keep?: 'first' | 'last' };
  merge?: MergeStrategy;
  /** Seeded stratified sample of the merged table down to this many rows. */
  maxRows?: number;
  seed?: number;
  /**
   * Columns the caller will never read, left out of every output table: the named ones, and with
   * `pii: true` every whole-column PII finding (which then needs no treatment at all). Scanning,
   * dedup and the contamination check still see every column.
   */
  omit?: { columns?: string[]; pii?: boolean };
  /**
   * Columns kept in the outputs that the model will not read (a run's `exclude`): like omitted
   * and PII columns, they are not compared when looking for copies of benchmark or base rows.
   */
  notFeatures?: string[];
  /**
   * A benchmark whose every row is also in the base, or whose labels are one class, cannot judge a
   * contribution: refused (`HOKUSAI_BENCHMARK_IN_BASE`, `HOKUSAI_BENCHMARK_SINGLE_CLASS`) unless
   * allowed here, and then named in `report.benchmark_caveats`.
   */
  benchmarkChecks?: { allowInBase?: boolean; allowSingleClass?: boolean };
}

/** Calls made while `integrateContribution` runs, so a caller can start work before it returns. */
export interface IntegrationHooks {
  /**
   * The treated base table, as soon as it is final: after the PII decision, before dedup,
   * contamination and the quality gate. It is the very table `result.base` returns, so work on it
   * (training the baseline, say) can start while the contribution is still being cleaned. The
   * call may still be followed by an error (a failed quality gate, a benchmark refused): work
   * started here must be given up when `integrateContribution` throws.
   */
  onBase?: (base: Table, piiColumns: readonly string[]) => void;
}

export interface IntegrationReport {
  version: 1;
  target: string;
  columns: string[];
  dtypes: Record<string, string>;
  dropped_extra_columns: { dataset: string; columns: string[] }[];
  /** Contributed cells that contradict their column's type in the base and benchmark (now missing). */
  invalid_values: InvalidValues[];
  /** Columns left out of the outputs on the caller's request (`omit`). */
  omitted_columns: string[];
  pii: {
    mode: PiiMode;
    key_source: 'provided' | 'ephemeral';
    key_note: string;
    columns: (PiiColumnDecision & { treatment: 'hashed' | 'redacted' | 'dropped' | 'omitted' })[];
    free_text_columns: string[];
    findings: PiiFinding[];
    findings_by_type: Record<string, number>;
    total_findings: number;
  };
  quality: {
    score: number;
    threshold: number | null;
    passed: boolean;
    breakdown: QualityBreakdown;
    weights: QualityBreakdown;
    factors: QualityFactors;
    validity_source: 'schema' | 'types' | 'schema+types' | 'none';
    outlier_share: number;
  };
  dedup: {
    strategy: DedupStrategy;
    keys: string[];
    keep: 'first' | 'last';
    within_contributed: number;
    /** Contributed rows already in the base (exact or normalized match, see `contamination`). */
    already_in_base: number;
    already_in_base_exact: number;
    already_in_base_normalized: number;
  };
  contamination: {
    /** Contributed rows that also appear in the benchmark (features compared, label ignored); always removed. */
    removed: number;
    /** Of `removed`: equal values on the compared columns, and equal only after normalization. */
    exact: number;
    normalized: number;
    match_rule: string;
    /** Columns compared (what the model reads), and the ones left out with the reason. */
    compared_columns: string[];
    ignored_columns: { column: string; reason: IgnoredReason }[];
    /** Base rows that also appear in the benchmark: reported, not removed (the base is not the contributor's). */
    base_rows_in_benchmark: number;
    /** Benchmark rows that also appear in the base (compared columns, exact). */
    benchmark_rows_in_base: number;
  };
  merge: {
    strategy: MergeStrategy;
    updated_base_rows: number;
    sampled: { max_rows: number; seed: number; rows_before: number; rows_after: number } | null;
  };
  rows: { base: number; contributed_input: number; contributed_kept: number; benchmark: number; merged: number; contributed_in_merged: number };
  contributor_row_share: number;
  warnings: string[];
  /** Why the benchmark cannot fully judge this contribution (only when allowed by `benchmarkChecks`). */
  benchmark_caveats: string[];
}

export interface IntegrationResult {
  base: Table;
  contributed: Table;
  merged: Table;
  benchmark: Table;
  piiColumns: string[];
  report: IntegrationReport;
  manifests: { base: DatasetManifest; contributed: DatasetManifest; merged: DatasetManifest; benchmark: DatasetManifest };
}

const loadedSpec = z.custom<LoadedDataset>((v) => typeof v === 'object' && v !== null && (v as LoadedDataset).table instanceof Table && typeof (v as LoadedDataset).path === 'string', { message: 'expected a LoadedDataset from loadDataset()' });

const inputSpec = z
  .object({
    base: loadedSpec,
    contributed: loadedSpec,
    benchmark: loadedSpec,
    target: z.string().min(1),
    pii: z.object({
      // As short a key is guessed, and with it every hashed value reversed (the CLI refuses it too).
      key: z.string().min(MIN_PII_KEY_LENGTH, `a PII key needs at least ${MIN_PII_KEY_LENGTH} characters`).optional(),
      mode: z.enum(['hash', 'redact', 'drop', 'fail']),
      custom: z.array(z.object({ type: z.string().min(1), pattern: z.union([z.string().min(1), z.instanceof(RegExp)]), columnNames: z.array(z.string()).optional() })).optional(),
    }),
    quality: z.object({ threshold: z.number().min(0).max(1) }).optional(),
    dedup: z.object({ strategy: z.enum(['exact', 'key', 'normalized']), keys: z.array(z.string().min(1)).min(1).optional(), keep: z.enum(['first', 'last']).optional() }).optional(),
    merge: z.enum(['append', 'replace', 'update']).optional(),
    maxRows: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
    omit: z.object({ columns: z.array(z.string()).optional(), pii: z.boolean().optional() }).strict().optional(),
    notFeatures: z.array(z.string()).optional(),
    benchmarkChecks: z.object({ allowInBase: z.boolean().optional(), allowSingleClass: z.boolean().optional() }).strict().optional(),
  })
  .strict();

interface Part {
  label: 'base' | 'contributed' | 'benchmark';
  file: string;
  ct: ColumnTable;
}

function typeOrNull(col: Column): ColumnType | 'null' {
  return allNull(col) ? 'null' : col.type;
}

/** Puts the three tables on the base's column set and one type per column. */
/** Contributed cells that could not be read as their column's type (base and benchmark): nulls now. */
export interface InvalidValues {
  column: string;
  count: number;
  /** 1-based data rows of the first five (never the values: the column may hold personal data). */
  rows: number[];
}

function unify(parts: Part[], target: string): { parts: Part[]; dropped: { dataset: string; columns: string[] }[]; invalid: InvalidValues[]; invalidRows: Uint8Array | null } {
  const base = parts[0] as Part;
  const names = base.ct.names;
  if (!names.includes(target)) {
    throw dataError('HOKUSAI_TARGET_MISSING', `target column '${target}' is not in the file; its columns are ${names.map((n) => `'${n}'`).join(', ')}`, 'Set the target to one of these columns or add it to the file', { file: base.file, column: target });
  }
  const dropped: { dataset: string; columns: string[] }[] = [];
  const aligned = parts.map((p) => {
    const missing = names.filter((n) => !p.ct.names.includes(n));
    if (missing.includes(target)) {
      throw dataError('HOKUSAI_TARGET_MISSING', `target column '${target}' is not in the file; its columns are ${p.ct.names.map((n) => `'${n}'`).join(', ')}`, 'Add the target column to this file', { file: p.file, column: target });
    }
    if (missing.length > 0) {
      throw dataError('HOKUSAI_SCHEMA_MISMATCH', `column(s) ${missing.map((m) => `'${m}'`).join(', ')} of the base data are missing; this file has ${p.ct.names.map((m) => `'${m}'`).join(', ')}`, 'Provide the same columns as the base data', { file: p.file, column: missing[0] });
    }
    const extra = p.ct.names.filter((n) => !names.includes(n));
    if (extra.length > 0) dropped.push({ dataset: p.label, columns: extra });
    const columns = names.map((n) => p.ct.columns[p.ct.names.indexOf(n)] as Column);
    return { ...p, ct: { names: [...names], columns, rowCount: p.ct.rowCount } };
  });
  // Types come from the base and the benchmark: the contributor must not change the baseline's
  // recipe (a float in an int column of the base is read as an int when it is one, else invalid).
  const [baseA, contribA, benchA] = aligned as [Part, Part, Part];
  const types = names.map((_, k) => {
    const ref = unifyTypes(typeOrNull(baseA.ct.columns[k] as Column), typeOrNull(benchA.ct.columns[k] as Column));
    const own = typeOrNull(contribA.ct.columns[k] as Column);
    if (ref === 'null') return own === 'null' ? 'string' : own;
    return ref;
  });
  const invalid: InvalidValues[] = [];
  let invalidRows: Uint8Array | null = null;
  const out = aligned.map((p) => ({
    ...p,
    ct: {
      ...p.ct,
      columns: p.ct.columns.map((col, k) => {
        const t = types[k] as ColumnType;
        if (typeOrNull(col) === 'null') return col.type === t ? col : makeNullColumn(t, p.ct.rowCount);
        if (p.label !== 'contributed') return castColumn(col, t);
        const c = conformColumn(col, t, p.ct.rowCount);
        if (c.invalid !== null) {
          const rows: number[] = [];
          for (let i = 0; i < c.invalid.length && rows.length < 5; i++) if (c.invalid[i] === 1) rows.push(i + 1);
          if (names[k] === target) {
            throw dataError('HOKUSAI_TYPE_MISMATCH', `the target holds a value that is not ${describeType(t)} as in the base data (${c.count} such rows)`, 'Use the same label values as the base data', { file: p.file, row: rows[0], column: target });
          }
          invalid.push({ column: names[k] as string, count: c.count, rows });
          invalidRows ??= new Uint8Array(p.ct.rowCount);
          for (let i = 0; i < c.invalid.length; i++) if (c.invalid[i] === 1) invalidRows[i] = 1;
        }
        return c.col;
      }),
    },
  }));
  const tk = names.indexOf(target);
  for (const p of out) {
    const col = p.ct.columns[tk] as Column;
    for (let i = 0; i < p.ct.rowCount; i++) {
      if (cellValue(col, i) === null) throw dataError('HOKUSAI_TARGET_NULL', 'the target is empty', 'Every row needs a label; remove unlabelled rows or fill them', { file: p.file, row: i + 1, column: target });
    }
  }
  return { parts: out, dropped, invalid, invalidRows };
}

/**
 * A benchmark inside the base scores the models on rows the baseline trained on, and a
 * single-class one cannot tell a better model from one that always says that class: both are
 * refused unless allowed, and then returned as caveats for the verdict.
 */
function checkBenchmark(bench: Part, tk: number, rowsInBase: number, allow: { allowInBase?: boolean; allowSingleClass?: boolean }): string[] {
  const caveats: string[] = [];
  const n = bench.ct.rowCount;
  if (n > 0 && rowsInBase === n) {
    const what = `all ${n} benchmark rows are also in the base data (compared on the columns the model reads)`;
    if (allow.allowInBase !== true) throw dataError('HOKUSAI_BENCHMARK_IN_BASE', `${what}: the baseline was trained on the rows it is scored on`, 'Use a benchmark held out from the base data, or set benchmarkChecks.allowInBase to accept this knowingly', { file: bench.file });
    caveats.push(`every benchmark row is also in the base data (allowed by benchmarkChecks.allowInBase): the baseline is scored on rows it trained on`);
  }
  const col = bench.ct.columns[tk] as Column;
  const classes = new Set<string>();
  for (let i = 0; i < n && classes.size < 2; i++) classes.add(String(cellValue(col, i)));
  if (n > 0 && classes.size === 1) {
    if (allow.allowSingleClass !== true) throw dataError('HOKUSAI_BENCHMARK_SINGLE_CLASS', `every benchmark label is one class (${n} rows): accuracy rewards a model that always predicts it, and AUROC is undefined`, 'Use a benchmark with both classes, or set benchmarkChecks.allowSingleClass to accept this knowingly', { file: bench.file, column: bench.ct.names[tk] });
    caveats.push(`the benchmark labels are one class (allowed by benchmarkChecks.allowSingleClass): a model that always predicts it scores best`);
  }
  return caveats;
}

function dtypeOf(ct: ColumnTable, name: string): string {
  return (ct.columns[ct.names.indexOf(name)] as Column).type;
}

export function describeType(t: ColumnType): string {
  return t === 'int' ? 'an integer' : t === 'float' ? 'a number' : t === 'bool' ? 'true or false' : t === 'timestamp' ? 'a date' : 'text';
}

function allIdxOf(names: readonly string[]): number[] {
  return names.map((_, k) => k);
}

function pick(cols: readonly Column[], idx: readonly number[]): Column[] {
  return idx.map((k) => cols[k] as Column);
}

function project(ct: ColumnTable, keep: readonly number[]): ColumnTable {
  return { names: keep.map((k) => ct.names[k] as string), columns: pick(ct.columns, keep), rowCount: ct.rowCount };
}

function concatTables(a: ColumnTable, b: ColumnTable): ColumnTable {
  return { names: a.names, columns: a.columns.map((c, k) => concatColumns(c, b.columns[k] as Column)), rowCount: a.rowCount + b.rowCount };
}

function takeTable(ct: ColumnTable, idx: ArrayLike<number>): ColumnTable {
  return { names: ct.names, columns: ct.columns.map((c) => takeRows(c, idx)), rowCount: idx.length };
}

/**
 * Manifest of an output table. Its file_sha256 is the SHA-256 of the file it came from (for the
 * merged table, SHA-256 of "<base file sha>\n<contributed file sha>"), tying it to its inputs;
 * its content_hash covers the treated rows themselves.
 */
function derivedManifest(ct: ColumnTable, source: string, format: DatasetManifest['format'], fileSha: string): DatasetManifest {
  return buildManifest(ct, { source_path: source, format, file_sha256: fileSha });
}

/** The options after defaults, checked against each other. */
interface Options {
  target: string;
  strategy: DedupStrategy;
  keep: 'first' | 'last';
  mergeStrategy: MergeStrategy;
  keys: string[];
}

function readOptions(input: IntegrationInput): Options {
  const parsed = inputSpec.safeParse(input);
  if (!parsed.success) {
    throw dataError('HOKUSAI_INVALID_OPTIONS', `invalid integration options (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`, 'Check the options passed to integrateContribution');
  }
  const strategy = input.dedup?.strategy ?? 'exact';
  const mergeStrategy = input.merge ?? 'append';
  const keys = input.dedup?.keys ?? [];
  if (strategy === 'key' && keys.length === 0) throw dataError('HOKUSAI_INVALID_OPTIONS', "dedup strategy 'key' needs dedup.keys", 'List the key columns in dedup.keys');
  if (mergeStrategy === 'update' && keys.length === 0) throw dataError('HOKUSAI_INVALID_OPTIONS', "merge strategy 'update' needs dedup.keys", 'List the key columns in dedup.keys');
  return { target: input.target, strategy, keep: input.dedup?.keep ?? 'first', mergeStrategy, keys };
}

/** The three inputs on one column set and one type per column, with matching label sets. */
function alignInputs(input: IntegrationInput, opts: Options): ReturnType<typeof unify> & { names: string[]; tk: number } {
  const unified = unify(
    [
      { label: 'base', file: input.base.path, ct: fromArrowTable(input.base.table, input.base.path) },
      { label: 'contributed', file: input.contributed.path, ct: fromArrowTable(input.contributed.table, input.contributed.path) },
      { label: 'benchmark', file: input.benchmark.path, ct: fromArrowTable(input.benchmark.table, input.benchmark.path) },
    ],
    opts.target,
  );
  checkLabelSets(unified.parts, opts.target);
  const names = (unified.parts[0] as Part).ct.names;
  for (const k of opts.keys) {
    if (!names.includes(k)) throw dataError('HOKUSAI_INVALID_OPTIONS', `key column '${k}' is not in the data; columns are ${names.join(', ')}`, 'Fix dedup.keys', { column: k });
  }
  return { ...unified, names, tk: names.indexOf(opts.target) };
}

/** Which columns hold PII and which the outputs leave out. */
export interface PiiDecision {
  scan: PiiScanResult;
  findingsByType: Record<string, number>;
  totalFindings: number;
  piiColumns: string[];
  omitted: Set<string>;
  /** Indices of the columns the outputs keep. */
  outIdx: number[];
}

/**
 * PII is decided on the union of the three inputs so that every output treats the same columns.
 * Columns the caller omits never reach an output, so PII inside their free text needs no
 * treatment and they are not searched for it (whole-column PII is still found and reported).
 */
function decidePii(input: IntegrationInput, parts: readonly Part[], names: readonly string[], target: string): PiiDecision {
  const scan = scanPii(parts.map((p) => ({ label: p.label, ct: p.ct })), names, { exclude: [target], noSpans: input.omit?.columns ?? [], ...(input.pii.custom ? { custom: input.pii.custom } : {}) });
  return piiDecisionOf(scan, input, names, target, (dataset) => parts.find((p) => p.label === dataset)?.file);
}

/**
 * What a PII scan decides, in memory and over batches alike: findings tallied by type, a 'fail'
 * mode refused with the first finding's file and column, the columns omitted from the outputs
 * (never the target) and the indices of those kept.
 */
export function piiDecisionOf(scan: PiiScanResult, input: Pick<IntegrationInput, 'pii' | 'omit'>, names: readonly string[], target: string, fileOf: (dataset: string) => string | undefined): PiiDecision {
  const findingsByType: Record<string, number> = {};
  let totalFindings = 0;
  for (const f of scan.findings) {
    findingsByType[f.type] = (findingsByType[f.type] ?? 0) + f.count;
    totalFindings += f.count;
  }
  if (input.pii.mode === 'fail' && totalFindings > 0) {
    const first = scan.findings[0] as PiiFinding;
    const summary = scan.findings.map((f) => `${f.dataset}.${f.column}: ${f.count} ${f.type}`).join('; ');
    throw dataError('HOKUSAI_PII_FOUND', `personal data found (${summary})`, "Remove the columns, or set pii.mode to 'hash', 'redact' or 'drop'", { file: fileOf(first.dataset), column: first.column, context: { findings: scan.findings } });
  }
  const piiColumns = scan.columns.map((c) => c.column);
  const omitted = new Set([...(input.omit?.columns ?? []), ...(input.omit?.pii === true ? piiColumns : [])]);
  if (omitted.has(target)) throw dataError('HOKUSAI_INVALID_OPTIONS', `the target '${target}' cannot be omitted from the outputs`, 'Remove the target from omit.columns', { column: target });
  const outIdx = allIdxOf(names).filter((k) => !omitted.has(names[k] as string));
  return { scan, findingsByType, totalFindings, piiColumns, omitted, outIdx };
}

/** What the contributed rows share with each other, the benchmark and the base (per-row flags). */
interface Overlaps {
  seen: ReturnType<typeof comparedColumns>;
  featureIdx: number[];
  featureNames: string[];
  /** 1 where a contributed row is an exact copy of an earlier (or later, keep 'last') one. */
  exactDup: Uint8Array;
  /** Duplicates under the chosen dedup strategy. */
  dup: Uint8Array;
  /** 1 exact, 2 normalized: the row is (a copy of) a benchmark row. */
  contaminated: Uint8Array;
  contaminationRule: string;
  /** 1 exact, 2 normalized: the row is already in the base. */
  inBase: Uint8Array;
  baseRowsInBench: number;
  benchRowsInBase: number;
}

function countOnes(flags: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < flags.length; i++) n += flags[i] as number;
  return n;
}

type AlignedParts = { base: Part; contrib: Part; bench: Part; names: string[]; tk: number };

/** matchRows' arguments for the contributed rows against the benchmark's, so the check can run on another thread. */
interface MatchArgs {
  a: Column[];
  na: number;
  b: Column[];
  nb: number;
  hashes: { a: RowHashes; b: RowHashes };
}

/** What the overlap checks share: the columns compared, the contributed rows' fingerprints, the duplicates. */
interface OverlapPlan {
  seen: ReturnType<typeof comparedColumns>;
  featureIdx: number[];
  featureNames: string[];
  exactDup: Uint8Array;
  dup: Uint8Array;
  keyIdx: number[];
  contribLabelState: RowHashState;
  contribAll: RowHashes;
  /** The contamination check's rows and fingerprints: the contributed and benchmark rows over the features. */
  contamination: MatchArgs;
}

/**
 * Duplicates and overlaps are found on the raw values (in memory only), before PII treatment,
 * so that redaction cannot make different rows look equal. Copies are matched on what the model
 * reads: an id, a PII value or a timestamp of the contributor's own cannot hide a benchmark row.
 */
function planOverlaps(input: IntegrationInput, opts: Options, aligned: AlignedParts, pii: PiiDecision): OverlapPlan {
  const { base, contrib, bench, names, tk } = aligned;
  const { strategy, keep, keys } = opts;
  const nc = contrib.ct.rowCount;
  const allIdx = allIdxOf(names);
  const seen = comparedColumns(base.ct, bench.ct, { target: opts.target, omitted: pii.omitted, excluded: new Set(input.notFeatures ?? []), pii: new Set(pii.piiColumns) });
  const featureIdx = seen.compared.length > 0 ? seen.compared : allIdx.filter((k) => k !== tk);
  const featureNames = featureIdx.map((k) => names[k] as string);
  // Fingerprints of the same rows over the same columns serve several checks. The contributed
  // rows are hashed over the features once, then extended by the label, then by the other
  // columns: the fingerprints of whole rows come in that column order (duplicates are confirmed
  // on the values, so any fixed order serves), except for an update merge, whose whole-row
  // matching against the base needs the table's own order on both sides.
  const contribFeatures = pick(contrib.ct.columns, featureIdx);
  const contribFeatureState = addColumnsToHashes(startRowHashes(nc), contribFeatures, nc);
  const contribLabelState = addColumnsToHashes(copyRowHashState(contribFeatureState), pick(contrib.ct.columns, [tk]), nc);
  const others = allIdx.filter((k) => k !== tk && !featureIdx.includes(k));
  const contribAll = opts.mergeStrategy === 'update' ? hashRows(contrib.ct.columns, nc, 'exact') : finishedRowHashes(addColumnsToHashes(copyRowHashState(contribLabelState), pick(contrib.ct.columns, others), nc));
  const exactDup = findDuplicates(contrib.ct.columns, nc, 'exact', keep, contribAll);
  const mode: RowKeyMode = strategy === 'normalized' ? 'normalized' : 'exact';
  const keyIdx = strategy === 'key' ? keys.map((k) => names.indexOf(k)) : allIdx;
  const dup = strategy === 'exact' ? exactDup : findDuplicates(pick(contrib.ct.columns, keyIdx), nc, mode, keep);
  const benchFeatures = pick(bench.ct.columns, featureIdx);
  const benchFeatureHashes = hashRows(benchFeatures, bench.ct.rowCount, 'exact');
  const contamination = { a: contribFeatures, na: nc, b: benchFeatures, nb: bench.ct.rowCount, hashes: { a: finishedRowHashes(contribFeatureState), b: benchFeatureHashes } };
  return { seen, featureIdx, featureNames, exactDup, dup, keyIdx, contribLabelState, contribAll, contamination };
}

/** The checks against the base: its rows in the benchmark (both ways), and contributed rows already in it. */
function baseOverlaps(opts: Options, aligned: AlignedParts, plan: OverlapPlan): Pick<Overlaps, 'inBase' | 'baseRowsInBench' | 'benchRowsInBase'> {
  const { base, contrib, bench, tk } = aligned;
  const { featureIdx, keyIdx } = plan;
  const nc = contrib.ct.rowCount;
  const baseFeatures = pick(base.ct.columns, featureIdx);
  // Base rows too are hashed over the features once; the check with the label extends them.
  const baseFeatureState = addColumnsToHashes(startRowHashes(base.ct.rowCount), baseFeatures, base.ct.rowCount);
  const baseFeatureHashes = finishedRowHashes(baseFeatureState);
  const both = countMatchesBothWays(baseFeatures, base.ct.rowCount, plan.contamination.b, bench.ct.rowCount, { a: baseFeatureHashes, b: plan.contamination.hashes.b });
  // Rows already in the base: the same matching, with the label compared too (a copy with
  // another label is a disagreement, not a duplicate).
  const withLabel = [...featureIdx, tk];
  const inBase =
    opts.mergeStrategy === 'update'
      ? findMatches(contrib.ct.columns, nc, base.ct.columns, base.ct.rowCount, 'exact', { a: plan.contribAll })
      : opts.strategy === 'key'
        ? findMatches(pick(contrib.ct.columns, keyIdx), nc, pick(base.ct.columns, keyIdx), base.ct.rowCount, 'exact')
        : matchRows(pick(contrib.ct.columns, withLabel), nc, pick(base.ct.columns, withLabel), base.ct.rowCount, {
            a: finishedRowHashes(plan.contribLabelState),
            b: finishedRowHashes(addColumnsToHashes(baseFeatureState, pick(base.ct.columns, [tk]), base.ct.rowCount)),
          }).hit;
  return { inBase, baseRowsInBench: both.aInB, benchRowsInBase: both.bInA };
}

/** The overlaps, from the plan, the checks against the base and the contamination check's hits (by key too, when keys are given). */
function joinOverlaps(opts: Options, aligned: AlignedParts, plan: OverlapPlan, againstBase: Pick<Overlaps, 'inBase' | 'baseRowsInBench' | 'benchRowsInBase'>, contaminated: Uint8Array): Overlaps {
  const { contrib, bench, names } = aligned;
  const { keys } = opts;
  const nc = contrib.ct.rowCount;
  let contaminationRule = `exact or normalized match on the columns the model reads (${plan.featureNames.join(', ')}); label ignored`;
  if (keys.length > 0) {
    const byKey = findMatches(pick(contrib.ct.columns, keys.map((k) => names.indexOf(k))), nc, pick(bench.ct.columns, keys.map((k) => names.indexOf(k))), bench.ct.rowCount, 'exact');
    for (let i = 0; i < nc; i++) if (byKey[i] === 1 && contaminated[i] === 0) contaminated[i] = 1;
    contaminationRule += `, or same key (${keys.join(', ')})`;
  }
  const { seen, featureIdx, featureNames, exactDup, dup } = plan;
  return { seen, featureIdx, featureNames, exactDup, dup, contaminated, contaminationRule, ...againstBase };
}

function findOverlaps(input: IntegrationInput, opts: Options, aligned: AlignedParts, pii: PiiDecision): Overlaps {
  const plan = planOverlaps(input, opts, aligned, pii);
  const c = plan.contamination;
  const contaminated = matchRows(c.a, c.na, c.b, c.nb, c.hashes).hit;
  return joinOverlaps(opts, aligned, plan, baseOverlaps(opts, aligned, plan), contaminated);
}

/**
 * Contributed and benchmark rows from which the contamination check goes to a worker thread
 * while this one checks the base (0.3 s saved at 1.1M rows, 0.8 s at 2.5M). Below it the check
 * is short (0.27 s at 500k rows): the thread's start and its copies then cost more than they
 * save, above all while the baseline still trains on the other core (measured at 500k rows:
 * 0.1 s slower and 50-90 MB more memory).
 */
const MATCH_THREAD_MIN_ROWS = 1_000_000;

/** findOverlaps with the contamination check on a worker thread beside the checks against the base (same result). */
async function findOverlapsOnThreads(input: IntegrationInput, opts: Options, aligned: AlignedParts, pii: PiiDecision, minRows: number): Promise<Overlaps> {
  const plan = planOverlaps(input, opts, aligned, pii);
  const c = plan.contamination;
  const pending = c.na + c.nb >= minRows ? matchRowsInWorker(c.a, c.na, c.b, c.nb, c.hashes) : null;
  const againstBase = baseOverlaps(opts, aligned, plan);
  const contaminated = (pending === null ? matchRows(c.a, c.na, c.b, c.nb, c.hashes) : await pending).hit;
  return joinOverlaps(opts, aligned, plan, againstBase, contaminated);
}

/** Each contributed row is removed for the first reason that applies, in this order, or kept. */
interface RowSorting {
  keptIdx: number[];
  removedContam: number;
  contamNormalized: number;
  removedDup: number;
  removedBase: number;
  baseNormalized: number;
}

function sortContributedRows(nc: number, o: Overlaps): RowSorting {
  const s: RowSorting = { keptIdx: [], removedContam: 0, contamNormalized: 0, removedDup: 0, removedBase: 0, baseNormalized: 0 };
  for (let i = 0; i < nc; i++) {
    if (o.contaminated[i] !== 0) {
      s.removedContam++;
      if (o.contaminated[i] === 2) s.contamNormalized++;
    } else if (o.dup[i] === 1) s.removedDup++;
    else if (o.inBase[i] !== 0) {
      s.removedBase++;
      if (o.inBase[i] === 2) s.baseNormalized++;
    } else s.keptIdx.push(i);
  }
  return s;
}

function labelCounts(p: Part, tk: number): Map<string, number> {
  return new Map([...tallyLabels(p.ct.columns[tk] as Column, p.ct.rowCount, true)].map(([label, t]) => [label, t.count]));
}

/** Quality of what the contributor handed in, judged against the base data; below the threshold it is refused. */
function gateQuality(input: IntegrationInput, aligned: { base: Part; contrib: Part; tk: number; invalid: InvalidValues[]; invalidRows: Uint8Array | null }, overlaps: Overlaps, warnings: string[]): QualityScore {
  const { base, contrib, tk, invalid, invalidRows } = aligned;
  const nc = contrib.ct.rowCount;
  const invalidRowCount = invalidRows === null ? 0 : countOnes(invalidRows.subarray(0, nc));
  for (const v of invalid) {
    warnings.push(`contributed column '${v.column}': ${v.count} value(s) cannot be read as ${v.count === 1 ? 'the' : 'its'} type in the base data (${dtypeOf(base.ct, v.column)}), first rows ${v.rows.join(', ')}; they are treated as missing and lower the quality score`);
  }
  const q = scoreQuality({
    contributed: contrib.ct,
    reference: base.ct,
    duplicateRows: countOnes(overlaps.exactDup.subarray(0, nc)),
    validityPassRate: input.contributed.validation?.pass_rate,
    invalidRowShare: nc === 0 ? 0 : invalidRowCount / nc,
    target: input.target,
    labels: { reference: labelCounts(base, tk), contributed: labelCounts(contrib, tk) },
    features: overlaps.featureNames,
  });
  const threshold = input.quality?.threshold;
  if (threshold !== undefined && q.score < threshold) {
    const weakest = Object.entries(q.breakdown)
      .sort((a, b) => a[1] - b[1])
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(', ');
    throw dataError('HOKUSAI_QUALITY_BELOW_THRESHOLD', `quality score ${q.score.toFixed(3)} is below the threshold ${threshold} (weakest first: ${weakest})`, 'Improve the weakest parts of the contribution, or lower quality.threshold', { file: contrib.file, context: { score: q.score, breakdown: q.breakdown } });
  }
  return q;
}

/** The three output tables with PII treated one way, on the columns the outputs keep. */
interface TreatedTables {
  key: PiiKey;
  piiMode: Exclude<PiiMode, 'fail'>;
  /** The scan restricted to the columns that reach an output. */
  treatScan: PiiScanResult;
  baseT: ColumnTable;
  baseArrow: Table;
  contribT: ColumnTable;
  benchT: ColumnTable;
}

/** The key, mode and scan of PII treatment, and the treated base table with its Arrow form. */
interface TreatedBase {
  key: PiiKey;
  piiMode: Exclude<PiiMode, 'fail'>;
  /** The scan restricted to the columns that reach an output. */
  treatScan: PiiScanResult;
  treat: (ct: ColumnTable) => ColumnTable;
  baseT: ColumnTable;
  baseArrow: Table;
}

/** The base table depends only on the PII decision, so it is treated (and handed on) first. */
function treatBase(input: IntegrationInput, base: Part, pii: PiiDecision): TreatedBase {
  const key = input.pii.key !== undefined ? PiiKey.fromSecret(input.pii.key) : PiiKey.ephemeral();
  const piiMode = input.pii.mode === 'fail' ? 'hash' : input.pii.mode;
  const { scan, omitted } = pii;
  // Omitted columns go first, so no work (HMAC above all) is spent on values nobody reads.
  const treatScan = { ...scan, columns: scan.columns.filter((c) => !omitted.has(c.column)), spanColumns: scan.spanColumns.filter((c) => !omitted.has(c)) };
  const treat = (ct: ColumnTable): ColumnTable => (treatScan.columns.length === 0 && treatScan.spanColumns.length === 0 ? ct : treatPii(ct, treatScan, piiMode, key));
  const baseT = treat(project(base.ct, pii.outIdx));
  // Columns that came through untouched share the loaded table's Arrow buffers.
  return { key, piiMode, treatScan, treat, baseT, baseArrow: toArrowTable(baseT) };
}

function treatOutputs(early: TreatedBase, aligned: { contrib: Part; bench: Part }, pii: PiiDecision, keptIdx: readonly number[]): TreatedTables {
  const { key, piiMode, treatScan, treat, baseT, baseArrow } = early;
  return {
    key,
    piiMode,
    treatScan,
    baseT,
    baseArrow,
    contribT: treat(takeTable(project(aligned.contrib.ct, pii.outIdx), keptIdx)),
    benchT: treat(project(aligned.bench.ct, pii.outIdx)),
  };
}

/**
 * The merged table as indices into the base (0..nb) followed by the kept contributed rows (nb..):
 * appended, replacing the base, or updating base rows with the same key.
 */
function mergeIndices(opts: Options, aligned: { base: Part; contrib: Part; names: string[] }, nb: number, keptIdx: readonly number[]): { mergedIdx: ArrayLike<number>; updated: number } {
  // Appended, the merged rows are the base's and then the kept ones, in order: indices 0, 1, ...
  // (a typed array: a JS array of millions of numbers spread together cost 0.3 s at 5M rows).
  const upTo = (start: number, end: number): Int32Array => {
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = start + i;
    return idx;
  };
  if (opts.mergeStrategy === 'replace') return { mergedIdx: upTo(nb, nb + keptIdx.length), updated: 0 };
  if (opts.mergeStrategy === 'append') return { mergedIdx: upTo(0, nb + keptIdx.length), updated: 0 };
  const { base, contrib, names } = aligned;
  const kIdx = opts.keys.map((k) => names.indexOf(k));
  const rowKey = (ct: ColumnTable, i: number): string => JSON.stringify(kIdx.map((k) => cellValue(ct.columns[k] as Column, i)));
  const where = new Map<string, number>();
  for (let i = 0; i < base.ct.rowCount; i++) if (!where.has(rowKey(base.ct, i))) where.set(rowKey(base.ct, i), i);
  const mergedIdx = Array.from({ length: nb }, (_, i) => i);
  const seen = new Set<number>();
  let updated = 0;
  keptIdx.forEach((orig, j) => {
    const at = where.get(rowKey(contrib.ct, orig));
    if (at === undefined) mergedIdx.push(nb + j);
    else {
      mergedIdx[at] = nb + j;
      if (!seen.has(at)) updated++;
      seen.add(at);
    }
  });
  return { mergedIdx, updated };
}

/** A seeded sample, stratified on the target, when the merged rows exceed `maxRows`. */
function sampleMerged(input: IntegrationInput, t: TreatedTables, mergedIdx: ArrayLike<number>): { mergedIdx: ArrayLike<number>; sampled: IntegrationReport['merge']['sampled'] } {
  const seed = input.seed ?? 0;
  if (input.maxRows === undefined || mergedIdx.length <= input.maxRows) return { mergedIdx, sampled: null };
  // The outputs may have fewer columns than the inputs (omit): find the target by name.
  const tkOut = t.baseT.names.indexOf(input.target);
  const targetCol = takeRows(concatColumns(t.baseT.columns[tkOut] as Column, t.contribT.columns[tkOut] as Column), mergedIdx);
  const pickIdx = stratifiedSample(targetCol, mergedIdx.length, input.maxRows, seed);
  const picked = Array.from(pickIdx, (p) => mergedIdx[p] as number);
  return { mergedIdx: picked, sampled: { max_rows: input.maxRows, seed, rows_before: mergedIdx.length, rows_after: picked.length } };
}

function isIdentity(idx: ArrayLike<number>): boolean {
  for (let i = 0; i < idx.length; i++) if (idx[i] !== i) return false;
  return true;
}

/** The four Arrow tables and their lazily built manifests. */
function outputTables(input: IntegrationInput, t: TreatedTables, mergedIdx: ArrayLike<number>): Pick<IntegrationResult, 'base' | 'contributed' | 'merged' | 'benchmark' | 'manifests'> {
  const { baseT, baseArrow, contribT, benchT } = t;
  // Append without sampling keeps every row in order: the merged table is the two tables'
  // record batches, and its in-memory columns are only built if a manifest asks for them.
  const identity = mergedIdx.length === baseT.rowCount + contribT.rowCount && isIdentity(mergedIdx);
  const mergedEager = identity ? undefined : takeTable(concatTables(baseT, contribT), mergedIdx);
  // Columns that came through untouched share the loaded tables' Arrow buffers.
  const contribArrow = toArrowTable(contribT);
  const tables = {
    base: baseArrow,
    contributed: contribArrow,
    // Same schema, so the merged table can share the two tables' record batches.
    merged: mergedEager === undefined ? new Table([...baseArrow.batches, ...contribArrow.batches]) : toArrowTable(mergedEager),
    benchmark: toArrowTable(benchT),
  };
  rememberColumns(tables.base, baseT);
  rememberColumns(tables.contributed, contribT);
  if (mergedEager !== undefined) rememberColumns(tables.merged, mergedEager);
  rememberColumns(tables.benchmark, benchT);
  const src = { base: sourceOf(input.base), contributed: sourceOf(input.contributed), benchmark: sourceOf(input.benchmark) };
  const mergedSha = createHash('sha256').update(`${src.base.file_sha256}\n${src.contributed.file_sha256}`).digest('hex');
  // Manifests of the outputs cost about as much as loading them (distinct counts, content hash):
  // each is built on first read only, so callers that do not need them do not pay.
  const manifests = lazyRecord({
    base: () => derivedManifest(baseT, input.base.path, src.base.format, src.base.file_sha256),
    contributed: () => derivedManifest(contribT, input.contributed.path, src.contributed.format, src.contributed.file_sha256),
    merged: () => derivedManifest(mergedEager ?? fromArrowTable(tables.merged, 'merged'), `merged(${input.base.path}, ${input.contributed.path})`, src.base.format, mergedSha),
    benchmark: () => derivedManifest(benchT, input.benchmark.path, src.benchmark.format, src.benchmark.file_sha256),
  });
  return { ...tables, manifests };
}

/** Everything the report is built from, gathered by the phases above. */
interface ReportParts {
  input: IntegrationInput;
  opts: Options;
  aligned: { names: string[]; dropped: { dataset: string; columns: string[] }[]; invalid: InvalidValues[] };
  pii: PiiDecision;
  overlaps: Overlaps;
  sorting: RowSorting;
  quality: QualityScore;
  treated: TreatedTables;
  merge: { updated: number; sampled: IntegrationReport['merge']['sampled']; mergedIdx: ArrayLike<number> };
  rows: { base: number; contributedInput: number; merged: number };
  warnings: string[];
  caveats: string[];
}

function buildReport(r: ReportParts): IntegrationReport {
  const { input, opts, pii, overlaps, sorting, treated } = r;
  const { baseT, key, treatScan } = treated;
  const q = r.quality;
  const threshold = input.quality?.threshold;
  const nb = r.rows.base;
  let fromContrib = 0;
  const mergedIdx = r.merge.mergedIdx;
  for (let k = 0; k < mergedIdx.length; k++) if ((mergedIdx[k] as number) >= nb) fromContrib++;
  const dtypes: Record<string, string> = {};
  baseT.names.forEach((n, k) => (dtypes[n] = (baseT.columns[k] as Column).type));
  const mergedRows = r.rows.merged;
  return {
    version: 1,
    target: opts.target,
    columns: [...baseT.names],
    dtypes,
    dropped_extra_columns: r.aligned.dropped,
    invalid_values: r.aligned.invalid,
    omitted_columns: r.aligned.names.filter((n) => pii.omitted.has(n)),
    pii: piiReportSection({ mode: input.pii.mode, key, scan: pii.scan, treated: treatScan, omitted: pii.omitted, findingsByType: pii.findingsByType, totalFindings: pii.totalFindings }),
    quality: qualityReportSection(q, threshold),
    dedup: { strategy: opts.strategy, keys: opts.keys, keep: opts.keep, within_contributed: sorting.removedDup, already_in_base: sorting.removedBase, already_in_base_exact: sorting.removedBase - sorting.baseNormalized, already_in_base_normalized: sorting.baseNormalized },
    contamination: { removed: sorting.removedContam, exact: sorting.removedContam - sorting.contamNormalized, normalized: sorting.contamNormalized, match_rule: overlaps.contaminationRule, compared_columns: overlaps.featureNames, ignored_columns: overlaps.seen.ignored, base_rows_in_benchmark: overlaps.baseRowsInBench, benchmark_rows_in_base: overlaps.benchRowsInBase },
    merge: { strategy: opts.mergeStrategy, updated_base_rows: r.merge.updated, sampled: r.merge.sampled },
    rows: { base: nb, contributed_input: r.rows.contributedInput, contributed_kept: sorting.keptIdx.length, benchmark: treated.benchT.rowCount, merged: mergedRows, contributed_in_merged: fromContrib },
    contributor_row_share: mergedRows === 0 ? 0 : fromContrib / mergedRows,
    warnings: r.warnings,
    benchmark_caveats: r.caveats,
  };
}

/** The phases before the overlap checks: options, aligned inputs, the PII decision, the treated base (handed on). */
interface IntegrationStart {
  input: IntegrationInput;
  opts: Options;
  warnings: string[];
  aligned: AlignedParts & ReturnType<typeof alignInputs>;
  pii: PiiDecision;
  early: TreatedBase;
}

function startIntegration(input: IntegrationInput, hooks: IntegrationHooks): IntegrationStart {
  const opts = readOptions(input);
  const unified = alignInputs(input, opts);
  const [base, contrib, bench] = unified.parts as [Part, Part, Part];
  const aligned = { ...unified, base, contrib, bench };
  const pii = decidePii(input, unified.parts, unified.names, opts.target);
  const early = treatBase(input, base, pii);
  hooks.onBase?.(early.baseArrow, pii.piiColumns);
  return { input, opts, warnings: [], aligned, pii, early };
}

/** The phases after the overlap checks: quality gate, treated outputs, merge, report. */
function finishIntegration(s: IntegrationStart, overlaps: Overlaps): IntegrationResult {
  const { input, opts, warnings, aligned, pii, early } = s;
  const { contrib, bench } = aligned;
  const caveats = checkBenchmark(bench, aligned.tk, overlaps.benchRowsInBase, input.benchmarkChecks ?? {});
  if (overlaps.baseRowsInBench > 0) warnings.push(`${overlaps.baseRowsInBench} base rows also appear in the benchmark; they are kept (the base is not the contributor's) but inflate both models' scores`);
  const sorting = sortContributedRows(contrib.ct.rowCount, overlaps);
  const quality = gateQuality(input, aligned, overlaps, warnings);

  const treated = treatOutputs(early, aligned, pii, sorting.keptIdx);
  const nb = treated.baseT.rowCount;
  const merged = mergeIndices(opts, aligned, nb, sorting.keptIdx);
  const { mergedIdx, sampled } = sampleMerged(input, treated, merged.mergedIdx);
  if (sorting.keptIdx.length === 0) warnings.push('no contributed rows are left after deduplication and contamination removal');
  const tables = outputTables(input, treated, mergedIdx);

  const report = buildReport({
    input,
    opts,
    aligned,
    pii,
    overlaps,
    sorting,
    quality,
    treated,
    merge: { updated: merged.updated, sampled, mergedIdx },
    rows: { base: nb, contributedInput: contrib.ct.rowCount, merged: tables.merged.numRows },
    warnings,
    caveats,
  });
  return { ...tables, piiColumns: pii.piiColumns, report };
}

/**
 * Cleans a contribution and merges it with the base data: PII treated the same way in every
 * output, quality scored (and optionally gated), duplicates dropped, benchmark rows always
 * removed, then merged and optionally sampled. All four output tables share one schema.
 */
export function integrateContribution(input: IntegrationInput, hooks: IntegrationHooks = {}): IntegrationResult {
  const s = startIntegration(input, hooks);
  return finishIntegration(s, findOverlaps(input, s.opts, s.aligned, s.pii));
}

/**
 * `integrateContribution` with the check of the contribution against the benchmark on a worker
 * thread while this thread checks it against the base, when the contributed and benchmark rows
 * number at least `matchThreadMinRows` (default 1M): the same result, sooner on a machine with a
 * second core free then.
 */
export async function integrateContributionOnThreads(input: IntegrationInput, hooks: IntegrationHooks = {}, options: { matchThreadMinRows?: number } = {}): Promise<IntegrationResult> {
  const s = startIntegration(input, hooks);
  return finishIntegration(s, await findOverlapsOnThreads(input, s.opts, s.aligned, s.pii, options.matchThreadMinRows ?? MATCH_THREAD_MIN_ROWS));
}

/**
 * What an ephemeral key changes, and what it does not: only keyed hashes depend on it, so the
 * outputs are the same on every run unless they hold hashed values.
 */
/** The facts the report's PII section is written from, gathered alike in memory and over batches. */
export interface PiiReportFacts {
  mode: IntegrationInput['pii']['mode'];
  key: PiiKey;
  scan: PiiScanResult;
  /** The scan without the omitted columns: what was treated. */
  treated: { columns: PiiScanResult['columns']; spanColumns: string[] };
  omitted: ReadonlySet<string>;
  findingsByType: Record<string, number>;
  totalFindings: number;
}

/** The report's PII section (one writer for integrateContribution and integrateOverBatches). */
export function piiReportSection(f: PiiReportFacts): IntegrationReport['pii'] {
  const piiMode = f.mode === 'fail' ? 'hash' : f.mode;
  const treatment = piiMode === 'hash' ? 'hashed' : piiMode === 'redact' ? 'redacted' : 'dropped';
  return {
    mode: f.mode,
    key_source: f.key.ephemeral ? 'ephemeral' : 'provided',
    key_note: f.key.ephemeral ? ephemeralKeyNote(piiMode === 'hash' ? [...f.treated.columns.map((c) => c.column), ...f.treated.spanColumns] : []) : 'keyed HMAC-SHA-256 with the provided key (the key is not recorded)',
    columns: f.scan.columns.map((c) => ({ ...c, treatment: f.omitted.has(c.column) ? 'omitted' : treatment })),
    free_text_columns: f.scan.spanColumns,
    findings: f.scan.findings,
    findings_by_type: f.findingsByType,
    total_findings: f.totalFindings,
  };
}

/** The report's quality section: the score, whether it passed the threshold, and its parts. */
export function qualityReportSection(q: QualityScore, threshold: number | undefined): IntegrationReport['quality'] {
  return { score: q.score, threshold: threshold ?? null, passed: threshold === undefined || q.score >= threshold, breakdown: q.breakdown, weights: q.weights, factors: q.factors, validity_source: q.validity_source, outlier_share: q.outlier_share };
}

export function ephemeralKeyNote(hashedColumns: readonly string[]): string {
  if (hashedColumns.length === 0) {
    return 'no key was given: an ephemeral random key was used, and no hashed value reaches the outputs (PII columns are left out of them or not hashed), so the outputs are the same on every run';
  }
  return `no key was given: an ephemeral random key was used, so the hashed values in ${hashedColumns.map((c) => `'${c}'`).join(', ')} differ from run to run (and so does anything computed from them, such as a model that reads them) and do not join across runs or with other data; everything else is the same on every run. Set a key to get stable hashes`;
}

/** An object whose values are computed on first read and then kept. */
function lazyRecord<K extends string, V>(make: Record<K, () => V>): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const key of Object.keys(make) as K[]) {
    let value: V | undefined;
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => (value ??= make[key]()),
    });
  }
  return out;
}
