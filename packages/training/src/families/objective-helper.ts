import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SHARED_COLUMN_MIN_ROWS } from '../features/feature-column.js';
import { workerScript } from '../worker-script.js';
import { BLOCK } from './binary-blocks.js';
import { CTRL, HELPER_FAILED, type HelperData } from './objective-helper-layout.js';

/** Longest wait for one evaluation's half before the fitting thread sums those rows itself. */
const HELPER_WAIT_MS = 60_000;

export interface HelperOutput {
  terms: Float64Array;
  resid: Float64Array;
  sums: Float64Array;
}

/**
 * A second thread that sums rows [from, n) of each evaluation of the binary objective while the
 * fitting thread sums rows [0, from). It returns per-row loss terms, residuals and per-block
 * gradient sums, which the fitting thread adds after its own in row order: the same additions
 * in the same order as one thread makes, so the same bits, in about half the time when a core
 * is free (the baseline's fit ends long before the new model's).
 */
export interface ObjectiveHelper {
  from: number;
  /** Starts the helper on the parameters p. */
  request(p: Float64Array): void;
  /** Waits for the helper's half; null when it failed or took too long (then no longer used). */
  collect(): HelperOutput | null;
  /** How many evaluations the helper has summed its half of. */
  served(): number;
  close(): void;
}

export interface HelperRows {
  columns: Float32Array[];
  y: Int32Array;
  sampleWeight: Float64Array;
  n: number;
}

/**
 * The helper for these rows, or null where it cannot help: fewer than `minRows` rows, one core,
 * columns not in shared memory, or the worker script missing (running from sources, unbuilt).
 */
export function startObjectiveHelper(rows: HelperRows, d: number, options: { minRows?: number } = {}): ObjectiveHelper | null {
  const { n } = rows;
  const from = Math.floor(n / 2 / BLOCK) * BLOCK;
  if (n < (options.minRows ?? SHARED_COLUMN_MIN_ROWS) || from === 0 || availableParallelism() < 2) return null;
  if (!rows.columns.every((c) => c.buffer instanceof SharedArrayBuffer)) return null;
  const script = workerScript('families/objective-worker.js');
  if (script === null) return null;
  const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));
  const data: HelperData = {
    ctrl: shared(16),
    params: shared((d + 1) * 8),
    columns: rows.columns.map((c) => ({ buffer: c.buffer as SharedArrayBuffer, byteOffset: c.byteOffset, length: c.length })),
    y: shared((n - from) * 4),
    sampleWeight: shared((n - from) * 8),
    terms: shared((n - from) * 8),
    resid: shared((n - from) * 8),
    sums: shared(Math.ceil((n - from) / BLOCK) * d * 8),
    d,
    from,
    n,
  };
  new Int32Array(data.y).set(rows.y.subarray(from, n));
  new Float64Array(data.sampleWeight).set(rows.sampleWeight.subarray(from, n));
  const ctrl = new Int32Array(data.ctrl);
  const params = new Float64Array(data.params);
  const output: HelperOutput = { terms: new Float64Array(data.terms), resid: new Float64Array(data.resid), sums: new Float64Array(data.sums) };
  const worker = new Worker(script, { workerData: data });
  // The fitting thread's event loop is busy for the whole fit: failures are read from `ctrl`.
  worker.on('error', () => undefined);
  worker.unref();
  let job = 0;
  let served = 0;
  let usable = true;
  const close = (): void => {
    if (!usable) return;
    usable = false;
    Atomics.store(ctrl, CTRL.stop, 1);
    Atomics.add(ctrl, CTRL.job, 1);
    Atomics.notify(ctrl, CTRL.job);
    void worker.terminate();
  };
  return {
    from,
    request(p) {
      params.set(p);
      job = Atomics.add(ctrl, CTRL.job, 1) + 1;
      Atomics.notify(ctrl, CTRL.job);
    },
    collect() {
      const deadline = performance.now() + HELPER_WAIT_MS;
      for (;;) {
        const done = Atomics.load(ctrl, CTRL.done);
        if (done === job) {
          served++;
          return output;
        }
        const left = deadline - performance.now();
        if (Atomics.load(ctrl, CTRL.state) === HELPER_FAILED || left <= 0) {
          close();
          return null;
        }
        Atomics.wait(ctrl, CTRL.done, done, left);
      }
    },
    served: () => served,
    close,
  };
}
