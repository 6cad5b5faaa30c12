import { parentPort, workerData } from 'node:worker_threads';
import { tableToIPC } from 'apache-arrow';
import { DataIntegrationError } from './errors.js';
import { dictionaryEncoded } from './dictionary-encode.js';
import { loadDataset } from './load-dataset.js';
import type { LoadOptions } from './load-dataset.js';
import { sourceOf } from './source-info.js';
import type { WorkerReply } from './load-in-worker.js';

// Worker entry of loadTableInWorker: loads one file and hands the table back as Arrow IPC bytes
// whose buffer is transferred, not copied; then builds the manifest, which the caller awaits
// only where it needs it (the table's consumers start meanwhile).
const { path, options, progress } = workerData as { path: string; options: LoadOptions; progress: boolean };
const port = parentPort;
if (port === null) throw new Error('load-worker runs only as a worker thread');
try {
  const dataset = await loadDataset(path, progress ? { ...options, onProgress: (p) => port.postMessage({ ok: 'progress', progress: p } satisfies WorkerReply) } : options);
  const ipc = tableToIPC(dictionaryEncoded(dataset.table, path), 'stream');
  const reply: WorkerReply = { ok: true, ipc, source: sourceOf(dataset), ...(dataset.validation ? { validation: dataset.validation } : {}) };
  port.postMessage(reply, [ipc.buffer as ArrayBuffer]);
  port.postMessage({ ok: 'manifest', manifest: dataset.manifest } satisfies WorkerReply);
} catch (err) {
  const reply: WorkerReply =
    err instanceof DataIntegrationError
      ? { ok: false, error: err.toJSON(), message: err.message }
      : { ok: false, message: err instanceof Error ? err.message : String(err) };
  port.postMessage(reply);
}
