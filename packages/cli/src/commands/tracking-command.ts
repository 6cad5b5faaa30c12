import type { Command } from 'commander';
import { syncJournal } from '@hokusai/tracking';
import type { Output } from '../output.js';

export function registerTrackingCommand(program: Command, output: Output): void {
  const tracking = program.command('tracking').description('MLflow tracking');
  tracking
    .command('sync <journal>')
    .description('replay a local run journal into an MLflow server; running it twice creates nothing twice')
    .requiredOption('--to <uri>', 'MLflow tracking URI, e.g. http://127.0.0.1:5000')
    .addHelpText('after', '\nExample:\n  hokusai tracking sync results/tracking/journal.jsonl --to http://127.0.0.1:5000')
    .action(async (journal: string, flags: { to: string }) => {
      const result = await syncJournal(journal, flags.to);
      output.result(result, `synced ${journal} to ${flags.to}: ${JSON.stringify(result)}`);
    });
}
