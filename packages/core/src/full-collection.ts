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
  collect?.();
}

/** The collector, or undefined when it could not be reached this time (asked again at the next call). */
function exposedCollector(): (() => void) | undefined {
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  // The flag is the process's: another thread doing the same may turn it off between this one's
  // turning it on and making the context (loader threads handing tables on at the same moment:
  // "gc is not defined" failed a load). So the context only asks, and asks again; a collection
  // missed is memory freed later, never an error.
  for (let attempt = 0; attempt < 5; attempt++) {
    setFlagsFromString('--expose-gc');
    try {
      const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
      if (typeof gc === 'function') return gc as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  return undefined;
}
