type NumberArray = Int32Array | Uint8Array | Float64Array;

/**
 * A zeroed typed array of `n` entries, in a SharedArrayBuffer once it holds 1 MiB or more: tables
 * taken from others (the merged table, the treated ones) go on to training threads, which read
 * shared memory in place instead of receiving a copy.
 */
export function sharedArray<T extends NumberArray>(Kind: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T {
  const bytes = n * Kind.BYTES_PER_ELEMENT;
  return bytes < 1 << 20 ? new Kind(n) : new Kind(new SharedArrayBuffer(bytes));
}
