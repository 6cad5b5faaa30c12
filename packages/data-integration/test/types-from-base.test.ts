import { afterAll, describe, expect, it } from 'vitest';
import { integrateContribution, loadDataset } from '../src/index.js';
import type { IntegrationResult } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let n = 0;
const load = (text: string): ReturnType<typeof loadDataset> => loadDataset(tmp.write(`t${n++}.csv`, text));
const H = 'x,count,seen,plan,label\n';
const lines = (from: number, k: number): string[] => Array.from({ length: k }, (_, i) => `${(from + i) * 0.75},${from + i},2024-01-0${(i % 9) + 1},${i % 2 ? 'pro' : 'basic'},${i % 2}`);
const base = `${H}${lines(1, 40).join('\n')}\n`;
const bench = `${H}${lines(100, 20).join('\n')}\n`;

async function integrate(contributed: string): Promise<IntegrationResult> {
  return integrateContribution({ base: await load(base), contributed: await load(contributed), benchmark: await load(bench), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
}

const types = (r: IntegrationResult): Record<string, string[]> =>
  Object.fromEntries((['base', 'merged', 'benchmark', 'contributed'] as const).map((t) => [t, r[t].schema.fields.map((f) => `${f.name}:${String(f.type)}`)]));

describe('types come from the base and the benchmark, never from the contribution', () => {
  it('keeps every column type when contributed cells contradict it, and counts those cells as invalid', async () => {
    const clean = lines(200, 30);
    const bad = [...clean];
    bad[3] = 'abc,203,2024-01-04,pro,1';
    bad[7] = '1e400,207,2024-01-08,pro,1';
    bad[11] = `0.5,${'9'.repeat(20)},not a date,basic,1`;
    bad[12] = `${'z'.repeat(8 * 1024 * 1024)},212,2024-01-04,basic,0`;
    const withBad = await integrate(`${H}${bad.join('\n')}\n`);
    const without = await integrate(`${H}${clean.join('\n')}\n`);
    expect(types(withBad)).toEqual(types(without));
    expect(withBad.report.dtypes).toEqual(without.report.dtypes);
    expect(withBad.report.dtypes).toMatchObject({ x: 'float', count: 'int', seen: 'timestamp' });
    expect(withBad.report.invalid_values).toEqual([
      { column: 'x', count: 3, rows: [4, 8, 13] },
      { column: 'count', count: 1, rows: [12] },
      { column: 'seen', count: 1, rows: [12] },
    ]);
    expect(withBad.report.warnings.join('\n')).toMatch(/x.*3 .*base/);
    // No raw value of a contradicting cell is echoed anywhere in the report.
    const text = JSON.stringify(withBad.report);
    expect(text).not.toContain('abc');
    expect(text).not.toContain('not a date');
    expect(text).not.toContain('zzzz');
    expect(withBad.report.quality.breakdown.validity).toBeCloseTo(1 - 4 / 30, 10);
    expect(without.report.quality.breakdown.validity).toBe(1);
    expect(without.report.invalid_values).toEqual([]);
    // The base and the benchmark are untouched: same values as without the bad cells.
    expect(withBad.base.getChild('x')!.toArray()).toEqual(without.base.getChild('x')!.toArray());
    expect(withBad.manifests.base.content_hash).toBe(without.manifests.base.content_hash);
  });

  it('a contradicting label is an error naming the file, row and column, without the value', async () => {
    const bad = lines(200, 10);
    bad[5] = '1.5,205,2024-01-01,pro,maybe';
    await expect(integrate(`${H}${bad.join('\n')}\n`)).rejects.toMatchObject({ code: 'HOKUSAI_TYPE_MISMATCH', row: 6, column: 'label', message: expect.not.stringContaining('maybe') });
  });
});
