import { afterAll, describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { integrateContribution, loadDataset } from '../src/index.js';
import type { IntegrationInput, LoadedDataset } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let n = 0;
const load = (text: string): Promise<LoadedDataset> => loadDataset(tmp.write(`e${n++}.csv`, text));
const H = 'id,email,x,label\n';

async function input(contrib: string, extra: Partial<IntegrationInput> = {}): Promise<IntegrationInput> {
  return {
    base: await load(`${H}1,ann@example.com,1.5,0\n2,bob@example.com,2.5,1\n3,cy@example.com,3.5,0\n`),
    contributed: await load(contrib),
    benchmark: await load(`${H}90,zed@example.com,9.5,1\n91,yu@example.com,9.25,0\n`),
    target: 'label',
    pii: { key: 'k'.repeat(16), mode: 'hash' },
    omit: { columns: ['id'], pii: true },
    ...extra,
  };
}

describe('onBase: the treated base table before the contribution is cleaned', () => {
  it('hands on the very table the result returns, with the PII columns, once', async () => {
    const calls: { base: Table; pii: readonly string[] }[] = [];
    const r = integrateContribution(await input(`${H}10,dee@example.com,4.5,1\n10,dee@example.com,4.5,1\n90,zed@example.com,9.5,1\n`), {
      onBase: (base, pii) => calls.push({ base, pii }),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.base).toBe(r.base);
    expect(calls[0]!.pii).toEqual(['email']);
    // Treated: the omitted id and PII column are gone, every base row is there.
    expect(calls[0]!.base.schema.fields.map((f) => f.name)).toEqual(['x', 'label']);
    expect(calls[0]!.base.numRows).toBe(3);
    // The contribution was cleaned after the call: one duplicate and one benchmark copy removed.
    expect(r.report.dedup.within_contributed).toBe(1);
    expect(r.report.contamination.removed).toBe(1);
  });

  it('is called before the quality gate, which may still refuse the contribution', async () => {
    let handed: Table | undefined;
    const bad = await input(`${H}10,,,1\n10,,,1\n10,,,1\n`, { quality: { threshold: 0.8 } });
    expect(() => integrateContribution(bad, { onBase: (base) => (handed = base) })).toThrow(expect.objectContaining({ code: 'HOKUSAI_QUALITY_BELOW_THRESHOLD' }));
    expect(handed?.numRows).toBe(3);
  });

  it('is not called when the PII decision refuses the inputs', async () => {
    let called = false;
    const refused = await input(`${H}10,dee@example.com,4.5,1\n`, { pii: { mode: 'fail' } });
    expect(() => integrateContribution(refused, { onBase: () => (called = true) })).toThrow(expect.objectContaining({ code: 'HOKUSAI_PII_FOUND' }));
    expect(called).toBe(false);
  });
});
