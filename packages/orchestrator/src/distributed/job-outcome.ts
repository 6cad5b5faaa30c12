import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** How a queued job ended, as the producer learns it from an event or from Redis itself. */
export type JobOutcome = { status: 'completed'; value: unknown } | { status: 'failed'; reason: string } | { status: 'missing' };

/** Reads a job's outcome from Redis; undefined while the job waits or runs. */
export async function readJobOutcome(queue: Queue, jobId: string): Promise<JobOutcome | undefined> {
  const state = await queue.getJobState(jobId);
  if (state === 'unknown') return { status: 'missing' };
  if (state !== 'completed' && state !== 'failed') return undefined;
  // A finished job's return value or reason is written in the same script that finishes it.
  const job = await queue.getJob(jobId);
  if (job === undefined) return { status: 'missing' };
  return state === 'completed' ? { status: 'completed', value: job.returnvalue } : { status: 'failed', reason: job.failedReason };
}

/**
 * The id of the newest entry of an event stream ('0-0' while it is empty). A BullMQ QueueEvents
 * reader started from '$' misses whatever is written before its first XREAD reaches Redis, which
 * can be after its `waitUntilReady()` and after a fast job has finished; one started from this id
 * misses nothing written after this call.
 */
export async function eventStreamTail(client: Redis, key: string): Promise<string> {
  const newest = (await client.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
  return newest[0]?.[0] ?? '0-0';
}
