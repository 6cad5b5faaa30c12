import { describe, expect, it } from 'vitest';
import { checkContributorAddress, toChecksumAddress } from '../src/eth-address.js';

// The test vectors published with EIP-55.
const VECTORS = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
];

describe('EIP-55 contributor addresses', () => {
  it('checksums the published vectors', () => {
    for (const v of VECTORS) expect(toChecksumAddress(v.toLowerCase())).toBe(v);
  });

  it('accepts a correct mixed-case address and stores it checksummed from lower case', () => {
    expect(checkContributorAddress(VECTORS[0] as string)).toBe(VECTORS[0]);
    expect(checkContributorAddress((VECTORS[1] as string).toLowerCase())).toBe(VECTORS[1]);
  });

  it('rejects a mixed-case address with one letter flipped, naming the right form', () => {
    const good = VECTORS[0] as string;
    const at = 3; // 'A' in 0x5aAeb…: flip only its case, so the digits stay the same
    const letter = good[at] as string;
    const bad = `${good.slice(0, at)}${letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase()}${good.slice(at + 1)}`;
    expect(bad.toLowerCase()).toBe(good.toLowerCase());
    expect(() => checkContributorAddress(bad)).toThrow(/EIP-55/);
    expect(() => checkContributorAddress(bad)).toThrow(good);
  });

  it('rejects what is not an address', () => {
    expect(() => checkContributorAddress('0x1234')).toThrow(/40 hex digits/);
    expect(() => checkContributorAddress('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toThrow(/40 hex digits/);
  });
});
