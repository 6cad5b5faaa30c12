import { builtScript } from '@hokusai/core';
import { Worker } from 'node:worker_threads';
import { assembleCommitments, chunkCommitments, chunkCount, commitPredictions, type ChunkCommitments, type PredictionBits, type PredictionCommitments } from './commitments.js';

/** Benchmarks of fewer chunks are committed in this thread: a worker's start-up would cost more. */
const THREAD_MIN_CHUNKS = 192;
/** This thread's share of the chunks; every chunk's accumulator (a hash of 8 inputs) follows here, in order. */
const OWN_SHARE = 0.5;

function workerScript(): string | null {
  return builtScript([new URL('./commit-worker.js', import.meta.url), new URL('../dist/commit-worker.js', import.meta.url)]);
}

/**
 * `commitPredictions` with its Poseidon hashes on two threads for a large benchmark (one chunk in
 * 1,024 rows costs four hashes, about 2 ms): a worker commits the later chunks while this thread
 * commits the first ones. The result is commitPredictions' to the last digit (tested).
 */
export async function commitPredictionsOnThreads(p: PredictionBits, n: number): Promise<PredictionCommitments> {
  const count = chunkCount(p, n);
  const script = workerScript();
  if (count < THREAD_MIN_CHUNKS || script === null) return commitPredictions(p, n);
  const split = Math.ceil(count * OWN_SHARE);
  const worker = new Worker(script);
  try {
    const theirs = new Promise<ChunkCommitments[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the commitment thread stopped (exit code ${code})`)));
    });
    worker.postMessage({ bits: p, n, from: split, to: count });
    const ours = chunkCommitments(p, n, 0, split);
    return assembleCommitments(p, n, [...ours, ...(await theirs)]);
  } finally {
    void worker.terminate();
  }
}
