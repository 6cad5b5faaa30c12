import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { loadDataset, type KnownFileHash } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const realSha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const knownOf = (path: string, sha256: string): KnownFileHash => {
  const st = statSync(path);
  return { sha256, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
};
// A hash no file has: it can only reach the manifest by being taken as given.
const GIVEN = 'ab'.repeat(32);

describe('a CSV load given the file hash the caller made (knownSha256)', () => {
  it('takes it while the file has the stat it was made under, and hashes the file itself otherwise', async () => {
    const path = tmp.write('known.csv', 'x,y,label\n1,2.5,0\n3,4.5,1\n');
    const taken = await loadDataset(path, { knownSha256: knownOf(path, GIVEN) });
    expect(taken.manifest.file_sha256).toBe(GIVEN);
    expect(taken.table.numRows).toBe(2);
    // Another modification time (the file was written since): hashed as it is read.
    const stale = await loadDataset(path, { knownSha256: { ...knownOf(path, GIVEN), mtimeMs: 1 } });
    expect(stale.manifest.file_sha256).toBe(realSha(path));
    // No hash given: as always.
    expect((await loadDataset(path)).manifest.file_sha256).toBe(realSha(path));
  });

  it('reads a file changed while it was read again, hashing it, instead of taking the hash', async () => {
    const path = tmp.write('changing.csv', 'x,label\n1,0\n2,1\n3,0\n');
    let touched = false;
    const loaded = await loadDataset(path, {
      knownSha256: knownOf(path, GIVEN),
      // The first progress report comes while the file is read: its times change then.
      onProgress: () => {
        if (touched) return;
        touched = true;
        utimesSync(path, new Date(2001, 1, 1), new Date(2001, 1, 1));
      },
    });
    expect(touched).toBe(true);
    expect(loaded.manifest.file_sha256).toBe(realSha(path));
    expect(loaded.table.numRows).toBe(3);
  });

  it('refuses a malformed hash as an invalid option', async () => {
    const path = tmp.write('bad-known.csv', 'x,label\n1,0\n');
    await expect(loadDataset(path, { knownSha256: { ...knownOf(path, GIVEN), sha256: 'not-hex' } })).rejects.toThrow(/invalid load options/);
  });
});
