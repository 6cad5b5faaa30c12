import { QueueMonitor } from '@hokusai/orchestrator';
import type { Output } from '../output.js';

/** How often a distributed run looks at the workers connected to the step queue. */
export const WORKER_POLL_MS = 1000;

/**
 * While a distributed run waits, says how many workers are connected: "waiting for a worker
 * (0 connected)" when there are none (a run would otherwise hang silently), and a line each time
 * the number changes. Returns the function that stops watching.
 */
export function watchWorkers(redisUrl: string, output: Output, intervalMs = WORKER_POLL_MS): () => void {
  const monitor = new QueueMonitor({ redisUrl });
  let last: number | undefined;
  let stopped = false;
  const look = async (): Promise<void> => {
    let workers: number;
    try {
      ({ workers } = await monitor.stats());
    } catch {
      // Redis away: the executor reports it; this watch only counts workers.
      return;
    }
    if (stopped || workers === last) return;
    if (workers === 0) output.log(`waiting for a worker (0 connected): start one with \`hokusai worker --redis ${redisUrl}\``);
    else output.log(`${workers} worker${workers === 1 ? '' : 's'} connected`);
    last = workers;
  };
  void look();
  const timer = setInterval(() => void look(), intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    void monitor.close();
  };
}
