import { parentPort, workerData } from 'node:worker_threads';
import type { ColumnTable } from './column.js';
import { DataIntegrationError } from './errors.js';
import { fullCollection } from './full-collection.js';
import { loadDataset } from './load-dataset.js';
import type { LoadOptions } from './load-dataset.js';
import { buildManifest } from './manifest.js';
import { sharedHandOff } from './shared-columns.js';
import { sourceOf } from './source-info.js';
import type { WorkerReply } from './load-in-worker.js';

// Worker entry of loadTableInWorker: loads one file, hands the table on over shared memory,
// then builds the manifest from the same columns, which the caller awaits only where it needs
// it (the table's consumers start meanwhile).
const { path, options, progress } = workerData as { path: string; options: LoadOptions; progress: boolean };
const port = parentPort;
if (port === null) throw new Error('load-worker runs only as a worker thread');

/**
 * Loads the file and sends the table; returns what the manifest needs and nothing else, so what
 * was copied to shared memory can be freed here.
 */
async function handOn(send: (m: WorkerReply) => void): Promise<{ columns: ColumnTable; meta: Parameters<typeof buildManifest>[1] }> {
  const dataset = await loadDataset(path, progress ? { ...options, onProgress: (p) => send({ ok: 'progress', progress: p }) } : options);
  const source = sourceOf(dataset);
  const { message, columns } = sharedHandOff(dataset.table, path);
  send({ ok: true, table: message, source, ...(dataset.validation ? { validation: dataset.validation } : {}) });
  return { columns, meta: { source_path: path, ...source } };
}

try {
  const { columns, meta } = await handOn((m) => port.postMessage(m));
  // What handOn parsed and copied is unreachable now: freed before the manifest's own arrays.
  fullCollection();
  port.postMessage({ ok: 'manifest', manifest: buildManifest(columns, meta) } satisfies WorkerReply);
} catch (err) {
  const reply: WorkerReply =
    err instanceof DataIntegrationError
      ? { ok: false, error: err.toJSON(), message: err.message }
      : { ok: false, message: err instanceof Error ? err.message : String(err) };
  port.postMessage(reply);
}
