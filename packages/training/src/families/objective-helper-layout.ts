/** Slots of the control array shared by the fitting thread and the objective's helper thread. */
export const CTRL = { job: 0, done: 1, state: 2, stop: 3 } as const;
export const HELPER_READY = 1;
export const HELPER_FAILED = 2;

/** What the helper thread is started with: shared buffers only. */
export interface HelperData {
  ctrl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  columns: { buffer: SharedArrayBuffer; byteOffset: number; length: number }[];
  /** Labels and weights of rows [from, n). */
  y: SharedArrayBuffer;
  sampleWeight: SharedArrayBuffer;
  terms: SharedArrayBuffer;
  resid: SharedArrayBuffer;
  sums: SharedArrayBuffer;
  d: number;
  from: number;
  n: number;
}
