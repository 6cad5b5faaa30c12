import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Runs V8's full garbage collection in this thread, for the moments when a phase has just left
 * much memory unreachable that the next phase would otherwise be allocated beside: V8 frees it
 * only when its heap next fills, which may be long after, through a run's memory peak. A loader
 * thread calls it after handing each table on (the parsed columns are in shared memory by then);
 * the pipeline after `integrate` (its hashes, indexes and the raw tables). Without node's
 * --expose-gc the collector is reached through a fresh context, the flag set only for as long as
 * that takes.
 */
export function fullCollection(): void {
  collect ??= exposedCollector();
  collect();
}

function exposedCollector(): () => void {
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  setFlagsFromString('--expose-gc');
  try {
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : () => undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
