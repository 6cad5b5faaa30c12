import { Worker } from 'node:worker_threads';
import { builtScript } from '@hokusai/core';
import { readBatchFiles } from './aligned-batches.js';
import type { DataFormat, DatasetManifest } from './dataset.js';
import { workerError, type WorkerFailure } from './errors.js';
import { manifestOverBatches, type ManifestOverBatchesOptions } from './manifest-over-batches.js';

export type ManifestWorkerReply = { ok: true; manifest: DatasetManifest } | WorkerFailure;

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  return builtScript([new URL('./manifest-over-batches-worker.js', import.meta.url), new URL('../dist/manifest-over-batches-worker.js', import.meta.url)]);
}

/**
 * manifestOverBatches of batch files (Arrow IPC, as loadDatasetInBatches writes them) on a worker
 * thread, so that a streaming run's manifests take the other core while its integration runs on
 * this one (on one thread the two took turns). Same manifest; errors are the same typed errors.
 */
export async function manifestOverBatchesInWorker(files: readonly string[], meta: { source_path: string; format: DataFormat; file_sha256: string }, options: ManifestOverBatchesOptions): Promise<DatasetManifest> {
  const script = workerScript();
  if (script === null) return manifestOverBatches(readBatchFiles(files), meta, options);
  const worker = new Worker(script, { workerData: { files: [...files], meta, options } });
  try {
    return await new Promise<DatasetManifest>((resolve, reject) => {
      worker.once('message', (m: ManifestWorkerReply) => (m.ok ? resolve(m.manifest) : reject(workerError(m))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the manifest thread for ${meta.source_path} stopped (exit code ${code}) before answering`)));
    });
  } finally {
    await worker.terminate();
  }
}
