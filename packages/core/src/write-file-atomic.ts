import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
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
  await writeViaTemporary(path, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/**
 * The one temporary-then-rename: `write` fills a temporary path beside `path` (by streaming into
 * it, or by handing it to a tool that writes files), which is then renamed over `path`. The folder
 * is created when missing unless `createFolder` is false. On failure the temporary file is removed and the error rethrown.
 */
export async function writeViaTemporary(path: string, write: (temporary: string) => Promise<void>, options: { createFolder?: boolean } = {}): Promise<void> {
  const tmp = temporaryPathFor(path);
  try {
    if (options.createFolder !== false) await mkdir(dirname(path), { recursive: true });
    await write(tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * `writeFileAtomic` for callers that must not yield (state saved inside a synchronous update);
 * `mode` sets the new file's permissions (0o600 for secrets).
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, options: WriteFileAtomicOptions & { mode?: number } = {}): void {
  const tmp = temporaryPathFor(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w', options.mode ?? 0o666);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (options.fsync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** A temporary name beside `path`; the suffix only keeps concurrent writers (threads, processes) apart. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}
