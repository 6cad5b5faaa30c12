import type { Command } from 'commander';
import { runWorker } from '@hokusai/orchestrator';
import { renderReportHtml } from '../report/render-html.js';
import type { Output } from '../output.js';

export function registerWorkerCommand(program: Command, output: Output): void {
  program
    .command('worker')
    .description('take pipeline steps from a Redis queue (BullMQ) and run them; start as many as you like, on any machine sharing the run store')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'jobs at once', '1')
    .option('--store <folder>', 'the shared run store as mounted on this machine (default: the path the producer sent)')
    .option('--flow-module <file...>', 'modules that register custom flows with registerFlow')
    .option('--shutdown-timeout <ms>', 'on SIGTERM or Ctrl-C, stop waiting for running jobs (and for Redis, if it is away) after this long', '10000')
    .addHelpText('after', '\nExamples:\n  hokusai worker --redis redis://127.0.0.1:6379 --concurrency 2\n  hokusai run --config run.yaml --redis redis://127.0.0.1:6379   # in another terminal\n\nEach job is logged as it ends: run, step, duration.')
    .action(async (flags: { redis: string; concurrency: string; store?: string; flowModule?: string[]; shutdownTimeout: string }) => {
      const worker = await runWorker({
        redisUrl: flags.redis,
        concurrency: Number(flags.concurrency),
        shutdownTimeoutMs: Number(flags.shutdownTimeout),
        renderReport: renderReportHtml,
        onJob: (job) =>
          output.log(`run ${job.runId}: ${job.step}${job.itemIndex === undefined ? '' : ` item ${job.itemIndex}`} ${job.status === 'completed' ? 'done' : 'FAILED'} in ${(job.durationMs / 1000).toFixed(2)} s${job.error === undefined ? '' : `: ${job.error}`}`),
        ...(flags.store === undefined ? {} : { store: flags.store }),
        ...(flags.flowModule === undefined ? {} : { flowModules: flags.flowModule }),
      });
      output.log(`worker ${worker.id} is taking jobs from ${flags.redis}; stop with Ctrl-C`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          output.log(`worker ${worker.id}: finishing running jobs`);
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      output.result({ worker: worker.id, stopped: true }, `worker ${worker.id} stopped`);
    });
}
