import { parentPort, workerData } from 'node:worker_threads';
import { readBatchFiles } from './aligned-batches.js';
import type { DataFormat } from './dataset.js';
import { workerFailure } from './errors.js';
import { manifestOverBatches, type ManifestOverBatchesOptions } from './manifest-over-batches.js';
import type { ManifestWorkerReply } from './manifest-over-batches-in-worker.js';

// Worker entry of manifestOverBatchesInWorker: builds one input's manifest from its batch files.
const { files, meta, options } = workerData as { files: string[]; meta: { source_path: string; format: DataFormat; file_sha256: string }; options: ManifestOverBatchesOptions };
const port = parentPort;
if (port === null) throw new Error('manifest-over-batches-worker runs only as a worker thread');
try {
  const manifest = await manifestOverBatches(readBatchFiles(files), meta, options);
  port.postMessage({ ok: true, manifest } satisfies ManifestWorkerReply);
} catch (err) {
  port.postMessage(workerFailure(err) satisfies ManifestWorkerReply);
}
