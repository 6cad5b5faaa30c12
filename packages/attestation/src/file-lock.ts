import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

const STALE_MS = 20 * 60_000;

/**
 * Serializes expensive cache fills (circuit compile, trusted setup) between processes that share
 * a cache folder, e.g. parallel test files: a lock is a directory, whose creation is atomic.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(lock).catch(() => undefined);
      // A lock left by a crashed process must not block every later run.
      if (info !== undefined && Date.now() - info.mtimeMs > STALE_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
