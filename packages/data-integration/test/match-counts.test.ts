import { describe, expect, it } from 'vitest';
import type { Column } from '../src/column.js';
import { countMatchesBothWays, findMatches } from '../src/dedup.js';
import { hashRows } from '../src/row-hash.js';

const ones = (flags: Uint8Array): number => flags.reduce((sum, f) => sum + f, 0);

describe('countMatchesBothWays', () => {
  it('gives the counts of findMatches in each direction, with repeated rows, nulls and text on both sides', () => {
    let seed = 9;
    const next = (k: number): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % k);
    for (let trial = 0; trial < 30; trial++) {
      const table = (n: number): Column[] => [
        { type: 'int', values: Int32Array.from({ length: n }, () => next(4)), valid: Uint8Array.from({ length: n }, () => (next(10) === 0 ? 0 : 1)) },
        { type: 'float', values: Float64Array.from({ length: n }, () => next(3) / 2), valid: new Uint8Array(n).fill(1) },
        { type: 'string', values: Array.from({ length: n }, () => (next(6) === 0 ? null : ['a', 'b', 'é'][next(3)] as string)) },
      ];
      const na = next(60);
      const nb = next(60);
      const a = table(na);
      const b = table(nb);
      const ha = hashRows(a, na);
      const hb = hashRows(b, nb);
      const both = countMatchesBothWays(a, na, b, nb, { a: ha, b: hb });
      expect(both.aInB).toBe(ones(findMatches(a, na, b, nb, 'exact', { a: ha, b: hb })));
      expect(both.bInA).toBe(ones(findMatches(b, nb, a, na, 'exact', { a: hb, b: ha })));
    }
  });

  it('counts tables of a few distinct rows repeated many times without walking the repeats again', () => {
    // 200,000 rows against 200,000 of three binary columns: eight distinct rows, each repeated
    // 25,000 times. Each row of a walked every equal row of b: 5 billion comparisons, minutes.
    const n = 200_000;
    const table = (shift: number): Column[] => [0, 1, 2].map((bit) => ({ type: 'int', values: Int32Array.from({ length: n }, (_, i) => ((i + shift) >> bit) & 1), valid: new Uint8Array(n).fill(1) }));
    const a = table(0);
    const b = table(3);
    const ha = hashRows(a, n);
    const hb = hashRows(b, n);
    const both = countMatchesBothWays(a, n, b, n, { a: ha, b: hb });
    expect(both).toEqual({ aInB: ones(findMatches(a, n, b, n, 'exact', { a: ha, b: hb })), bInA: ones(findMatches(b, n, a, n, 'exact', { a: hb, b: ha })) });
    expect(both).toEqual({ aInB: n, bInA: n });
  });
});

