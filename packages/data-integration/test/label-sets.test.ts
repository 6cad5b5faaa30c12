import { afterAll, describe, expect, it } from 'vitest';
import { DataIntegrationError, integrateContribution, loadDataset } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let offset = 0;
/** Each file's rows have their own x values, so no file copies another. */
const csv = (name: string, labels: string[]): string => {
  offset += 1000;
  return tmp.write(name, `x,plan,churned\n${labels.map((l, i) => `${offset + i * 1.5},p${i % 3},${l}`).join('\n')}\n`);
};
const alternate = (a: string, b: string, n: number): string[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b));

async function integrate(files: { base: string; contributed: string; benchmark: string }) {
  return integrateContribution({
    base: await loadDataset(files.base),
    contributed: await loadDataset(files.contributed),
    benchmark: await loadDataset(files.benchmark),
    target: 'churned',
    pii: { key: 'label-sets-test-key-0123', mode: 'hash' },
  });
}

describe('label sets across files', () => {
  const base = csv('base.csv', alternate('No', 'Yes', 40));
  const benchmark = csv('benchmark.csv', alternate('Yes', 'No', 20));

  it('fails before anything is trained when one file writes the labels in another case, naming both sets', async () => {
    const contributed = csv('contributed.csv', alternate('no', 'yes', 30));
    const error = await integrate({ base, contributed, benchmark }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataIntegrationError);
    expect(error).toMatchObject({ code: 'HOKUSAI_LABEL_SET_MISMATCH', file: contributed, column: 'churned', row: 1 });
    expect((error as Error).message).toContain('base.csv (base) has No, Yes; contributed.csv (contributed) has no, yes — the same labels in another case or spacing');
  });

  it('fails on a benchmark label the base does not have', async () => {
    const contributed = csv('ok.csv', alternate('Yes', 'No', 30));
    const odd = csv('odd-benchmark.csv', ['No', 'Yes', 'No', 'Maybe', 'Yes']);
    await expect(integrate({ base, contributed, benchmark: odd })).rejects.toMatchObject({ code: 'HOKUSAI_LABEL_SET_MISMATCH', file: odd, row: 4 });
  });

  it('accepts a file that holds only some of the labels', async () => {
    const onlyYes = csv('only-yes.csv', Array.from({ length: 10 }, () => 'Yes'));
    const result = await integrate({ base, contributed: onlyYes, benchmark });
    expect(result.report.rows.contributed_input).toBe(10);
  });
});
