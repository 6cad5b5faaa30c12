import { parseArgs } from 'node:util';
import { errorCode } from '../errors.js';
import { runWorker } from './run-worker.js';

/**
 * A standalone worker process: `node worker-process.js --redis redis://host:6379 [--concurrency 2]
 * [--store /shared/store] [--queue hokusai-steps] [--flows ./flows.js ...] [--lock-duration ms]
 * [--stalled-interval ms] [--max-stalled n] [--shutdown-timeout ms]`. It prints one JSON
 * line {"event":"ready","worker":id} once it takes jobs, and on SIGTERM or SIGINT finishes its
 * running jobs and exits 0 (within the shutdown timeout, default 10 s, even when Redis is away).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      store: { type: 'string' },
      queue: { type: 'string' },
      prefix: { type: 'string' },
      flows: { type: 'string', multiple: true },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      'max-stalled': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
    },
    strict: true,
  });
  if (values.redis === undefined) throw new Error('Pass --redis redis://host:port.');
  const int = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const worker = await runWorker({
    redisUrl: values.redis,
    ...(values.concurrency === undefined ? {} : { concurrency: int(values.concurrency) as number }),
    ...(values.store === undefined ? {} : { store: values.store }),
    ...(values.queue === undefined ? {} : { queue: values.queue }),
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    ...(values['lock-duration'] === undefined ? {} : { lockDurationMs: int(values['lock-duration']) as number }),
    ...(values['stalled-interval'] === undefined ? {} : { stalledIntervalMs: int(values['stalled-interval']) as number }),
    ...(values['max-stalled'] === undefined ? {} : { maxStalledCount: int(values['max-stalled']) as number }),
    ...(values['shutdown-timeout'] === undefined ? {} : { shutdownTimeoutMs: int(values['shutdown-timeout']) as number }),
    flowModules: values.flows ?? [],
  });
  const stop = (): void => {
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ event: 'ready', worker: worker.id, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  const code = errorCode(error);
  process.stderr.write(`hokusai worker: ${code === undefined ? '' : `${code}: `}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
