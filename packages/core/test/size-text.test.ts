import { describe, expect, it } from 'vitest';
import { sizeText } from '../src/index.js';

describe('sizeText', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB'],
    [1536, '1.54 kB'],
    [12_345_678, '12.3 MB'],
    [123_456_789, '123 MB'],
    [1_400_000_000, '1.40 GB'],
    [2 ** 31, '2.15 GB'],
    [5e12, '5.00 TB'],
    [1.5e15, '1500 TB'],
  ])('%d bytes read as "%s"', (bytes, text) => {
    expect(sizeText(bytes)).toBe(text);
  });
});
