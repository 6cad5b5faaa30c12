import { parentPort } from 'node:worker_threads';
import { chunkCommitments } from './commitments.js';
import type { CommitBatch, CommitJob } from './commit-threads.js';

// Worker entry of commitPredictionsOnThreads: the commitments of one range of chunks, sent in
// order a few chunks at a time, so the calling thread chains each batch as soon as it is made.
const port = parentPort;
if (port === null) throw new Error('commit-worker runs only as a worker thread');
port.once('message', ({ bits, n, from, to, batch }: CommitJob) => {
  for (let at = from; at < to; at += batch) {
    port.postMessage({ at, commits: chunkCommitments(bits, n, at, Math.min(to, at + batch)) } satisfies CommitBatch);
  }
});
