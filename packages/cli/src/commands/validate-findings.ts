import { basename } from 'node:path';
import type { IntegrationResult, LoadedDataset } from '@hokusai/data-integration';
import { errorCode, planFeatures, type FeaturePlan } from '@hokusai/orchestrator';

/** What `hokusai validate` found beyond the integration report: what a data scientist would fix. */
export interface ValidateFindings {
  /** Per given file, the cells read as missing per column (only columns with any). */
  missing_values: { file: string; columns: Record<string, number> }[];
  /** PII findings per file (not the total of every file under the contribution). */
  pii_by_file: { file: string; role: string; findings: { column: string; type: string; count: number }[]; total: number }[];
  /** Rows shared by the base and the benchmark (given both). */
  overlap: { base_rows_in_benchmark: number; benchmark_rows_in_base: number } | null;
  /** The feature plan a run would make of these rows, or why training would refuse them. */
  feature_plan: FeaturePlan | null;
  feature_plan_error: { code: string; message: string } | null;
}

/** What the loader reads as a missing value; every such cell counts as missing. */
export const MISSING_TOKENS = ['(empty)', 'NA', 'N/A', 'null', 'NULL'];

export function validateFindings(input: {
  files: { role: 'base' | 'contributed' | 'benchmark'; dataset: LoadedDataset; given: boolean }[];
  result: IntegrationResult;
  target: string;
  exclude: string[];
}): ValidateFindings {
  const { result } = input;
  const given = input.files.filter((f) => f.given);
  const missing_values = given.map((f) => ({
    file: basename(f.dataset.path),
    columns: Object.fromEntries(Object.entries(f.dataset.manifest.null_counts).filter(([, n]) => n > 0)),
  }));
  const pii_by_file = given.map((f) => {
    const findings = result.report.pii.findings.filter((x) => x.dataset === f.role).map((x) => ({ column: x.column, type: x.type, count: x.count }));
    return { file: basename(f.dataset.path), role: f.role, findings, total: findings.reduce((s, x) => s + x.count, 0) };
  });
  const hasBase = input.files.some((f) => f.role === 'base' && f.given);
  const hasBenchmark = input.files.some((f) => f.role === 'benchmark' && f.given);
  const overlap = hasBase && hasBenchmark ? { base_rows_in_benchmark: result.report.contamination.base_rows_in_benchmark, benchmark_rows_in_base: result.report.contamination.benchmark_rows_in_base } : null;
  let feature_plan: FeaturePlan | null = null;
  let feature_plan_error: ValidateFindings['feature_plan_error'] = null;
  try {
    // The rows a run would train the new model on (base and kept contributed rows), PII and
    // excluded columns left out as a run leaves them out.
    const exclude = [...new Set([...result.piiColumns, ...input.exclude])].filter((c) => c !== input.target);
    feature_plan = planFeatures(result.merged, { target: input.target, seed: 0, exclude }, { pii: result.piiColumns, configExclude: input.exclude });
  } catch (error) {
    const code = errorCode(error);
    if (code === undefined || !code.startsWith('HOKUSAI_')) throw error;
    feature_plan_error = { code, message: (error as Error).message };
  }
  return { missing_values, pii_by_file, overlap, feature_plan, feature_plan_error };
}

const n = (v: number): string => v.toLocaleString('en-US');

/** The findings as the text lines of `validate`, aligned with its other lines. */
export function findingsLines(f: ValidateFindings): string[] {
  const lines: string[] = [];
  for (const p of f.pii_by_file) {
    lines.push(`  PII in ${p.file}: ${p.total === 0 ? 'none found' : `${n(p.total)} findings in ${p.findings.map((x) => `${x.column} (${n(x.count)} ${x.type})`).join(', ')}`}`);
  }
  if (f.overlap !== null) lines.push(`  overlap:        ${n(f.overlap.base_rows_in_benchmark)} base rows also in the benchmark, ${n(f.overlap.benchmark_rows_in_base)} benchmark rows also in the base (both models are scored on rows they may have seen)`);
  for (const m of f.missing_values) {
    const cols = Object.entries(m.columns);
    lines.push(`  missing values in ${m.file}: ${cols.length === 0 ? 'none' : cols.map(([c, k]) => `${c} ${n(k)}`).join(', ')}${cols.length === 0 ? '' : ` (read as missing: ${MISSING_TOKENS.join(', ')})`}`);
  }
  if (f.feature_plan_error !== null) lines.push(`  features:       training would refuse these rows: ${f.feature_plan_error.message}`);
  for (const c of f.feature_plan?.columns ?? []) {
    for (const w of c.warnings) {
      lines.push(`  ${w.code === 'near-duplicate-values' ? 'near-duplicates' : w.code}: ${c.name}: ${w.message}`);
    }
  }
  return lines;
}
