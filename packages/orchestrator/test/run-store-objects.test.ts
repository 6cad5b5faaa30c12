import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC, type Table } from 'apache-arrow';
import { RunStore, errorCode } from '../src/index.js';
import { encodeValue, sha256Of } from '../src/engine/value-codec.js';

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

  it('stores a value part by part under the same document hash as its encoding in memory, and reads it back', async () => {
    const store = new RunStore(await mkdtemp(join(tmpdir(), 'hokusai-objects-')));
    const value = {
      b: tableFromArrays({ x: Float64Array.from([1.5, -0, 3]), s: ['a', 'b', 'c'] }),
      a: { weights: Float32Array.from([0.25, 2]), raw: Uint8Array.from([7, 8]), n: Infinity, none: undefined },
      c: [tableFromArrays({ k: Int32Array.from([4, 5]) }), Int32Array.from([9])],
    };
    const hash = await store.putValue(value);
    expect(hash).toBe(sha256Of(encodeValue(value).json));
    const back = store.readValue(hash) as { b: Table; a: { weights: Float32Array; raw: Uint8Array; n: number }; c: [Table, Int32Array] };
    expect(back.b.toArray().map((r) => r.toJSON())).toEqual(value.b.toArray().map((r) => r.toJSON()));
    expect(Array.from(back.a.weights)).toEqual([0.25, 2]);
    expect(Array.from(back.a.raw)).toEqual([7, 8]);
    expect(back.a.n).toBe(Infinity);
    expect(back.a).not.toHaveProperty('none');
    expect(Array.from(back.c[0].getChild('k')!.toArray() as Int32Array)).toEqual([4, 5]);
    expect(Array.from(back.c[1])).toEqual([9]);
  });

  it('reads a table of a stored value on first use only, still checking its bytes then', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-objects-'));
    const store = new RunStore(root);
    const base = tableFromArrays({ x: Float64Array.from({ length: 1000 }, (_, i) => i) });
    const benchmark = tableFromArrays({ x: Float64Array.from([1, 2]) });
    const hash = await store.putValue({ base, benchmark, rows: 1000 });
    const baseSha = sha256Of(tableToIPC(base, 'file'));
    // The base's bytes are damaged: a reader of the benchmark alone never meets them.
    await writeFile(join(root, 'objects', baseSha.slice(0, 2), baseSha), new Uint8Array(10));
    const back = store.readValue(hash) as { base: Table; benchmark: Table; rows: number };
    expect(back.rows).toBe(1000);
    expect(back.benchmark.numRows).toBe(2);
    expect(Object.keys(back).sort()).toEqual(['base', 'benchmark', 'rows']);
    let code: string | undefined;
    try {
      void back.base.numRows;
    } catch (error) {
      code = errorCode(error);
    }
    expect(code).toBe('HOKUSAI_RUN_STORE_CORRUPT');
    // Once read, a table is kept: the same object on every read.
    expect(back.benchmark).toBe(back.benchmark);
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
