import { writeFileAtomic as writeThroughTemporary } from '@hokusai/core';
import { AttestationError } from './errors.js';

/**
 * Writes to a temporary name in the same folder, flushes, then renames over the target, so a
 * reader sees either the old file or the complete new one, never a half-written file.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeThroughTemporary(path, data);
  } catch (error) {
    throw new AttestationError('HOKUSAI_IO', `could not write ${path}: ${(error as Error).message}; check that the folder is writable and has free space`, { cause: error });
  }
}
