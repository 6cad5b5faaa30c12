import type { Queue } from 'bullmq';
import { assertRedisReachable, redisOptionsFromUrl } from './redis-connection.js';
import { loadBullMq } from './redis-modules.js';
import { DEFAULT_QUEUE } from './step-job.js';

export interface QueueStats {
  jobs: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  /** Workers connected to the queue now (BullMQ names its worker connections). */
  workers: number;
}

/**
 * Reads the step queue's depth and its connected workers, for monitoring. One connection, opened
 * on first use after a fast reachability check, so an unreachable Redis answers with an error
 * instead of a hang.
 */
export class QueueMonitor {
  private queue: Promise<Queue> | undefined;

  constructor(private readonly options: { redisUrl: string; queue?: string; prefix?: string; timeoutMs?: number }) {}

  async stats(): Promise<QueueStats> {
    const queue = await this.open();
    const [counts, workers] = await Promise.all([queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'), queue.getWorkersCount()]);
    return {
      jobs: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, completed: counts.completed ?? 0 },
      workers,
    };
  }

  async close(): Promise<void> {
    const queue = this.queue;
    this.queue = undefined;
    if (queue !== undefined) await (await queue.catch(() => undefined))?.close();
  }

  private open(): Promise<Queue> {
    this.queue ??= (async () => {
      const connection = redisOptionsFromUrl(this.options.redisUrl);
      await assertRedisReachable(this.options.redisUrl, connection, this.options.timeoutMs ?? 2000);
      const { Queue } = await loadBullMq();
      const queue = new Queue(this.options.queue ?? DEFAULT_QUEUE, { connection, prefix: this.options.prefix ?? 'bull' });
      queue.on('error', () => undefined);
      return queue;
    })();
    // A failed open is not kept: the next scrape tries again.
    this.queue.catch(() => {
      this.queue = undefined;
    });
    return this.queue;
  }
}
