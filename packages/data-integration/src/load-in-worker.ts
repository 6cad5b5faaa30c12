import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tableFromIPC } from 'apache-arrow';
import type { DatasetManifest, LoadedDataset } from './dataset.js';
import { DataIntegrationError } from './errors.js';
import type { HokusaiErrorJson } from '@hokusai/core';
import { loadDataset } from './load-dataset.js';
import type { LoadOptions, LoadProgress } from './load-dataset.js';
import { rememberSource } from './source-info.js';
import type { SourceInfo } from './source-info.js';
import type { ValidationReport } from './validation.js';

export type WorkerReply =
  | { ok: 'progress'; progress: LoadProgress }
  | { ok: true; ipc: Uint8Array; manifest: DatasetManifest; source: SourceInfo; validation?: ValidationReport }
  | { ok: false; error?: HokusaiErrorJson; message: string };

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  for (const url of [new URL('./load-worker.js', import.meta.url), new URL('../dist/load-worker.js', import.meta.url)]) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * `loadDataset` on a worker thread, manifest included, so that several files load on several
 * cores. The table comes back through Arrow IPC (its buffer moved, not copied); low-cardinality
 * string columns arrive dictionary-encoded, which keeps one copy of each distinct value. Errors
 * are the same typed errors, with the same file, row and column.
 */
export async function loadDatasetInWorker(path: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  const script = workerScript();
  if (script === null) {
    const dataset = await loadDataset(path, options);
    void dataset.manifest;
    return dataset;
  }
  // A function cannot cross to the thread: progress comes back as messages instead.
  const { onProgress, ...plain } = options;
  const reply = await new Promise<Exclude<WorkerReply, { ok: 'progress' }>>((resolve, reject) => {
    const worker = new Worker(script, { workerData: { path, options: plain, progress: onProgress !== undefined } });
    let answered = false;
    worker.on('message', (m: WorkerReply) => {
      if (m.ok === 'progress') onProgress?.(m.progress);
      else {
        answered = true;
        resolve(m);
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the loader thread for ${path} stopped (exit code ${code}) before answering`));
    });
  });
  if (!reply.ok) {
    // A typed error crosses the thread in its JSON form, so file, row and column survive.
    throw DataIntegrationError.fromJSON(reply.error) ?? new Error(reply.message);
  }
  const table = tableFromIPC(reply.ipc);
  rememberSource(table, reply.source);
  return { table, path, manifest: reply.manifest, ...(reply.validation ? { validation: reply.validation } : {}) };
}
