import { Worker } from 'node:worker_threads';
import type { Table } from 'apache-arrow';
import type { HokusaiErrorJson } from '@hokusai/core';
import { TrainingError } from './errors.js';
import { registeredBuiltins } from './families/builtin-families.js';
import type { TrainProgress } from './model-interface.js';
import { tableTransfer } from './table-transfer.js';
import { trainModel, type ModelMetadata } from './train-model.js';
import type { TrainOptions } from './train-options.js';
import { workerScript } from './worker-script.js';

export type ThreadReply =
  | { kind: 'progress'; progress: TrainProgress }
  | { kind: 'done'; onnx: Uint8Array; metadata: ModelMetadata }
  | { kind: 'failed'; error?: HokusaiErrorJson; message: string };

/** Threads started by `warmTrainThreads`, idle until a model is handed to one, each with the timer that ends it. */
const spares: { worker: Worker; idle: NodeJS.Timeout }[] = [];

/**
 * Starts up to `count` training threads now, so that a later `trainModelInWorker` finds one
 * with its modules loaded (about 0.2 s each here) instead of starting it then. Call it when a
 * large table is about to be trained, while other work runs. A thread no model reaches within
 * `idleMs` ends; idle threads never keep the process alive.
 */
export function warmTrainThreads(count: number, idleMs = 60_000): void {
  const script = workerScript('train-worker.js');
  if (script === null) return;
  while (spares.length < count) {
    const worker = new Worker(script);
    worker.unref();
    // Ended from this thread, not by the thread itself: a model handed over by a caller that was
    // busy past the idle time (a long synchronous step) must never reach a thread that has ended.
    const idle = setTimeout(() => {
      dropSpare(worker);
      void worker.terminate();
    }, idleMs);
    idle.unref();
    // An idle thread that ends or fails is simply no longer a spare.
    worker.on('error', () => undefined);
    worker.once('exit', () => dropSpare(worker));
    spares.push({ worker, idle });
  }
}

function dropSpare(worker: Worker): void {
  const at = spares.findIndex((s) => s.worker === worker);
  if (at < 0) return;
  clearTimeout((spares[at] as (typeof spares)[number]).idle);
  spares.splice(at, 1);
}

/** A started idle thread, no longer a spare, or undefined. */
function takeSpare(): Worker | undefined {
  const spare = spares.shift();
  if (spare === undefined) return undefined;
  clearTimeout(spare.idle);
  return spare.worker;
}

/** Threads started by `warmTrainThreads` that no model has reached yet. */
export function idleTrainThreads(): number {
  return spares.length;
}

/** Whether `trainModelInWorker` trains this family on a worker thread (the built-in ones) or in the calling thread (custom ones). */
export function familyTrainsInWorker(family: string): boolean {
  return workerScript('train-worker.js') !== null && registeredBuiltins().includes(family);
}

/**
 * `trainModel` on a worker thread, so that two models (a baseline and a new one) train on two
 * cores at once. The same code runs on the same rows, so the ONNX bytes are the same as in this
 * thread. Custom families are registered only in this thread and train here. `signal` ends the
 * thread's training when aborted (a model no one needs any more); the promise then rejects with
 * the signal's reason.
 */
export async function trainModelInWorker(table: Table, options: TrainOptions, hooks: { onProgress?: (p: TrainProgress) => void; signal?: AbortSignal } = {}): Promise<{ onnx: Uint8Array; metadata: ModelMetadata }> {
  const script = workerScript('train-worker.js');
  const family = options.family ?? 'logistic_regression';
  hooks.signal?.throwIfAborted();
  if (script === null || !registeredBuiltins().includes(family)) {
    const model = await trainModel(table, options, hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress });
    return { onnx: model.onnx, metadata: model.metadata };
  }
  const worker = takeSpare() ?? new Worker(script);
  worker.ref();
  // The table's shared buffers reach the thread as the same memory; the others are copied.
  worker.postMessage({ table: tableTransfer(table), options });
  return new Promise((resolve, reject) => {
    let settled = false;
    const abort = (): void => {
      if (settled) return;
      settled = true;
      reject(hooks.signal?.reason);
      void worker.terminate();
    };
    hooks.signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (m: ThreadReply) => {
      if (settled) return;
      if (m.kind === 'progress') hooks.onProgress?.(m.progress);
      else {
        settled = true;
        hooks.signal?.removeEventListener('abort', abort);
        if (m.kind === 'done') resolve({ onnx: m.onnx, metadata: m.metadata });
        else reject(TrainingError.fromJSON(m.error) ?? new Error(m.message));
      }
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the training thread stopped (exit code ${code}) before it finished`));
    });
  });
}
