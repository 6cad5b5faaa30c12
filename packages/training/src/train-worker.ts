import { parentPort } from 'node:worker_threads';
import { TrainingError } from './errors.js';
import { tableFromTransfer, type TableTransfer } from './table-transfer.js';
import { trainModel } from './train-model.js';
import type { TrainOptions } from './train-options.js';
import type { ThreadReply } from './train-in-worker.js';

// Worker entry of trainModelInWorker: one model per thread, handed over in the first message
// (a thread may be started ahead of need, and is then ended by its parent if no model comes);
// errors travel back as data.
const port = parentPort;
if (port === null) throw new Error('train-worker runs only as a worker thread');
const send = (m: ThreadReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
port.once('message', ({ table, options }: { table: TableTransfer; options: TrainOptions }) => {
  trainModel(tableFromTransfer(table), options, { onProgress: (p) => send({ kind: 'progress', progress: p }) }).then(
    (model) => send({ kind: 'done', onnx: model.onnx, metadata: model.metadata }, [model.onnx.buffer as ArrayBuffer]),
    (err: unknown) =>
      send({
        kind: 'failed',
        ...(err instanceof TrainingError ? { error: err.toJSON() } : {}),
        message: err instanceof Error ? err.message : String(err),
      }),
  );
});
