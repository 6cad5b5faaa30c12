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
    .option('--pii-mode <mode>', 'hash, redact, drop or fail', 'hash')
    .option('--quality-threshold <score>', 'reject below this quality score (0..1)', '0.5')
    .option('--fix', 'write the PII-treated, deduplicated file and its manifest')
    .option('-o, --out <file>', 'with --fix: where to write (format by extension: .csv, .parquet, ...); never one of the input files')
    .option('--overwrite', 'with --fix: replace an existing --out file and its manifest')
    .addHelpText('after', '\nExample:\n  hokusai validate contributed.csv --target churned --benchmark benchmark.csv --fix --out contributed.clean.csv')
    .action(async (data: string, flags: ValidateFlags) => {
      if (flags.fix && flags.out === undefined) throw new CliError('HOKUSAI_USAGE', '--fix needs --out <file> to write the fixed data to.');
      if (flags.fix && flags.out !== undefined) {
        const inputs = [data, flags.base, flags.benchmark, flags.schema].filter((f): f is string => f !== undefined);
        assertFixTargets([flags.out, `${flags.out}.manifest.json`], inputs, flags.overwrite === true);
      }
      const contributed = await loadDataset(data);
      const base = flags.base === undefined ? emptyLike(contributed) : await loadDataset(flags.base);
      const benchmark = flags.benchmark === undefined ? emptyLike(contributed) : await loadDataset(flags.benchmark);
      const schemaReport = flags.schema === undefined ? null : validateTable(contributed.table, loadDatasetSchema(flags.schema), data);
      const key = piiKeyFromEnv();
      const result = integrateContribution({
        base,
        contributed,
        benchmark,
        target: flags.target,
        pii: { mode: flags.piiMode, ...(key === undefined ? {} : { key }) },
        // As in a run, rows are compared on what the model reads, so the counts here are the run's;
        // the excluded columns stay in a --fix output.
        notFeatures: (flags.exclude ?? '').split(',').map((c) => c.trim()).filter(Boolean),
      });
      // The threshold is applied here rather than in the data package, so a failing file is
      // reported in full (exit 1) instead of stopping at the first reason.
      const threshold = Number(flags.qualityThreshold);
      let written: { file: string; manifest: string } | null = null;
      if (flags.fix && flags.out !== undefined) {
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
      const valid = qualityPassed && (schemaReport?.passed ?? true);
      const lines = [
        `${data}: ${valid ? 'ready to submit' : 'NOT ready'} — ${contributed.manifest.row_count} rows, ${contributed.manifest.column_count} columns`,
        `  quality:        ${report.quality.score.toFixed(3)} (threshold ${threshold}${qualityPassed ? '' : ', BELOW'}) ${Object.entries(report.quality.breakdown).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`,
        `  PII:            ${report.pii.total_findings} findings${report.pii.columns.length ? ` in ${report.pii.columns.map((c) => `${c.column} (${c.type}, ${c.treatment})`).join(', ')}` : ''}`,
        `  duplicates:     ${report.dedup.within_contributed} within the file${flags.base ? `, ${report.dedup.already_in_base} already in the base data (${report.dedup.already_in_base_normalized} after normalization)` : ''}`,
        ...(flags.benchmark ? [`  contamination:  ${report.contamination.removed} rows also in the benchmark (${report.contamination.exact} exact, ${report.contamination.normalized} after normalization; always removed)`] : []),
        ...(flags.benchmark || flags.base ? [`  compared:       ${report.contamination.compared_columns.join(', ')} (what the model reads)`] : []),
        ...report.benchmark_caveats.map((c) => `  CAVEAT:         ${c}`),
        `  rows kept:      ${result.contributed.numRows}`,
        ...(schemaReport ? [formatValidationReport(schemaReport)] : []),
        ...(written ? [`  wrote:          ${written.file} and ${written.manifest}`] : []),
      ];
      output.result({ valid, file: data, rows: contributed.manifest.row_count, kept: result.contributed.numRows, report, schema: schemaReport, written }, lines.join('\n'));
      process.exitCode = valid ? EXIT.ok : EXIT.rejected;
    });
}
