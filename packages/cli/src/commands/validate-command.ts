import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  formatValidationReport,
  integrateContribution,
  loadDataset,
  loadDatasetSchema,
  manifestOf,
  validateTable,
  writeTable,
  type DataFormat,
  type LoadedDataset,
} from '@hokusai/data-integration';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';
import { assertFixTargets } from './fixed-file-target.js';
import type { Output } from '../output.js';
import { writeValidateReportHtml } from '../validate-report-html.js';
import { findingsLines, validateFindings } from './validate-findings.js';
import { piiKeyFromEnv, writeFileAtomic } from '@hokusai/core';

interface ValidateFlags {
  target: string;
  base?: string;
  benchmark?: string;
  schema?: string;
  exclude?: string;
  piiMode: 'hash' | 'redact' | 'drop' | 'fail';
  qualityThreshold: string;
  fix?: boolean;
  out?: string;
  overwrite?: boolean;
  report?: string;
}

/** A dataset with the same columns and no rows: "nothing to compare against". */
function emptyLike(dataset: LoadedDataset): LoadedDataset {
  return { ...dataset, table: dataset.table.slice(0, 0), manifest: { ...dataset.manifest, row_count: 0 } };
}

export function registerValidateCommand(program: Command, output: Output): void {
  program
    .command('validate <data>')
    .description('check a contribution before submitting it: schema, PII, quality, duplicates (and, given them, overlap with base and benchmark)')
    .requiredOption('--target <column>', 'label column')
    .option('--base <file>', 'base data: count contributed rows it already has')
    .option('--benchmark <file>', 'benchmark: count contributed rows that would contaminate it')
    .option('--schema <file>', 'dataset schema (JSON) to validate against')
    .option('--exclude <columns>', 'comma-separated columns never used as features, as given to run (not compared for duplicates and contamination)')
    .option('--pii-mode <mode>', 'hash, redact, drop or fail (fail: PII found makes the file NOT ready, exit 1)', 'hash')
    .option('--quality-threshold <score>', 'reject below this quality score (0..1)', '0.5')
    .option('--fix', 'write the PII-treated, deduplicated file and its manifest')
    .option('-o, --out <file>', 'with --fix: where to write (format by extension: .csv, .parquet, ...); never one of the input files')
    .option('--overwrite', 'with --fix: replace an existing --out file and its manifest')
    .option('--report <file>', 'also write the findings as a self-contained HTML page')
    .addHelpText('after', '\nExample:\n  hokusai validate contributed.csv --target churned --benchmark benchmark.csv --fix --out contributed.clean.csv')
    .action(async (data: string, flags: ValidateFlags) => {
      if (flags.fix && flags.out === undefined) throw new CliError('HOKUSAI_USAGE', '--fix needs --out <file> to write the fixed data to.');
      if (flags.fix && flags.out !== undefined) {
        const inputs = [data, flags.base, flags.benchmark, flags.schema].filter((f): f is string => f !== undefined);
        assertFixTargets([flags.out, `${flags.out}.manifest.json`], inputs, flags.overwrite === true);
      }
      if (flags.report !== undefined) {
        const inputs = [data, flags.base, flags.benchmark, flags.schema, flags.out].filter((f): f is string => f !== undefined);
        // A report page is replaced freely (it holds no data), but never written over an input.
        assertFixTargets([flags.report], inputs, true, '--report');
      }
      const contributed = await loadDataset(data);
      const base = flags.base === undefined ? emptyLike(contributed) : await loadDataset(flags.base);
      const benchmark = flags.benchmark === undefined ? emptyLike(contributed) : await loadDataset(flags.benchmark);
      const schemaReport = flags.schema === undefined ? null : validateTable(contributed.table, loadDatasetSchema(flags.schema), data);
      const key = piiKeyFromEnv();
      const exclude = (flags.exclude ?? '').split(',').map((c) => c.trim()).filter(Boolean);
      // With `fail`, PII is found and reported in full like any other finding (exit 1), rather
      // than stopping at the first file as a run does; it is hashed in a --fix output never written.
      const failOnPii = flags.piiMode === 'fail';
      const result = integrateContribution({
        base,
        contributed,
        benchmark,
        target: flags.target,
        pii: { mode: failOnPii ? 'hash' : flags.piiMode, ...(key === undefined ? {} : { key }) },
        // As in a run, rows are compared on what the model reads, so the counts here are the run's;
        // the excluded columns stay in a --fix output.
        notFeatures: exclude,
      });
      const findings = validateFindings({
        files: [
          { role: 'contributed', dataset: contributed, given: true },
          { role: 'base', dataset: base, given: flags.base !== undefined },
          { role: 'benchmark', dataset: benchmark, given: flags.benchmark !== undefined },
        ],
        result,
        target: flags.target,
        exclude,
      });
      const piiBlocks = failOnPii && result.report.pii.total_findings > 0;
      // The threshold is applied here rather than in the data package, so a failing file is
      // reported in full (exit 1) instead of stopping at the first reason.
      const threshold = Number(flags.qualityThreshold);
      let written: { file: string; manifest: string } | null = null;
      if (flags.fix && flags.out !== undefined && !piiBlocks) {
        await writeTable(result.contributed, flags.out);
        const bytes = await readFile(flags.out);
        const format = (extname(flags.out).slice(1).toLowerCase() || 'csv') as DataFormat;
        const manifest = manifestOf(result.contributed, { source_path: flags.out, format, file_sha256: createHash('sha256').update(bytes).digest('hex') });
        const manifestPath = `${flags.out}.manifest.json`;
        await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
        written = { file: flags.out, manifest: manifestPath };
      }
      const report = result.report;
      const qualityPassed = report.quality.score >= threshold;
      const valid = qualityPassed && (schemaReport?.passed ?? true) && !piiBlocks && findings.feature_plan_error === null;
      const lines = [
        `${data}: ${valid ? 'ready to submit' : 'NOT ready'} — ${contributed.manifest.row_count} rows, ${contributed.manifest.column_count} columns`,
        `  quality:        ${report.quality.score.toFixed(3)} (threshold ${threshold}${qualityPassed ? '' : ', BELOW'}) ${Object.entries(report.quality.breakdown).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`,
        // Counts per file follow with the findings; this line names the columns and what happens to them.
        `  PII columns:    ${report.pii.columns.length ? report.pii.columns.map((c) => `${c.column} (${c.type}, ${failOnPii ? 'pii-mode fail: NOT ready' : c.treatment})`).join(', ') : 'none'}`,
        `  duplicates:     ${report.dedup.within_contributed} within the file${flags.base ? `, ${report.dedup.already_in_base} already in the base data (${report.dedup.already_in_base_normalized} after normalization)` : ''}`,
        ...(flags.benchmark ? [`  contamination:  ${report.contamination.removed} rows also in the benchmark (${report.contamination.exact} exact, ${report.contamination.normalized} after normalization; always removed)`] : []),
        ...(flags.benchmark || flags.base ? [`  compared:       ${report.contamination.compared_columns.join(', ')} (what the model reads)`] : []),
        ...report.benchmark_caveats.map((c) => `  CAVEAT:         ${c}`),
        `  rows kept:      ${result.contributed.numRows}`,
        ...(schemaReport ? [formatValidationReport(schemaReport)] : []),
        ...findingsLines(findings),
        ...(written ? [`  wrote:          ${written.file} and ${written.manifest}`] : []),
      ];
      let page: string | null = null;
      if (flags.report !== undefined) {
        await writeValidateReportHtml(flags.report, { file: data, valid, rows: contributed.manifest.row_count, columns: contributed.manifest.column_count, kept: result.contributed.numRows, threshold, piiMode: flags.piiMode, report, findings });
        page = flags.report;
        lines.push(`  report:         ${page}`);
      }
      output.result({ valid, file: data, rows: contributed.manifest.row_count, kept: result.contributed.numRows, report, findings, schema: schemaReport, written, html_report: page }, lines.join('\n'));
      process.exitCode = valid ? EXIT.ok : EXIT.rejected;
    });
}
