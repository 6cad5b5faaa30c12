import { describe, expect, it } from 'vitest';
import { packValidity } from '../src/utf8-column.js';
import { mulberry32 } from './mulberry32.js';

// packValidity answers a column without nulls from one native search; its bitmap must still be
// the one packing bit by bit gives (Arrow readers may look at it), padding bits zero.
function packedBitByBit(valid: Uint8Array): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array((valid.length + 7) >> 3);
  let nulls = 0;
  valid.forEach((v, i) => {
    if (v === 1) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    else nulls++;
  });
  return { bitmap, nulls };
}

describe('packValidity', () => {
  it('packs columns with and without nulls, of every length modulo 8', () => {
    for (let n = 0; n <= 41; n++) {
      const all = new Uint8Array(n).fill(1);
      expect(packValidity(all), `n ${n}`).toEqual(packedBitByBit(all));
      if (n > 0) {
        const some = all.slice();
        some[(n * 7) % n] = 0;
        expect(packValidity(some), `n ${n} with a null`).toEqual(packedBitByBit(some));
      }
    }
  });

  it('packs random nulls eight rows at a time as bit by bit, in views at every byte offset and with bytes other than 0 and 1', () => {
    const random = mulberry32(11);
    let fastBytes = 0;
    for (let t = 0; t < 400; t++) {
      const n = Math.floor(random() * 300);
      const offset = Math.floor(random() * 8);
      const backing = new Uint8Array(n + offset + 8).fill(7);
      const valid = backing.subarray(offset, offset + n);
      const nullShare = random();
      for (let i = 0; i < n; i++) valid[i] = random() < nullShare ? 0 : 1;
      // Validity is 0 or 1; a stray other byte in a column with nulls reads as null, as the byte
      // loop has always read it (the word-at-a-time packing would spread it into other rows' bits).
      if (t % 10 === 0 && valid.includes(0)) valid[Math.floor(random() * n)] = 2;
      if (offset % 4 === 0) fastBytes += n >> 3;
      expect(packValidity(valid), `case ${t}: n ${n}, offset ${offset}`).toEqual(packedBitByBit(valid));
    }
    // The word-at-a-time path ran on many bytes (aligned views), the byte loop on the rest.
    expect(fastBytes).toBeGreaterThan(1000);
  });
});

