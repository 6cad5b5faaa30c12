import { builtScript } from '@hokusai/core';
import { Worker } from 'node:worker_threads';
import { tableToIPC, type Table } from 'apache-arrow';
import { profileColumns, type ColumnProfile, type DatasetRole } from './column-profile.js';

/** Fewer rows in all are profiled in this thread: a worker's start-up and the copy would cost more. */
const THREAD_MIN_ROWS = 200_000;

function workerScript(): string | null {
  return builtScript([new URL('./profile-worker.js', import.meta.url), new URL('../../../dist/flow/data-profile/profile-worker.js', import.meta.url)]);
}

/**
 * `profileColumns` on a worker thread for large tables, so the integrate step plans features on
 * this thread meanwhile: only the profiled columns cross (as Arrow IPC), and the profiles are
 * the same as in this thread (tested).
 */
export function profileColumnsInWorker(tables: Record<DatasetRole, Table>, options: Parameters<typeof profileColumns>[1]): Promise<ColumnProfile[]> {
  const rows = tables.base.numRows + tables.contributed.numRows + tables.benchmark.numRows;
  const script = workerScript();
  if (rows < THREAD_MIN_ROWS || script === null) return Promise.resolve().then(() => profileColumns(tables, options));
  const leaveOut = new Set([options.target, ...options.leaveOut]);
  const names = tables.base.schema.fields.map((f) => f.name).filter((name) => !leaveOut.has(name));
  const ipc = {
    base: tableToIPC(tables.base.select(names), 'stream'),
    contributed: tableToIPC(tables.contributed.select(names), 'stream'),
    benchmark: tableToIPC(tables.benchmark.select(names), 'stream'),
  };
  const worker = new Worker(script);
  worker.postMessage({ ipc, options }, [ipc.base.buffer as ArrayBuffer, ipc.contributed.buffer as ArrayBuffer, ipc.benchmark.buffer as ArrayBuffer]);
  return new Promise<ColumnProfile[]>((resolve, reject) => {
    worker.once('message', (m: { profiles?: ColumnProfile[]; error?: string }) => (m.profiles === undefined ? reject(new Error(`column profiles: ${m.error}`)) : resolve(m.profiles)));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the column profile thread stopped (exit code ${code})`)));
  }).finally(() => void worker.terminate());
}
