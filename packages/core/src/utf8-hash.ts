/**
 * A 32-bit hash of the bytes bytes[s..e) (FNV-1a seeded with the length, then mixed so that the
 * low bits spread over a power-of-two table): for tables keyed by a text value's UTF-8, which
 * compare the bytes themselves on a match.
 */
export function utf8BytesHash(bytes: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 ^ (e - s);
  for (let k = s; k < e; k++) h = Math.imul(h ^ (bytes[k] as number), 0x01000193);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
