import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { builtScript } from '@hokusai/core';
import { fileSha256 } from './file-sha256.js';

/**
 * Files from this size are hashed on another thread while this one parses them. Measured here
 * (5 processes each, alternated): 88-106 MB files 9-11% faster, a 70 MB CSV file the same, a
 * 23 MB Parquet file 7% slower. The other core is not idle during a parse (the collector's
 * helper threads, the pool's reads), and a small file's hash costs this thread only ~10 ms.
 */
export const HASH_BESIDE_MIN_BYTES = 48 << 20;

function workerScript(): string | null {
  return builtScript([new URL('./file-hash-worker.js', import.meta.url), new URL('../dist/file-hash-worker.js', import.meta.url)]);
}

/**
 * The file's SHA-256 computed on a worker thread that reads the file itself, or undefined when
 * that does not pay (a small file, one core, no built worker script). The thread reads the file
 * separately from the parser, so the caller must check the file did not change in between (its
 * stat before and after). A thread that fails for any reason leaves the hash to this thread;
 * null when that fails too (the file went away): the caller then reads it again, hashing it.
 */
export function fileSha256Beside(path: string, bytes: number): Promise<string | null> | undefined {
  if (bytes < HASH_BESIDE_MIN_BYTES || availableParallelism() < 2) return undefined;
  const script = workerScript();
  if (script === null) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { path } });
  } catch {
    return undefined;
  }
  return new Promise<string | null>((resolve) => {
    worker.once('message', (m: unknown) => resolve(typeof m === 'string' && /^[0-9a-f]{64}$/.test(m) ? m : null));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  }).then((sha) => {
    void worker.terminate();
    return sha ?? fileSha256(path).catch(() => null);
  });
}
