import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Shared by the run store and its writer thread (which loads nothing heavier than this).

/** Where a run store keeps the object of this SHA-256 (under `objects/` of its root). */
export function objectPath(root: string, sha256: string): string {
  return join(root, 'objects', sha256.slice(0, 2), sha256);
}

/** The SHA-256 (hex) of an object's bytes, given as the pieces it is written from. */
export function piecesSha256(pieces: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return hash.digest('hex');
}

/** Whether the object file holds the bytes its name says (false when missing or damaged). */
export function objectIntact(path: string, sha256: string): boolean {
  // A new object (the usual case) is told by its absence, without a failed read.
  if (!existsSync(path)) return false;
  try {
    return piecesSha256([readFileSync(path)]) === sha256;
  } catch {
    return false;
  }
}
