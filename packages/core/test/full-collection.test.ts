import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fullCollection } from '../src/index.js';

describe('fullCollection', () => {
  it('frees what is unreachable at once, and leaves no gc() behind in new contexts', async () => {
    const exposedBefore = runInNewContext('typeof gc') as string;
    const ref = ((): WeakRef<Uint8Array> => new WeakRef(new Uint8Array(1 << 20)))();
    // A WeakRef keeps its target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    fullCollection();
    expect(ref.deref()).toBeUndefined();
    expect(runInNewContext('typeof gc')).toBe(exposedBefore);
  });
});
