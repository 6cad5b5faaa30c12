import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceFolderAtomic, writeFileAtomicSync, writeViaTemporary } from '@hokusai/core';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'hokusai-atomic-'));
}

describe('writeViaTemporary (a writer that streams into a path)', () => {
  it('renames what the writer wrote over the target, and leaves nothing else', async () => {
    const dir = scratch();
    try {
      const path = join(dir, 'table.csv');
      writeFileSync(path, 'old');
      await writeViaTemporary(path, async (temporary) => {
        expect(temporary).not.toBe(path);
        writeFileSync(temporary, 'a,b\n1,2\n');
      });
      expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
      expect(readdirSync(dir)).toEqual(['table.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old file, removes the half-written one and rethrows when the writer fails', async () => {
    const dir = scratch();
    try {
      const path = join(dir, 'table.csv');
      writeFileSync(path, 'old');
      const failure = await writeViaTemporary(path, async (temporary) => {
        writeFileSync(temporary, 'a,b\n1,');
        throw new Error('disk full');
      }).catch((e: unknown) => e);
      expect((failure as Error).message).toBe('disk full');
      expect(readFileSync(path, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['table.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeFileAtomicSync', () => {
  it('replaces the file whole with the mode asked for, and keeps the old one when it fails', () => {
    const dir = scratch();
    try {
      const path = join(dir, 'keys.json');
      writeFileAtomicSync(path, '{"keys":[]}\n', { mode: 0o600 });
      expect(readFileSync(path, 'utf8')).toBe('{"keys":[]}\n');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      mkdirSync(join(dir, 'folder', 'inside'), { recursive: true });
      expect(() => writeFileAtomicSync(join(dir, 'folder'), 'x')).toThrow();
      expect(readdirSync(dir).sort()).toEqual(['folder', 'keys.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replaceFolderAtomic', () => {
  it('puts the filled folder in place of the old one, old files gone, no staging left', async () => {
    const dir = scratch();
    try {
      const target = join(dir, 'model');
      mkdirSync(target);
      writeFileSync(join(target, 'stale.txt'), 'old');
      await replaceFolderAtomic(target, async (staging) => writeFileSync(join(staging, 'MLmodel'), 'new'), { suffix: 'r1' });
      expect(readdirSync(target)).toEqual(['MLmodel']);
      expect(readdirSync(dir)).toEqual(['model']);
      // Also when there was no folder yet.
      await replaceFolderAtomic(join(dir, 'fresh'), async (staging) => writeFileSync(join(staging, 'a'), 'a'), { suffix: 'r2' });
      expect(readdirSync(join(dir, 'fresh'))).toEqual(['a']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the old folder untouched and removes the staging folder when filling fails', async () => {
    const dir = scratch();
    try {
      const target = join(dir, 'out');
      mkdirSync(target);
      writeFileSync(join(target, 'attestation.json'), 'old');
      const failure = await replaceFolderAtomic(target, async (staging) => {
        writeFileSync(join(staging, 'attestation.json'), 'half');
        throw new Error('no space left');
      }, { suffix: 'r3' }).catch((e: unknown) => e);
      expect((failure as Error).message).toBe('no space left');
      expect(readFileSync(join(target, 'attestation.json'), 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['out']);
      expect(existsSync(`${target}.partial-r3`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
