import { buildPoseidon } from 'circomlibjs';
import { describe, expect, it } from 'vitest';
import { packBits, WORD_BITS } from '../src/commitments.js';
import { BN254_R, poseidonHash } from '../src/poseidon.js';
import { seededBits } from './run-fixture.js';

describe('Poseidon and bit packing', () => {
  it('matches circomlibjs (the reference for circomlib) for every width from 1 to 16 inputs', async () => {
    const reference = await buildPoseidon();
    for (let width = 1; width <= 16; width++) {
      const inputs = Array.from({ length: width }, (_, i) => (BigInt(i + 1) * 0x1234_5678_9abc_def0n ** BigInt(width)) % BN254_R);
      expect(poseidonHash(inputs)).toBe(reference.F.toObject(reference(inputs)));
    }
    // Inputs at the top of the field.
    expect(poseidonHash([BN254_R - 1n, 2n ** 248n - 1n])).toBe(reference.F.toObject(reference([BN254_R - 1n, 2n ** 248n - 1n])));
  });

  it('packs bits little-endian into 248-bit words with zero padding', () => {
    const bits = seededBits(600, 5);
    const words = packBits(bits, 0, 600, 1024);
    expect(words).toHaveLength(Math.ceil(1024 / WORD_BITS));
    for (let i = 0; i < 1024; i++) {
      const word = words[Math.floor(i / WORD_BITS)] as bigint;
      const bit = Number((word >> BigInt(i % WORD_BITS)) & 1n);
      expect(bit).toBe(i < 600 ? bits[i] : 0);
    }
    // A chunk starting at an offset sees only its own rows.
    const tail = packBits(bits, 500, 100, 128);
    expect(tail).toHaveLength(1);
    expect((tail[0] as bigint) & 1n).toBe(BigInt(bits[500] as number));
    expect((tail[0] as bigint) >> 100n).toBe(0n);
  });
});
