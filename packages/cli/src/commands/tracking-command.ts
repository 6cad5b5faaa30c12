import type { Command } from 'commander';
import { maskUriCredentials, syncJournal, TrackingError } from '@hokusai/tracking';
import { EXIT } from '../exit-codes.js';
import type { Output } from '../output.js';

export function registerTrackingCommand(program: Command, output: Output): void {
  const tracking = program
    .command('tracking')
    .description('MLflow tracking: deliver a run journal to a server')
    .addHelpText('after', '\nExample:\n  hokusai tracking sync results/tracking/journal.jsonl --to http://127.0.0.1:5000');
  tracking
    .command('sync <journal>')
    .description('replay a local run journal into an MLflow server; running it twice creates nothing twice. Exits 1 when anything was not delivered')
    .option('--to <uri>', 'MLflow tracking URI, e.g. http://127.0.0.1:5000 (default: MLFLOW_TRACKING_URI)')
    .addHelpText('after', '\nExample:\n  hokusai tracking sync results/tracking/journal.jsonl --to http://127.0.0.1:5000')
    .action(async (journal: string, flags: { to?: string }) => {
      const to = flags.to ?? process.env.MLFLOW_TRACKING_URI;
      if (to === undefined || to.trim() === '') {
        throw new TrackingError('HOKUSAI_TRACKING_INVALID_OPTIONS', 'No tracking server: pass --to <uri> or set MLFLOW_TRACKING_URI.');
      }
      const result = await syncJournal(journal, to);
      const where = maskUriCredentials(to);
      const lines = [
        `synced ${journal} to ${where}: ${result.created} runs created, ${result.delivered} calls delivered, ${result.skipped} already there, ${result.failed} failed`,
        ...result.modelVersions.map((v) => `  registered ${v.name} version ${v.version}`),
        ...result.errors.map((e) => `  failed: ${e}`),
      ];
      output.result(result, lines.join('\n'));
      if (result.failed > 0) {
        for (const e of result.errors) output.log(`not delivered: ${e}`);
        process.exitCode = EXIT.rejected;
      }
    });
}
