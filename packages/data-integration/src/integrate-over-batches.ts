import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { z } from 'zod';
import { MIN_PII_KEY_LENGTH } from '@hokusai/core';
import { toArrowTable } from './arrow-convert.js';
import { alignBatch, alignedBatches, alignSources, readBatchFiles, surveyInputs, type Alignment, type BatchedSource, type Role, type Survey } from './aligned-batches.js';
import type { Column, ColumnTable } from './column.js';
import { cellValue, nullCount, takeRows } from './column.js';
import { comparedColumns } from './compared-columns.js';
import { dataError } from './errors.js';
import { piiDecisionOf, piiReportSection, qualityReportSection, type IntegrationReport, type PiiDecision } from './integrate.js';
import { PiiKey } from './keyed-hash.js';
import { checkFileLabels } from './label-sets.js';
import { partitionedMatches, removalCounts, type PartitionedMatchResult } from './partitioned-matches.js';
import type { PiiScanResult } from './pii-scan.js';
import { scanPiiOverBatches } from './pii-scan-over-batches.js';
import { treatPii, type PiiMode } from './pii-treatment.js';
import { fenceStride, fencesOfSample, scoreQualityFrom, type QualityCellCounts, type QualityScore } from './quality.js';

/** What integrateOverBatches takes: the three inputs loaded in batches (loadDatasetInBatches) and integrateContribution's default rules. */
export interface BatchedIntegrationInput {
  base: BatchedSource;
  contributed: BatchedSource;
  benchmark: BatchedSource;
  target: string;
  /** key: HMAC key (never written anywhere); absent means an ephemeral key for this run. */
  pii: { key?: string; mode: PiiMode };
  quality?: { threshold: number };
  seed?: number;
  omit?: { columns?: string[]; pii?: boolean };
  notFeatures?: string[];
  benchmarkChecks?: { allowInBase?: boolean; allowSingleClass?: boolean };
  /** Folder for the output batches (Arrow IPC files) and the partitions; created. The caller removes it. */
  dir: string;
  /** Disk partitions for dedup and contamination (default: one per 200,000 input rows, at least 64), so one partition's rows stay few whatever the input. */
  partitions?: number;
  /** Told as each pass begins. */
  onPhase?: (phase: string) => void;
}

export interface BatchedIntegrationResult {
  report: IntegrationReport;
  piiColumns: string[];
  /** The treated output tables as Arrow IPC files, in row order; merged is the base's files, then the kept contributed rows'. */
  batches: { base: string[]; merged: string[]; benchmark: string[] };
  /** Rows of each output. */
  rows: { base: number; merged: number; benchmark: number };
}

const sourceSpec = z.object({ path: z.string(), batches: z.array(z.string()), columns: z.array(z.string()), dtypes: z.record(z.string(), z.string()), emptyColumns: z.array(z.string()) }).passthrough();
const inputSpec = z
  .object({
    base: sourceSpec,
    contributed: sourceSpec,
    benchmark: sourceSpec,
    target: z.string().min(1),
    pii: z.object({ key: z.string().min(MIN_PII_KEY_LENGTH, `a PII key needs at least ${MIN_PII_KEY_LENGTH} characters`).optional(), mode: z.enum(['hash', 'redact', 'drop', 'fail']) }).strict(),
    quality: z.object({ threshold: z.number().min(0).max(1) }).optional(),
    seed: z.number().int().optional(),
    omit: z.object({ columns: z.array(z.string()).optional(), pii: z.boolean().optional() }).strict().optional(),
    notFeatures: z.array(z.string()).optional(),
    benchmarkChecks: z.object({ allowInBase: z.boolean().optional(), allowSingleClass: z.boolean().optional() }).strict().optional(),
    dir: z.string().min(1),
    partitions: z.number().int().min(1).max(4096).optional(),
    onPhase: z.function().optional(),
  })
  .strict();

/** Input rows per disk partition by default: a partition checked in memory holds about this many rows. */
const ROWS_PER_PARTITION = 200_000;

/** Rows of the base and the benchmark read to tell identifiers (comparedColumns reads 5,000). */
const PREFIX_ROWS = 5000;

async function decidePii(input: BatchedIntegrationInput, a: Alignment, rows: Record<Role, number>): Promise<PiiDecision> {
  const sources = (['base', 'contributed', 'benchmark'] as const).map((label) => ({ label, read: alignedBatches(a, label), rows: rows[label] }));
  const scan = await scanPiiOverBatches(sources, a.names, { exclude: [input.target], noSpans: input.omit?.columns ?? [] });
  return piiDecisionOf(scan, input, a.names, input.target, (dataset) => a.sources[dataset as Role].path);
}

/** checkBenchmark of integrateContribution, from the benchmark's row and label counts. */
function checkBenchmark(a: Alignment, survey: Survey, rowsInBase: number, allow: { allowInBase?: boolean; allowSingleClass?: boolean }): string[] {
  const caveats: string[] = [];
  const n = survey.rows.benchmark;
  const file = a.sources.benchmark.path;
  if (n > 0 && rowsInBase === n) {
    const what = `all ${n} benchmark rows are also in the base data (compared on the columns the model reads)`;
    if (allow.allowInBase !== true) throw dataError('HOKUSAI_BENCHMARK_IN_BASE', `${what}: the baseline was trained on the rows it is scored on`, 'Use a benchmark held out from the base data, or set benchmarkChecks.allowInBase to accept this knowingly', { file });
    caveats.push(`every benchmark row is also in the base data (allowed by benchmarkChecks.allowInBase): the baseline is scored on rows it trained on`);
  }
  if (n > 0 && survey.labels.benchmark.size === 1) {
    if (allow.allowSingleClass !== true) throw dataError('HOKUSAI_BENCHMARK_SINGLE_CLASS', `every benchmark label is one class (${n} rows): accuracy rewards a model that always predicts it, and AUROC is undefined`, 'Use a benchmark with both classes, or set benchmarkChecks.allowSingleClass to accept this knowingly', { file, column: a.names[a.tk] });
    caveats.push(`the benchmark labels are one class (allowed by benchmarkChecks.allowSingleClass): a model that always predicts it scores best`);
  }
  return caveats;
}

/** Whether a column holds two distinct non-null values, carried across batches (quality's `varies`). */
class Varies {
  private first: string | number | boolean | null = null;
  yes = false;
  see(col: Column, n: number): void {
    for (let i = 0; i < n && !this.yes; i++) {
      const v = cellValue(col, i);
      if (v === null) continue;
      if (this.first === null) this.first = v;
      else if (v !== this.first) this.yes = true;
    }
  }
}

/** scoreQuality's cell counts over the feature columns: fences and varying columns from the base, the rest from the contribution. */
async function qualityCells(a: Alignment, features: readonly string[], rows: Record<Role, number>): Promise<QualityCellCounts> {
  const ks = features.map((f) => a.names.indexOf(f)).filter((k) => k >= 0);
  const numeric = (k: number): boolean => a.types[k] === 'int' || a.types[k] === 'float';
  const refVaries = ks.map(() => new Varies());
  const samples = ks.map((): number[] => []);
  const step = fenceStride(rows.base);
  let rowBase = 0;
  for await (const batch of readBatchFiles(a.sources.base.batches)()) {
    const { ct } = alignBatch(a, 'base', batch);
    ks.forEach((k, j) => {
      const col = ct.columns[k] as Column;
      (refVaries[j] as Varies).see(col, ct.rowCount);
      if (col.type !== 'int' && col.type !== 'float') return;
      for (let g = Math.ceil(rowBase / step) * step; g < rowBase + ct.rowCount; g += step) if (col.valid[g - rowBase] === 1) (samples[j] as number[]).push(col.values[g - rowBase] as number);
    });
    rowBase += ct.rowCount;
  }
  const fences = ks.map((k, j) => (numeric(k) ? fencesOfSample(samples[j] as number[]) : null));
  const ownVaries = ks.map(() => new Varies());
  const counts: QualityCellCounts = { cells: 0, nulls: 0, numCells: 0, outCells: 0, varyingInRef: 0, varyingInBoth: 0 };
  for await (const batch of readBatchFiles(a.sources.contributed.batches)()) {
    const { ct } = alignBatch(a, 'contributed', batch);
    ks.forEach((k, j) => {
      const col = ct.columns[k] as Column;
      counts.cells += ct.rowCount;
      counts.nulls += nullCount(col);
      (ownVaries[j] as Varies).see(col, ct.rowCount);
      const f = fences[j];
      if (f === null || f === undefined || (col.type !== 'int' && col.type !== 'float')) return;
      const [lo, hi] = f;
      for (let i = 0; i < ct.rowCount; i++) {
        if (col.valid[i] === 0) continue;
        counts.numCells++;
        const v = col.values[i] as number;
        if (v < lo || v > hi) counts.outCells++;
      }
    });
  }
  ks.forEach((_, j) => {
    if (!(refVaries[j] as Varies).yes) return;
    counts.varyingInRef++;
    if ((ownVaries[j] as Varies).yes) counts.varyingInBoth++;
  });
  return counts;
}

function labelCounts(m: Map<string, { count: number }>): Map<string, number> {
  return new Map([...m].map(([label, v]) => [label, v.count]));
}

function gateQuality(input: BatchedIntegrationInput, a: Alignment, survey: Survey, cells: QualityCellCounts, duplicateRows: number, warnings: string[]): QualityScore {
  const nc = survey.rows.contributed;
  for (const v of survey.invalid) {
    warnings.push(`contributed column '${v.column}': ${v.count} value(s) cannot be read as ${v.count === 1 ? 'the' : 'its'} type in the base data (${a.types[a.names.indexOf(v.column)] as string}), first rows ${v.rows.join(', ')}; they are treated as missing and lower the quality score`);
  }
  const q = scoreQualityFrom({
    rows: nc,
    ...cells,
    duplicateRows,
    validityPassRate: undefined,
    invalidRowShare: nc === 0 ? 0 : survey.invalidRows / nc,
    labels: { reference: labelCounts(survey.labels.base), contributed: labelCounts(survey.labels.contributed) },
  });
  const threshold = input.quality?.threshold;
  if (threshold !== undefined && q.score < threshold) {
    const weakest = Object.entries(q.breakdown)
      .sort((x, y) => x[1] - y[1])
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(', ');
    throw dataError('HOKUSAI_QUALITY_BELOW_THRESHOLD', `quality score ${q.score.toFixed(3)} is below the threshold ${threshold} (weakest first: ${weakest})`, 'Improve the weakest parts of the contribution, or lower quality.threshold', { file: a.sources.contributed.path, context: { score: q.score, breakdown: q.breakdown } });
  }
  return q;
}

/** 1 for each contributed row kept: not contaminated, not a duplicate, not already in the base (integrateContribution's order). */
function keptRows(m: PartitionedMatchResult): Uint8Array {
  const kept = new Uint8Array(m.rows.contributed);
  for (let i = 0; i < kept.length; i++) kept[i] = m.contaminated[i] === 0 && m.duplicate[i] === 0 && m.inBase[i] === 0 ? 1 : 0;
  return kept;
}

/** Writes each input's batches with PII treated on the kept columns (and, for the contribution, the kept rows only). */
async function writeOutputs(input: BatchedIntegrationInput, a: Alignment, pii: PiiDecision, kept: Uint8Array): Promise<{ key: PiiKey; piiMode: Exclude<PiiMode, 'fail'>; treatScan: PiiScanResult; files: Record<Role, string[]>; rows: Record<Role, number>; first: ColumnTable | null }> {
  const key = input.pii.key !== undefined ? PiiKey.fromSecret(input.pii.key) : PiiKey.ephemeral();
  const piiMode = input.pii.mode === 'fail' ? 'hash' : input.pii.mode;
  const treatScan = { ...pii.scan, columns: pii.scan.columns.filter((c) => !pii.omitted.has(c.column)), spanColumns: pii.scan.spanColumns.filter((c) => !pii.omitted.has(c)) };
  const treat = (ct: ColumnTable): ColumnTable => (treatScan.columns.length === 0 && treatScan.spanColumns.length === 0 ? ct : treatPii(ct, treatScan, piiMode, key));
  const outDir = join(input.dir, 'outputs');
  mkdirSync(outDir, { recursive: true });
  const files: Record<Role, string[]> = { base: [], contributed: [], benchmark: [] };
  const rows: Record<Role, number> = { base: 0, contributed: 0, benchmark: 0 };
  let first: ColumnTable | null = null;
  for (const role of ['base', 'contributed', 'benchmark'] as const) {
    let rowBase = 0;
    for await (const batch of readBatchFiles(a.sources[role].batches)()) {
      const { ct } = alignBatch(a, role, batch);
      let out: ColumnTable = { names: pii.outIdx.map((k) => a.names[k] as string), columns: pii.outIdx.map((k) => ct.columns[k] as Column), rowCount: ct.rowCount };
      if (role === 'contributed') {
        const take: number[] = [];
        for (let i = 0; i < ct.rowCount; i++) if (kept[rowBase + i] === 1) take.push(i);
        out = { names: out.names, columns: out.columns.map((c) => takeRows(c, take)), rowCount: take.length };
      }
      rowBase += ct.rowCount;
      // A batch with no kept row adds nothing; an empty input still gets one (empty) file.
      if (out.rowCount === 0 && (role === 'contributed' || files[role].length > 0)) continue;
      const treated = treat(out);
      if (role === 'base') first ??= treated;
      const file = join(outDir, `${role}-${String(files[role].length).padStart(6, '0')}.arrow`);
      await writeFile(file, tableToIPC(toArrowTable(treated), 'file'));
      files[role].push(file);
      rows[role] += treated.rowCount;
    }
  }
  return { key, piiMode, treatScan, files, rows, first };
}

/**
 * integrateContribution for inputs larger than memory, with its default rules (exact dedup, keep
 * the first, append, no sampling): the inputs are aligned batch by batch, PII is scanned over
 * batches, dedup and contamination are checked over disk partitions (partitionedMatches), quality
 * is scored from counts gathered batch by batch, and the treated base, merged and benchmark tables
 * are written as batch files. The report, and so every count, is integrateContribution's.
 */
export async function integrateOverBatches(input: BatchedIntegrationInput): Promise<BatchedIntegrationResult> {
  const parsed = inputSpec.safeParse(input);
  if (!parsed.success) {
    throw dataError('HOKUSAI_INVALID_OPTIONS', `invalid integration options (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`, 'Check the options passed to integrateOverBatches');
  }
  const phase = input.onPhase ?? ((): void => undefined);
  const target = input.target;
  const a = alignSources({ base: input.base, contributed: input.contributed, benchmark: input.benchmark }, target);
  phase('survey');
  const survey = await surveyInputs(a, PREFIX_ROWS);
  checkFileLabels(
    (['base', 'contributed', 'benchmark'] as const).map((label) => ({ label, file: a.sources[label].path, rows: survey.rows[label], labels: new Map([...survey.labels[label]].map(([l, v]) => [l, v.first])), look: survey.look[label] })),
    target,
  );
  phase('pii scan');
  const pii = await decidePii(input, a, survey.rows);
  const seen = comparedColumns(survey.prefix.base, survey.prefix.benchmark, { target, omitted: pii.omitted, excluded: new Set(input.notFeatures ?? []), pii: new Set(pii.piiColumns) });
  // comparedColumns reads the prefixes' row counts: an input longer than the prefix counts as long.
  const featureIdx = seen.compared.length > 0 ? seen.compared : a.names.map((_, k) => k).filter((k) => k !== a.tk);
  const featureNames = featureIdx.map((k) => a.names[k] as string);
  phase('dedup and contamination');
  const matches = await partitionedMatches({
    contributed: alignedBatches(a, 'contributed'),
    base: alignedBatches(a, 'base'),
    benchmark: alignedBatches(a, 'benchmark'),
    target,
    compared: featureNames,
    dir: join(input.dir, 'partitions'),
    partitions: input.partitions ?? Math.min(4096, Math.max(64, Math.ceil((survey.rows.base + survey.rows.contributed + survey.rows.benchmark) / ROWS_PER_PARTITION))),
  });
  const warnings: string[] = [];
  const caveats = checkBenchmark(a, survey, matches.benchmarkRowsInBase, input.benchmarkChecks ?? {});
  if (matches.baseRowsInBenchmark > 0) warnings.push(`${matches.baseRowsInBenchmark} base rows also appear in the benchmark; they are kept (the base is not the contributor's) but inflate both models' scores`);
  const counts = removalCounts(matches);
  phase('quality');
  // Uniqueness counts every exact copy of an earlier row, also those removed for another reason first.
  let duplicateRows = 0;
  for (let i = 0; i < matches.duplicate.length; i++) duplicateRows += matches.duplicate[i] as number;
  const quality = gateQuality(input, a, survey, await qualityCells(a, featureNames, survey.rows), duplicateRows, warnings);
  if (counts.kept === 0) warnings.push('no contributed rows are left after deduplication and contamination removal');
  phase('outputs');
  const out = await writeOutputs(input, a, pii, keptRows(matches));
  const report = buildReport({ input, a, survey, pii, quality, counts, featureNames, ignored: seen.ignored, matches, out, warnings, caveats });
  return {
    report,
    piiColumns: pii.piiColumns,
    batches: { base: out.files.base, merged: [...out.files.base, ...out.files.contributed], benchmark: out.files.benchmark },
    rows: { base: out.rows.base, merged: out.rows.base + out.rows.contributed, benchmark: out.rows.benchmark },
  };
}

interface ReportParts {
  input: BatchedIntegrationInput;
  a: Alignment;
  survey: Survey;
  pii: PiiDecision;
  quality: QualityScore;
  counts: ReturnType<typeof removalCounts>;
  featureNames: string[];
  ignored: IntegrationReport['contamination']['ignored_columns'];
  matches: PartitionedMatchResult;
  out: Awaited<ReturnType<typeof writeOutputs>>;
  warnings: string[];
  caveats: string[];
}

/** integrateContribution's report, from what the passes gathered. */
function buildReport(r: ReportParts): IntegrationReport {
  const { input, a, pii, quality: q, counts, out } = r;
  const { key, treatScan } = out;
  // Names and types of the treated outputs (hashing turns a PII column into text; drop removes it).
  const names = out.first?.names ?? pii.outIdx.map((k) => a.names[k] as string);
  const dtypes: Record<string, string> = {};
  names.forEach((n, k) => (dtypes[n] = out.first === null ? (a.types[a.names.indexOf(n)] as string) : (out.first.columns[k] as Column).type));
  const threshold = input.quality?.threshold;
  const kept = out.rows.contributed;
  const merged = out.rows.base + kept;
  return {
    version: 1,
    target: input.target,
    columns: [...names],
    dtypes,
    dropped_extra_columns: a.dropped,
    invalid_values: r.survey.invalid,
    omitted_columns: a.names.filter((n) => pii.omitted.has(n)),
    pii: piiReportSection({ mode: input.pii.mode, key, scan: pii.scan, treated: treatScan, omitted: pii.omitted, findingsByType: pii.findingsByType, totalFindings: pii.totalFindings }),
    quality: qualityReportSection(q, threshold),
    dedup: { strategy: 'exact', keys: [], keep: 'first', within_contributed: counts.within_contributed, already_in_base: counts.already_in_base, already_in_base_exact: counts.already_in_base_exact, already_in_base_normalized: counts.already_in_base_normalized },
    contamination: {
      removed: counts.contamination.removed,
      exact: counts.contamination.exact,
      normalized: counts.contamination.normalized,
      match_rule: `exact or normalized match on the columns the model reads (${r.featureNames.join(', ')}); label ignored`,
      compared_columns: r.featureNames,
      ignored_columns: r.ignored,
      base_rows_in_benchmark: r.matches.baseRowsInBenchmark,
      benchmark_rows_in_base: r.matches.benchmarkRowsInBase,
    },
    merge: { strategy: 'append', updated_base_rows: 0, sampled: null },
    rows: { base: out.rows.base, contributed_input: r.survey.rows.contributed, contributed_kept: kept, benchmark: out.rows.benchmark, merged, contributed_in_merged: kept },
    contributor_row_share: merged === 0 ? 0 : kept / merged,
    warnings: r.warnings,
    benchmark_caveats: r.caveats,
  };
}
