import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { HmacSha256 } from '../src/hmac-sha256.js';

describe('HMAC-SHA-256', () => {
  it('matches node:crypto for RFC 4231 test case 2', () => {
    expect(new HmacSha256(Buffer.from('Jefe')).hex('what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('matches node:crypto for any key and value, ASCII or not, short or multi-block', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.string({ unit: 'grapheme', maxLength: 150 }), (key, value) => {
        const ours = new HmacSha256(key);
        const want = createHmac('sha256', key).update(value, 'utf8').digest('hex');
        expect(ours.hex(value)).toBe(want);
        // The object is reused across values: the second call must not see the first's state.
        expect(ours.hex(`${value}x`)).toBe(createHmac('sha256', key).update(`${value}x`, 'utf8').digest('hex'));
      }),
      { numRuns: 300, seed: 4231 },
    );
  });

  it('gives the same hex from UTF-8 bytes in place as from the string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.array(fc.string({ unit: 'grapheme', maxLength: 120 }), { minLength: 1, maxLength: 5 }), (key, values) => {
        const ours = new HmacSha256(key);
        const joined = Buffer.from(`<${values.join('')}>`, 'utf8');
        const out = new Uint8Array(values.length * 64 + 3);
        let from = 1;
        values.forEach((v, i) => {
          const len = Buffer.byteLength(v, 'utf8');
          ours.hexOfBytes(joined, from, from + len, out, 3 + i * 64);
          from += len;
        });
        values.forEach((v, i) => {
          expect(Buffer.from(out.subarray(3 + i * 64, 3 + (i + 1) * 64)).toString('latin1')).toBe(createHmac('sha256', key).update(v, 'utf8').digest('hex'));
        });
      }),
      { numRuns: 200, seed: 2104 },
    );
  });
});
