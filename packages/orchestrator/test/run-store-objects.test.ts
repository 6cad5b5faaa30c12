import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore, errorCode } from '../src/index.js';

describe('run store objects', () => {
  it('reads back what was put, small or large, each as bytes owning their whole buffer', async () => {
    const store = new RunStore(await mkdtemp(join(tmpdir(), 'hokusai-objects-')));
    for (const size of [0, 100, 5000, 300_000]) {
      const put = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
      const got = store.readObject(await store.putObject(put));
      expect(Buffer.from(got).equals(Buffer.from(put))).toBe(true);
      // A reader may view got.buffer (typed arrays over it): it must hold these bytes only.
      expect(got.byteOffset).toBe(0);
      expect(got.buffer.byteLength).toBe(size);
    }
  });

  it('still refuses an object whose bytes no longer match its hash', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-objects-'));
    const store = new RunStore(root);
    const sha = await store.putObject(new Uint8Array(300_000).fill(1));
    await writeFile(join(root, 'objects', sha.slice(0, 2), sha), new Uint8Array(300_000).fill(2));
    let code: string | undefined;
    try {
      store.readObject(sha);
    } catch (error) {
      code = errorCode(error);
    }
    expect(code).toBe('HOKUSAI_RUN_STORE_CORRUPT');
  });
});
