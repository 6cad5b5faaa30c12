/**
 * Rows grouped by the top bits of their 32-bit hashes, so that each group can be counted with a
 * table small enough to stay in cache (equal values have equal hashes, so they share a group):
 * the plan of the groups, which a caller then fills. A hash of -1 marks a row left out.
 */
export interface HashPartitions {
  /** A row's group is `hash >>> shift`. */
  shift: number;
  parts: number;
  /** Group p's rows go to [start[p], start[p + 1]) of the grouped arrays; start[parts] rows in all. */
  start: Int32Array;
  /** Rows in the largest group. */
  largest: number;
}

/** 16 to 4,096 groups, as many as give about `rowsPerPart` rows each out of `n`. */
export function hashPartitions(hashes: Int32Array, n: number, rowsPerPart: number): HashPartitions {
  let bits = 4;
  while (bits < 12 && n >>> bits > rowsPerPart) bits++;
  const parts = 1 << bits;
  const shift = 32 - bits;
  const start = new Int32Array(parts + 1);
  for (let i = 0; i < n; i++) {
    const h = hashes[i] as number;
    if (h !== -1) start[(h >>> shift) + 1] = (start[(h >>> shift) + 1] as number) + 1;
  }
  let largest = 0;
  for (let p = 0; p < parts; p++) {
    largest = Math.max(largest, start[p + 1] as number);
    start[p + 1] = (start[p + 1] as number) + (start[p] as number);
  }
  return { shift, parts, start, largest };
}

/** The room of an open-addressing table for `entries` kept at most half full: a power of two, at least 16. */
export function tableCapacity(entries: number): number {
  let cap = 16;
  while (cap < entries * 2) cap *= 2;
  return cap;
}
