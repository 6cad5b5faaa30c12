import type { Command } from 'commander';
import { resumePipeline } from '@hokusai/orchestrator';
import { EXIT } from '../exit-codes.js';
import { renderReportHtml } from '../report/render-html.js';
import { formatSummary } from '../summary.js';
import { runResultJson } from '../json-result.js';
import type { Output } from '../output.js';

export function registerResumeCommand(program: Command, output: Output): void {
  program
    .command('resume <run-id>')
    .description('rerun a failed or killed run from its first unfinished step, reusing every finished step')
    .option('--store <folder>', 'run store folder (default .hokusai/store)')
    .option('--overwrite', "replace an existing Hokusai output folder at the run's --out (its own earlier output is always replaced)")
    .addHelpText('after', '\nExample:\n  hokusai resume hk-3f2a9c0d1e4b5a6f7081')
    .action(async (runId: string, flags: { store?: string; overwrite?: boolean }) => {
      const result = await resumePipeline(runId, {
        ...(flags.store === undefined ? {} : { store: flags.store }),
        ...(flags.overwrite === true ? { overwrite: true } : {}),
        renderReport: renderReportHtml,
        onEvent: (event) => output.event(event),
        onTracking: (tracking) => tracking.runUrl === undefined || output.log(`MLflow run: ${tracking.runUrl}`),
      });
      output.result(runResultJson(result), formatSummary(result));
      process.exitCode = result.accepted ? EXIT.ok : EXIT.rejected;
    });
}
