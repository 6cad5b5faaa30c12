import { Worker } from 'node:worker_threads';
import { builtScript, postableView } from '@hokusai/core';
import type { Column } from './column.js';
import { matchRows, type RowMatchResult } from './feature-match.js';
import { postColumn, type PostedColumn } from './posted-columns.js';
import type { RowHashes } from './row-hash.js';

/** What the matching thread is given: matchRows' arguments, the columns as messages. */
export interface MatchJob {
  a: PostedColumn[];
  na: number;
  b: PostedColumn[];
  nb: number;
  hashes: { a?: RowHashes; b?: RowHashes } | undefined;
  options: { refDecimals?: ArrayLike<number> } | undefined;
}

/** matchRows' result, and the thread that made it ('caller' when the worker thread failed). */
export type MatchedOn = RowMatchResult & { thread: 'worker' | 'caller' };

/** The thread's answer: matchRows' result, or that it could not match. */
export type MatchReply = ({ ok: true } & RowMatchResult) | { ok: false };

function workerScript(): string | null {
  return builtScript([new URL('./match-worker.js', import.meta.url), new URL('../dist/match-worker.js', import.meta.url)]);
}

/**
 * `matchRows` on a worker thread, so that the caller's thread can do other work meanwhile (the
 * integration checks the contribution against the base while the thread checks it against the
 * benchmark). Null when no worker script is built. The answer is matchRows' own: when the thread
 * fails for any reason, the rows are matched in this thread instead, so an error is reported
 * with matchRows' own message and a failing thread never changes a result.
 */
export function matchRowsInWorker(a: readonly Column[], na: number, b: readonly Column[], nb: number, hashes?: { a?: RowHashes; b?: RowHashes }, options?: { refDecimals?: ArrayLike<number> }): Promise<MatchedOn> | null {
  const script = workerScript();
  if (script === null) return null;
  const postedHashes = (h: RowHashes | undefined): RowHashes | undefined => (h === undefined ? undefined : { h1: postableView(h.h1), h2: postableView(h.h2) });
  const job: MatchJob = { a: a.map(postColumn), na, b: b.map(postColumn), nb, hashes: hashes === undefined ? undefined : { a: postedHashes(hashes.a), b: postedHashes(hashes.b) }, options };
  const inThisThread = (): MatchedOn => ({ ...matchRows(a, na, b, nb, hashes, options), thread: 'caller' });
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: job });
  } catch {
    return Promise.resolve().then(inThisThread);
  }
  return new Promise<MatchReply>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', () => resolve({ ok: false }));
    worker.once('exit', () => resolve({ ok: false }));
  }).then((reply) => {
    void worker.terminate();
    return reply.ok ? { hit: reply.hit, exact: reply.exact, normalized: reply.normalized, candidates: reply.candidates, thread: 'worker' } : inThisThread();
  });
}
