import { parentPort, workerData } from 'node:worker_threads';
import { fileSha256 } from './file-sha256.js';

// Worker entry of fileSha256Beside: the file's SHA-256 as hex, or nothing when it cannot be
// read (the caller then hashes it in its own thread, which reports the error itself).
const port = parentPort;
if (port === null) throw new Error('file-hash-worker runs only as a worker thread');
const { path } = workerData as { path: string };
fileSha256(path).then(
  (sha) => port.postMessage(sha),
  () => port.postMessage(null),
);
