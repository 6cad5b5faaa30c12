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

describe('fullCollection on several threads at once', () => {
  it('never throws when threads reach the collector together (each one toggles the process\'s flag)', async () => {
    const { Worker } = await import('node:worker_threads');
    const script = new URL('../dist/full-collection.js', import.meta.url).href;
    // Each round, eight fresh threads wait on one barrier, then all reach fullCollection's first call.
    for (let round = 0; round < 10; round++) {
      const barrier = new Int32Array(new SharedArrayBuffer(4));
      const source = `const { workerData, parentPort } = require('node:worker_threads');
        import(workerData.script).then(({ fullCollection }) => {
          const b = new Int32Array(workerData.barrier);
          Atomics.add(b, 0, 1);
          while (Atomics.load(b, 0) < 8) Atomics.wait(b, 0, Atomics.load(b, 0), 5);
          try { fullCollection(); parentPort.postMessage('ok'); } catch (e) { parentPort.postMessage(String(e)); }
        });`;
      const replies = await Promise.all(Array.from({ length: 8 }, () => new Promise<string>((resolve) => {
        const w = new Worker(source, { eval: true, workerData: { script, barrier: barrier.buffer } });
        w.once('message', (m: string) => {
          resolve(m);
          void w.terminate();
        });
        w.once('error', (e) => resolve(String(e)));
      })));
      expect(replies).toEqual(Array.from({ length: 8 }, () => 'ok'));
    }
  });
});
