import { parentPort, workerData } from 'node:worker_threads';
import { matchRows } from './feature-match.js';
import type { MatchJob, MatchReply } from './match-in-worker.js';
import { receivedColumn } from './posted-columns.js';

// Worker entry of matchRowsInWorker: matchRows on the posted columns, the hits transferred back.
// Any error only says the thread could not do it: the caller then matches in its own thread,
// which reports the error itself.
const job = workerData as MatchJob;
const port = parentPort;
if (port === null) throw new Error('match-worker runs only as a worker thread');
let reply: MatchReply;
try {
  const r = matchRows(job.a.map(receivedColumn), job.na, job.b.map(receivedColumn), job.nb, job.hashes, job.options);
  reply = { ok: true, hit: r.hit, exact: r.exact, normalized: r.normalized, candidates: r.candidates };
} catch {
  reply = { ok: false };
}
port.postMessage(reply, reply.ok ? [reply.hit.buffer as ArrayBuffer] : []);
