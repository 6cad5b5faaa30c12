import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileAtomicOptions {
  /**
   * Flush the file to disk before the rename (default true), so a power cut cannot leave the new
   * name pointing at empty blocks. Scratch files that are rebuilt anyway may skip it.
   */
  fsync?: boolean;
}

/**
 * Writes to a temporary name in the same folder, then renames over the target, so a reader
 * sees either the old file or the complete new one, never a half-written file. The folder is
 * created when missing. On failure the temporary file is removed and the original error (with
 * its errno code) is rethrown for the caller to word.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: WriteFileAtomicOptions = {}): Promise<void> {
  const dir = dirname(path);
  // The suffix only has to keep concurrent writers (threads, processes) apart; it never reaches a result.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** A temporary name beside `path` for a writer that streams into it and then calls `rename` itself. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}
