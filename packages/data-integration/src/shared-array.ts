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

/**
 * A buffer of at least 1 MiB gets at least this much address space: glibc's malloc then maps it
 * on its own (it is above the largest dynamic mmap threshold, 32 MiB) and returns it whole when
 * freed. A smaller buffer may be carved from the allocating thread's heap among memory freed
 * there, which the process then keeps for as long as the buffer lives. Pages never written are
 * never resident.
 */
export const OWN_MAPPING_BYTES = 32 * 1024 * 1024 + 4096;
const OWN_MAPPING_MIN = 1024 * 1024;

/** A zeroed SharedArrayBuffer of at least `bytes` (at least 8), in a mapping of its own from 1 MiB. */
export function ownSharedBuffer(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes >= OWN_MAPPING_MIN ? Math.max(bytes, OWN_MAPPING_BYTES) : Math.max(bytes, 8));
}

/**
 * ownSharedBuffer, or undefined when the address space is refused (a strict overcommit policy):
 * the caller then uses memory of its own, as without shared memory.
 */
export function ownSharedBufferIfGranted(bytes: number): SharedArrayBuffer | undefined {
  try {
    return ownSharedBuffer(bytes);
  } catch {
    return undefined;
  }
}
