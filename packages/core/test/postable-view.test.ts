import { describe, expect, it } from 'vitest';
import { postedAcross as across } from '@hokusai/test-helpers';
import { postableView } from '../src/index.js';

describe('postableView', () => {
  it('posts shared memory as the same memory, a whole buffer as it is, and a part of a larger buffer as that part only', async () => {
    const shared = new Float64Array(new SharedArrayBuffer(80));
    expect(postableView(shared)).toBe(shared);
    const got = await across(postableView(shared));
    shared[3] = 7.5;
    expect(got[3]).toBe(7.5);

    const whole = Int32Array.from([1, 2, 3]);
    expect(postableView(whole)).toBe(whole);

    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    const part = big.subarray(1000, 1010);
    const sent = postableView(part);
    expect(sent).not.toBe(part);
    expect(sent.buffer.byteLength).toBe(10);
    expect(Array.from(await across(sent))).toEqual(Array.from(part));
    // Without it, the whole megabyte would travel.
    expect((await across(part)).buffer.byteLength).toBe(1 << 20);

    expect(postableView(null)).toBe(null);
    expect(postableView('text')).toBe('text');
  });
});
