import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
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
 * sees either the old file or the complete new one, never a half-written file. `data` may be
 * given as pieces, which the file then holds one after the other. The folder is
 * created when missing. On failure the temporary file is removed and the original error (with
 * its errno code) is rethrown for the caller to word.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string | readonly Uint8Array[], options: WriteFileAtomicOptions = {}): Promise<void> {
  await writeViaTemporary(path, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      // Pieces (an Arrow table's buffers, say) are written one after the other, never joined.
      for (const piece of piecesOf(data)) await writeWhole(handle, piece);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/**
 * All of `bytes` in as few write calls as the system takes (FileHandle.writeFile goes 512 KiB at a
 * time, a round trip to the thread pool each: 63 ms against 24 ms for 124 MB here).
 */
async function writeWhole(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.byteLength - at);
    at += bytesWritten;
  }
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
 * `writeFileAtomic` for callers that must not yield (state saved inside a synchronous update, a
 * thread that only writes); `mode` sets the new file's permissions (0o600 for secrets).
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string | readonly Uint8Array[], options: WriteFileAtomicOptions & { mode?: number } = {}): void {
  const tmp = temporaryPathFor(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w', options.mode ?? 0o666);
    try {
      for (const piece of piecesOf(data)) {
        for (let at = 0; at < piece.byteLength; ) at += writeSync(fd, piece, at, piece.byteLength - at);
      }
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

function piecesOf(data: Uint8Array | string | readonly Uint8Array[]): readonly Uint8Array[] {
  return typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
}

/** A temporary name beside `path`; the suffix only keeps concurrent writers (threads, processes) apart. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

const TEMPORARY_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * The process id of the writer of a file named by `temporaryPathFor` (its base name), or null for
 * any other name: a process killed while writing leaves such a file, which its id tells apart
 * from one still being written.
 */
export function temporaryWriterPid(name: string): number | null {
  const m = TEMPORARY_NAME.exec(name);
  return m === null ? null : Number(m[1]);
}
