import { describe, expect, it } from 'vitest';
import { sortByHash, sortByHashNoting } from '../src/row-hash.js';
import { mulberry32 } from './mulberry32.js';

/** The order by (h1, h2), rows with equal fingerprints in row order, by a comparison sort. */
function byComparison(h1: Uint32Array, h2: Uint32Array): number[] {
  return Array.from(h1, (_, i) => i).sort((a, b) => (h1[a] as number) - (h1[b] as number) || (h2[a] as number) - (h2[b] as number) || a - b);
}

describe('sortByHash', () => {
  it('orders rows by fingerprint and keeps rows of one fingerprint in row order, whatever the bucket sizes, and notes where rows share a fingerprint', () => {
    const rnd = mulberry32(9);
    const u32 = (): number => Math.floor(rnd() * 2 ** 32);
    // Spread fingerprints; ones that share their top 16 bits in runs of every size (one bucket
    // of thousands); and many rows with the very same fingerprint (duplicated rows).
    const cases: [Uint32Array, Uint32Array][] = [];
    const n = 50_000;
    cases.push([Uint32Array.from({ length: n }, u32), Uint32Array.from({ length: n }, u32)]);
    cases.push([Uint32Array.from({ length: n }, () => (Math.floor(rnd() * 40) * 65536 + Math.floor(rnd() * 2 ** 16)) >>> 0), Uint32Array.from({ length: n }, () => (rnd() < 0.5 ? 7 : u32()))]);
    const same = Array.from({ length: 300 }, () => [u32(), u32()] as const);
    const picks = Array.from({ length: n }, () => same[Math.floor(rnd() * (rnd() < 0.5 ? 3 : same.length))] as readonly [number, number]);
    cases.push([Uint32Array.from(picks, (p) => p[0]), Uint32Array.from(picks, (p) => p[1])]);
    cases.push([new Uint32Array(5).fill(0xffffffff), Uint32Array.from([4, 0xffffffff, 0, 4, 1])]);
    cases.push([new Uint32Array(0), new Uint32Array(0)]);
    for (const [h1, h2] of cases) {
      expect([...sortByHash({ h1, h2 })]).toEqual(byComparison(h1, h2));
      // The runs of one fingerprint, found the slow way.
      const order = byComparison(h1, h2);
      const runs: number[] = [];
      for (let i = 0; i < order.length; ) {
        let j = i + 1;
        const same = (k: number): boolean => h1[order[k] as number] === h1[order[i] as number] && h2[order[k] as number] === h2[order[i] as number];
        while (j < order.length && same(j)) j++;
        if (j - i > 1) runs.push(i, j);
        i = j;
      }
      expect(sortByHashNoting({ h1, h2 }).ties).toEqual(runs);
    }
  });
});
