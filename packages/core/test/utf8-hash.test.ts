import { describe, expect, it } from 'vitest';
import { utf8BytesHash } from '../src/index.js';

const enc = new TextEncoder();

describe('utf8BytesHash', () => {
  it('hashes the bytes, wherever they sit, and tells lengths and contents apart', () => {
    const a = enc.encode('xx Zürich yy');
    const b = enc.encode('Zürich');
    expect(utf8BytesHash(a, 3, 3 + b.length)).toBe(utf8BytesHash(b, 0, b.length));
    expect(utf8BytesHash(b, 0, b.length - 1)).not.toBe(utf8BytesHash(b, 0, b.length));
    // The length seeds it: zero bytes of different runs are different values.
    const zeros = new Uint8Array(4);
    expect(new Set([0, 1, 2, 3, 4].map((n) => utf8BytesHash(zeros, 0, n))).size).toBe(5);
  });

  it('spreads identifiers that differ in one digit over the low bits a table is indexed by', () => {
    const buckets = new Int32Array(1024);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const id = enc.encode(`C${String(i).padStart(7, '0')}`);
      const h = utf8BytesHash(id, 0, id.length);
      buckets[h & 1023] = (buckets[h & 1023] as number) + 1;
    }
    const mean = n / 1024;
    // A uniform hash puts about 98 in each bucket (sd ~10); a weak one piles them into a few.
    expect(Math.max(...buckets)).toBeLessThan(mean * 1.6);
    expect(Math.min(...buckets)).toBeGreaterThan(mean * 0.5);
  });
});
