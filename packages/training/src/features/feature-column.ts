/** Tables from this many rows get their feature columns in shared memory (see featureColumn). */
export const SHARED_COLUMN_MIN_ROWS = 1 << 18;

/**
 * A zeroed feature column of n values. From SHARED_COLUMN_MIN_ROWS rows it lives on a
 * SharedArrayBuffer, so the logistic objective's helper thread reads it without a copy; element
 * access is the same either way.
 */
export function featureColumn(n: number): Float32Array {
  return n >= SHARED_COLUMN_MIN_ROWS ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
}
