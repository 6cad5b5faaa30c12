import { parentPort } from 'node:worker_threads';
import { chunkCommitments, type PredictionBits } from './commitments.js';

// Worker entry of commitPredictionsOnThreads: the commitments of one range of chunks.
const port = parentPort;
if (port === null) throw new Error('commit-worker runs only as a worker thread');
port.once('message', ({ bits, n, from, to }: { bits: PredictionBits; n: number; from: number; to: number }) => {
  port.postMessage(chunkCommitments(bits, n, from, to));
});
