import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basename } from 'node:path';
import { errorKind, temporaryPathFor, temporaryWriterPid, writeFileAtomic, writeFileAtomicSync } from '@hokusai/core';

describe('writeFileAtomic', () => {
  it('writes pieces one after the other, shared memory and views of larger buffers included, as the joined bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-atomic-'));
    try {
      const shared = new Uint8Array(new SharedArrayBuffer(3 << 20)).map((_, i) => i % 251);
      const big = new Uint8Array(5 << 20).map((_, i) => (i * 7) % 256);
      const pieces = [new TextEncoder().encode('head'), shared, big.subarray(1000, 2_001_000), new Uint8Array(0), Uint8Array.from([9])];
      const joined = Buffer.concat(pieces);
      await writeFileAtomic(join(dir, 'a.bin'), pieces, { fsync: false });
      writeFileAtomicSync(join(dir, 'b.bin'), pieces, { fsync: false });
      expect(readFileSync(join(dir, 'a.bin')).equals(joined)).toBe(true);
      expect(readFileSync(join(dir, 'b.bin')).equals(joined)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['a.bin', 'b.bin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates the folder, replaces the file whole and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-atomic-'));
    try {
      const path = join(dir, 'nested/out.json');
      await writeFileAtomic(path, 'first');
      await writeFileAtomic(path, new TextEncoder().encode('second'), { fsync: false });
      expect(readFileSync(path, 'utf8')).toBe('second');
      expect(readdirSync(join(dir, 'nested'))).toEqual(['out.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old file and rethrows the errno error when the write fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-atomic-'));
    try {
      const path = join(dir, 'out.json');
      writeFileSync(path, 'old');
      // The target's name is a folder: the rename fails after the temporary file was written.
      const folder = join(dir, 'folder');
      await writeFileAtomic(join(folder, 'x'), 'x');
      const failure = await writeFileAtomic(folder, 'new').catch((e: unknown) => e);
      expect(errorKind(failure)).toBe('input');
      expect(readFileSync(path, 'utf8')).toBe('old');
      expect(readdirSync(dir).sort()).toEqual(['folder', 'out.json']);
      if (process.getuid?.() !== 0) {
        chmodSync(dir, 0o500);
        await expect(writeFileAtomic(path, 'new')).rejects.toMatchObject({ code: 'EACCES' });
        chmodSync(dir, 0o700);
        expect(readFileSync(path, 'utf8')).toBe('old');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the writer's process in its temporary file, and nothing else as one", () => {
    expect(temporaryWriterPid(basename(temporaryPathFor('/store/objects/ab/abcdef')))).toBe(process.pid);
    expect(temporaryWriterPid('.run.json.4242.0123456789ab.tmp')).toBe(4242);
    for (const name of ['run.json', 'abcdef', '.run.json.tmp', '.run.json.4242.0123456789.tmp', 'x.4242.0123456789ab.tmp', '.run.json.pid.0123456789ab.tmp']) expect(temporaryWriterPid(name)).toBeNull();
  });
});
