import { parentPort } from 'node:worker_threads';
import { chunkCommitments, commitPredictions } from './commitments.js';
import type { CommitBatch, CommitJob, WholeCommitJob, WholeCommitReply } from './commit-threads.js';

// Worker entry of commitPredictionsOnThreads: the commitments of one range of chunks, sent in
// order a few chunks at a time, so the calling thread chains each batch as soon as it is made;
// and of startCommitments: every chunk and the chain, answered once.
const port = parentPort;
if (port === null) throw new Error('commit-worker runs only as a worker thread');
port.once('message', (job: CommitJob | WholeCommitJob) => {
  if ('whole' in job) {
    let reply: WholeCommitReply;
    try {
      reply = { ok: true, commitments: commitPredictions(job.bits, job.n) };
    } catch (err) {
      reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
    return;
  }
  const { bits, n, from, to, batch } = job;
  for (let at = from; at < to; at += batch) {
    port.postMessage({ at, commits: chunkCommitments(bits, n, at, Math.min(to, at + batch)) } satisfies CommitBatch);
  }
});
