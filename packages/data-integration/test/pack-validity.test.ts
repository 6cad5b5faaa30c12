import { describe, expect, it } from 'vitest';
import { packValidity } from '../src/utf8-column.js';

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
});
