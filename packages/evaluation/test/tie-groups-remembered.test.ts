import { describe, expect, it } from 'vitest';
import { buildTieGroups, tieGroupsOf } from '../src/metrics/tie-groups.js';

function scores(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  // Rounded to 3 decimals: many ties, so the groups are not just the sorted scores.
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.round((s / 2 ** 32) * 1000) / 1000;
  });
}

describe('buildTieGroups on large inputs', () => {
  it('gives the groups of the scores asked for, remembered for equal arrays and made again for any other', () => {
    const n = 120_000;
    const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const a = scores(n, 1);
    const b = scores(n, 2);
    const ga = buildTieGroups(y, a);
    const gb = buildTieGroups(y, b);
    expect(ga).toEqual(tieGroupsOf(y, a));
    expect(gb).toEqual(tieGroupsOf(y, b));
    // Equal arrays read back elsewhere (copies): the groups made before.
    expect(buildTieGroups(y.slice(), a.slice())).toBe(ga);
    expect(buildTieGroups(y.slice(), b.slice())).toBe(gb);
    // One score or one label changed: groups of their own.
    const a2 = a.slice();
    a2[n - 1] = 0.5004;
    expect(buildTieGroups(y, a2)).toEqual(tieGroupsOf(y, a2));
    const y2 = y.slice();
    y2[0] = 1 - (y2[0] as number);
    const g = buildTieGroups(y2, a);
    expect(g).not.toBe(ga);
    expect(g).toEqual(tieGroupsOf(y2, a));
    expect(g.totalPos).toBe(ga.totalPos + (y2[0] === 1 ? 1 : -1));
    // Only the last two are kept: a, met four arrays ago, is ordered again (same groups).
    const again = buildTieGroups(y, a);
    expect(again).not.toBe(ga);
    expect(again).toEqual(ga);
  });
});
