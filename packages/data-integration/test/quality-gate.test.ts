import { afterAll, describe, expect, it } from 'vitest';
import { integrateContribution, loadDataset } from '../src/index.js';
import type { IntegrationInput, IntegrationResult } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let n = 0;
const load = (text: string): ReturnType<typeof loadDataset> => loadDataset(tmp.write(`q${n++}.csv`, text));
const H = 'id,a,b,c,plan,label\n';
/** Row k: an id, three varied numbers, a category and a label. */
const row = (k: number, label: number): string => `${k},${(k * 7) % 31}.5,${(k * 13) % 17}.25,${(k * 5) % 11},${['basic', 'pro', 'team'][k % 3]},${label}`;
const table = (from: number, count: number, label: (k: number) => number, edit: (k: number, line: string) => string = (_, l) => l): string =>
  `${H}${Array.from({ length: count }, (_, i) => edit(from + i, row(from + i, label(from + i)))).join('\n')}\n`;
const alternating = (k: number): number => k % 2;

async function integrate(contributed: string, extra: Partial<IntegrationInput> = {}): Promise<IntegrationResult> {
  return integrateContribution({ base: await load(table(0, 200, alternating)), contributed: await load(contributed), benchmark: await load(table(1000, 60, alternating)), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, ...extra });
}

describe('quality gate', () => {
  it('fails a contribution with 90% null features and a single-class label at the default 0.5 threshold', async () => {
    const useless = table(500, 200, () => 1, (k, line) => (k % 10 === 0 ? line : `${k},,,,,1`));
    const r = await integrate(useless);
    expect(r.report.quality.breakdown.completeness).toBeLessThan(0.15);
    expect(r.report.quality.score).toBeLessThan(0.5);
    await expect(integrate(useless, { quality: { threshold: 0.5 } })).rejects.toMatchObject({ code: 'HOKUSAI_QUALITY_BELOW_THRESHOLD' });
  });

  it('passes a complete, varied, balanced contribution with a high score', async () => {
    const r = await integrate(table(500, 200, alternating), { quality: { threshold: 0.5 } });
    expect(r.report.quality.passed).toBe(true);
    expect(r.report.quality.score).toBeGreaterThan(0.95);
  });

  it('penalises constant feature columns', async () => {
    const constant = await integrate(table(500, 200, alternating, (k) => `${k},1.5,2.25,3,basic,${k % 2}`));
    expect(constant.report.quality.breakdown.informative_columns).toBe(0);
    expect(constant.report.quality.score).toBeLessThan(0.5);
  });

  it('penalises a single-class label, and a label mix far from the base', async () => {
    const single = await integrate(table(500, 200, () => 1));
    expect(single.report.quality.breakdown.label_balance).toBe(0);
    expect(single.report.quality.score).toBeLessThan(0.5);
    const skewed = await integrate(table(500, 200, (k) => (k % 20 === 0 ? 0 : 1)));
    const balanced = await integrate(table(500, 200, alternating));
    expect(skewed.report.quality.breakdown.label_shift).toBeCloseTo(1 - 0.45, 2);
    expect(skewed.report.quality.score).toBeLessThan(balanced.report.quality.score - 0.1);
  });

  it('reports the factors and weights the score is made of', async () => {
    const r = await integrate(table(500, 200, alternating, (k, line) => (k % 4 === 0 ? line.replace(/^(\d+),[^,]*/, '$1,') : line)));
    const q = r.report.quality;
    const mean = Object.entries(q.weights).reduce((s, [k, w]) => s + w * (q.breakdown[k as keyof typeof q.breakdown] as number), 0);
    expect(q.score).toBeCloseTo(mean * q.factors.completeness * q.factors.informative_columns * q.factors.single_class, 12);
    expect(q.factors.completeness).toBeCloseTo(1 - 50 / 800, 10);
  });
});
