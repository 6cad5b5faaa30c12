import { workerData } from 'node:worker_threads';
import { BLOCK, rangeTerms } from './binary-blocks.js';
import { CTRL, HELPER_FAILED, HELPER_READY, type HelperData } from './objective-helper-layout.js';

// Helper thread of the binary logistic objective: sums rows [from, n) of every evaluation the
// fitting thread asks for, in shared memory, and writes the terms out for it to add in row order.
const data = workerData as HelperData;
const ctrl = new Int32Array(data.ctrl);
const params = new Float64Array(data.params);
const columns = data.columns.map((c) => new Float32Array(c.buffer, c.byteOffset, c.length));
const y = new Int32Array(data.y);
const sampleWeight = new Float64Array(data.sampleWeight);
const out = { terms: new Float64Array(data.terms), resid: new Float64Array(data.resid), sums: new Float64Array(data.sums) };
const zb = new Float64Array(BLOCK);

let seen = 0;
try {
  Atomics.store(ctrl, CTRL.state, HELPER_READY);
  for (;;) {
    Atomics.wait(ctrl, CTRL.job, seen);
    seen = Atomics.load(ctrl, CTRL.job);
    if (Atomics.load(ctrl, CTRL.stop) === 1) break;
    rangeTerms(columns, y, sampleWeight, params, data.d, data.from, data.n, zb, out);
    Atomics.store(ctrl, CTRL.done, seen);
    Atomics.notify(ctrl, CTRL.done);
  }
} catch {
  // The fitting thread then sums these rows itself (same bits).
  Atomics.store(ctrl, CTRL.state, HELPER_FAILED);
  Atomics.notify(ctrl, CTRL.done);
}
