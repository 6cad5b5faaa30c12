import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AttestationError } from './errors.js';

/**
 * Writes to a temporary name in the same folder, flushes, then renames over the target, so a
 * reader sees either the old file or the complete new one, never a half-written file.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  // The suffix only has to avoid collisions between concurrent writers; it never reaches a result.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new AttestationError('HOKUSAI_IO', `could not write ${path}: ${(error as Error).message}; check that the folder is writable and has free space`, { cause: error });
  }
}
