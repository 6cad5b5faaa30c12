import type * as BullMq from 'bullmq';
import type * as IoRedis from 'ioredis';

/**
 * bullmq and ioredis are loaded when a run or a worker first talks to Redis: every other use of
 * the package (and every `hokusai` command without Redis) starts without their hundreds of files.
 */
export function loadBullMq(): Promise<typeof BullMq> {
  return import('bullmq');
}

export function loadIoRedis(): Promise<typeof IoRedis> {
  return import('ioredis');
}
