import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { builtScript } from '@hokusai/core';
import { chunkCommitments, chunkCount, commitPredictions, CommitmentChain, type ChunkCommitments, type PredictionBits, type PredictionCommitments } from './commitments.js';

/** Benchmarks of fewer chunks are committed in this thread: a worker's start-up would cost more. */
const THREAD_MIN_CHUNKS = 192;
/**
 * This thread's share of the chunks' commitments. It also chains every chunk (one hash of 8
 * inputs a chunk, about half the work of its three commitments), its own first and then the
 * worker's as their batches arrive, so it commits fewer: about a quarter each thread finishes at
 * once, plus the worker's start.
 */
const OWN_SHARE = 0.3;
/** Chunks per message from the worker (a few ms of hashing). */
const BATCH_CHUNKS = 8;

/** What the commitment thread is given. */
export interface CommitJob {
  bits: PredictionBits;
  n: number;
  from: number;
  to: number;
  batch: number;
}

/** What the commitment thread is given to commit whole (see startCommitments). */
export interface WholeCommitJob {
  whole: true;
  bits: PredictionBits;
  n: number;
}

/** One message of the commitment thread: the commitments of chunks at, at + 1, ... */
export interface CommitBatch {
  at: number;
  commits: ChunkCommitments[];
}

/** The commitment thread's answer to a WholeCommitJob. */
export type WholeCommitReply = { ok: true; commitments: PredictionCommitments } | { ok: false; message: string };

function workerScript(): string | null {
  return builtScript([new URL('./commit-worker.js', import.meta.url), new URL('../dist/commit-worker.js', import.meta.url)]);
}

/**
 * `commitPredictions` with its Poseidon hashes on two threads for a large benchmark (one chunk in
 * 1,024 rows costs four hashes, about 1 ms): a worker commits the later chunks while this thread
 * commits the first ones and chains them, then chains the worker's as they come. The result is
 * commitPredictions' to the last digit (tested).
 */
export async function commitPredictionsOnThreads(p: PredictionBits, n: number): Promise<PredictionCommitments> {
  const count = chunkCount(p, n);
  const script = workerScript();
  if (count < THREAD_MIN_CHUNKS || script === null) return commitPredictions(p, n);
  const split = Math.ceil(count * OWN_SHARE);
  const worker = new Worker(script);
  try {
    // Batches in order; `arrived` wakes the chain when one comes.
    const batches: CommitBatch[] = [];
    let arrived: (() => void) | null = null;
    let failed: Error | null = null;
    const wake = (): void => {
      arrived?.();
      arrived = null;
    };
    worker.on('message', (b: CommitBatch) => {
      batches.push(b);
      wake();
    });
    worker.once('error', (error) => {
      failed = error;
      wake();
    });
    worker.once('exit', (code) => {
      failed ??= new Error(`the commitment thread stopped (exit code ${code})`);
      wake();
    });
    worker.postMessage({ bits: p, n, from: split, to: count, batch: BATCH_CHUNKS } satisfies CommitJob);
    const chain = new CommitmentChain(p, n);
    for (const commits of chunkCommitments(p, n, 0, split)) chain.add(commits);
    while (chain.length < count) {
      const next = batches.shift();
      if (next !== undefined) {
        if (next.at !== chain.length) throw new Error(`internal: commitment batch for chunk ${next.at} came when chunk ${chain.length} was due`);
        for (const commits of next.commits) chain.add(commits);
        continue;
      }
      if (failed !== null) throw failed;
      await new Promise<void>((resolve) => (arrived = resolve));
    }
    return chain.finish();
  } finally {
    void worker.terminate();
  }
}

/** Commitments being made on a thread of their own (see startCommitments). */
export interface StartedCommitments {
  /** predictionsDigest of the bits and chunk size they are made of. */
  readonly digest: string;
  readonly result: Promise<PredictionCommitments>;
  /** Ends the thread if it is still working; `result` then rejects. */
  cancel(): void;
}

/** SHA-256 of the chunk size and the three bit arrays: what a StartedCommitments is matched by. */
export function predictionsDigest(p: PredictionBits, n: number): string {
  const hash = createHash('sha256').update(`${n}:${p.labels.length}:${p.baseline.length}:${p.new.length}:`);
  return hash.update(p.labels).update(p.baseline).update(p.new).digest('hex');
}

/**
 * `commitPredictions(p, n)` on a worker thread, the chain included, while the calling thread does
 * other work: a run knows its predictions when its models are scored, before the steps between
 * that and the attestation (metrics, importance, the delta), which keep one core busy.
 * buildAttestation takes the result (options.commitments) when its digest is that of the
 * predictions it attests, and otherwise commits them itself. Undefined when the worker script
 * is not built (running from sources).
 */
export function startCommitments(p: PredictionBits, n: number): StartedCommitments | undefined {
  const script = workerScript();
  if (script === null) return undefined;
  const worker = new Worker(script);
  const result = new Promise<PredictionCommitments>((resolve, reject) => {
    worker.once('message', (m: WholeCommitReply) => (m.ok ? resolve(m.commitments) : reject(new Error(m.message))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the commitment thread stopped (exit code ${code})`)));
  });
  const ended = (): void => void worker.terminate();
  result.then(ended, ended);
  worker.postMessage({ whole: true, bits: p, n } satisfies WholeCommitJob);
  return { digest: predictionsDigest(p, n), result, cancel: ended };
}
