import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Runs V8's full garbage collection in this thread. A loader thread calls it once, after handing
 * its table on: the columns it parsed (copied to shared memory by then) and the parse's
 * scratch buffers are garbage, but V8 would free them only when its heap next fills, which during
 * the manifest it rarely does, so they stayed resident through the run's memory peak. Without
 * node's --expose-gc the collector is reached through a fresh context, the flag set only for as
 * long as that takes.
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
