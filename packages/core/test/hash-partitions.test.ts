import { describe, expect, it } from 'vitest';
import { hashPartitions, tableCapacity } from '../src/index.js';

describe('hashPartitions', () => {
  it('counts each kept row in the group of its top hash bits, leaves -1 out, and sizes the groups by rowsPerPart', () => {
    let seed = 1;
    const hashes = Int32Array.from({ length: 50_000 }, (_, i) => (i % 7 === 0 ? -1 : (seed = Math.imul(seed, 1664525) + 1013904223)));
    const plan = hashPartitions(hashes, hashes.length, 1000);
    expect(plan.parts).toBe(64); // 50,000 rows of about 1,000 each: 2^6 groups
    expect(plan.shift).toBe(26);
    const sizes = new Array<number>(plan.parts).fill(0);
    for (const h of hashes) if (h !== -1) sizes[h >>> plan.shift] = (sizes[h >>> plan.shift] as number) + 1;
    expect(plan.start[0]).toBe(0);
    for (let p = 0; p < plan.parts; p++) expect((plan.start[p + 1] as number) - (plan.start[p] as number)).toBe(sizes[p]);
    expect(plan.start[plan.parts]).toBe(hashes.length - Math.ceil(hashes.length / 7));
    expect(plan.largest).toBe(Math.max(...sizes));
    expect(hashPartitions(hashes, 10, 4096).parts).toBe(16);
    expect(hashPartitions(new Int32Array(1 << 24), 1 << 24, 16).parts).toBe(4096);
  });

  it('tableCapacity is the least power of two of at least 16 holding the entries at most half full', () => {
    expect([0, 1, 8, 9, 1000, 1024, 1025].map(tableCapacity)).toEqual([16, 16, 16, 32, 2048, 2048, 4096]);
  });
});
