import { parentPort, workerData } from 'node:worker_threads';
import { workerFailure } from './errors.js';
import type { ParquetWorkerMessage } from './parquet-batches.js';
import { decodeParquetBatches, type DecodeOptions } from './parquet-batches-decode.js';

// Worker entry of loadParquetInBatches' first pass: decodes one Parquet file into batch files.
const { path, options } = workerData as { path: string; options: DecodeOptions };
const port = parentPort;
if (port === null) throw new Error('parquet-batches-worker runs only as a worker thread');
try {
  const pass = await decodeParquetBatches(path, options, (written) => port.postMessage({ written } satisfies ParquetWorkerMessage));
  port.postMessage({ ok: true, pass } satisfies ParquetWorkerMessage);
} catch (err) {
  port.postMessage(workerFailure(err) satisfies ParquetWorkerMessage);
}
