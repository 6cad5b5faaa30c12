import { afterAll, describe, expect, it } from 'vitest';
import { integrateContribution, loadDataset } from '../src/index.js';
import type { IntegrationInput, IntegrationResult, LoadedDataset } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let n = 0;
const load = (text: string): Promise<LoadedDataset> => loadDataset(tmp.write(`t${n++}.csv`, text));
const ids = (t: { getChild(name: string): { toArray(): unknown } | null }): unknown[] => Array.from(t.getChild('id')!.toArray() as ArrayLike<unknown>);

const H = 'id,word,x,label\n';
const base = (): Promise<LoadedDataset> => load(`${H}1,alpha,1.5,0\n2,beta,2.5,1\n3,gamma,3.5,0\n`);
const bench = (): Promise<LoadedDataset> => load(`${H}90,omega,9.5,1\n91,psi,9.25,0\n`);

async function run(contrib: string, extra: Partial<IntegrationInput> = {}): Promise<IntegrationResult> {
  return integrateContribution({ base: await base(), contributed: await load(contrib), benchmark: await bench(), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, ...extra });
}

describe('dedup, contamination and merge', () => {
  it('exact dedup keeps the first (or last) copy and drops rows already in the base', async () => {
    const c = `${H}10,delta,4.5,1\n10,delta,4.5,1\n11,eps,5.5,0\n2,beta,2.5,1\n`;
    const first = await run(c);
    expect(first.report.dedup).toMatchObject({ within_contributed: 1, already_in_base: 1 });
    expect(ids(first.contributed)).toEqual([10, 11]);
    expect(ids(first.merged)).toEqual([1, 2, 3, 10, 11]);
    const last = await run(`${H}10,delta,4.5,1\n11,eps,5.5,0\n10,delta,4.5,1\n`, { dedup: { strategy: 'exact', keep: 'last' } });
    expect(ids(last.contributed)).toEqual([11, 10]);
  });

  it('normalized dedup folds case, whitespace and punctuation', async () => {
    const c = `${H}10,"Hello, World",4.5,1\n10,"  hello world!",4.5,1\n10,HELLO   WORLD,4.5,1\n11,other,5.5,0\n`;
    expect((await run(c)).report.dedup.within_contributed).toBe(0);
    const r = await run(c, { dedup: { strategy: 'normalized' } });
    expect(r.report.dedup.within_contributed).toBe(2);
    expect(r.contributed.getChild('word')!.toArray()).toEqual(['Hello, World', 'other']);
  });

  it('key dedup compares only the key columns', async () => {
    const c = `${H}10,delta,4.5,1\n10,changed,7.5,0\n12,zeta,6.5,1\n`;
    const r = await run(c, { dedup: { strategy: 'key', keys: ['id'], keep: 'last' } });
    expect(r.report.dedup.within_contributed).toBe(1);
    expect(r.contributed.getChild('word')!.toArray()).toEqual(['changed', 'zeta']);
  });

  it('always removes benchmark rows, even with a different label and whatever the dedup strategy', async () => {
    const c = `${H}90,omega,9.5,0\n91,psi,9.25,0\n13,eta,7.5,1\n`;
    for (const dedup of [undefined, { strategy: 'key' as const, keys: ['word'] }, { strategy: 'normalized' as const }]) {
      const r = await run(c, dedup ? { dedup } : {});
      expect(r.report.contamination.removed).toBe(2);
      expect(ids(r.merged)).not.toContain(90);
      expect(ids(r.merged)).not.toContain(91);
    }
  });

  it('replace uses only the contribution; update replaces base rows by key and appends new keys', async () => {
    const c = `${H}2,beta2,2.75,0\n4,delta,4.5,1\n`;
    const rep = await run(c, { merge: 'replace' });
    expect(ids(rep.merged)).toEqual([2, 4]);
    const up = await run(c, { merge: 'update', dedup: { strategy: 'key', keys: ['id'] } });
    expect(ids(up.merged)).toEqual([1, 2, 3, 4]);
    expect(up.merged.getChild('x')!.toArray()).toEqual(Float64Array.from([1.5, 2.75, 3.5, 4.5]));
    expect(up.report.merge.updated_base_rows).toBe(1);
    expect(() => integrateContribution({ ...({} as IntegrationInput) })).toThrow(expect.objectContaining({ code: 'HOKUSAI_INVALID_OPTIONS' }));
    await expect(run(c, { merge: 'update' })).rejects.toMatchObject({ code: 'HOKUSAI_INVALID_OPTIONS' });
  });

  it('reports the contributor row share', async () => {
    const r = await run(`${H}10,delta,4.5,1\n`);
    expect(r.report.rows).toMatchObject({ base: 3, contributed_input: 1, contributed_kept: 1, merged: 4, contributed_in_merged: 1 });
    expect(r.report.contributor_row_share).toBeCloseTo(0.25);
  });
});

describe('one schema for every output', () => {
  it('widens a column that is int in one file and float in another, in all of them', async () => {
    const r = await run(`${H}10,delta,4,1\n`);
    // x is float in base (1.5) and int in the contribution (4): float everywhere.
    for (const t of [r.base, r.contributed, r.merged, r.benchmark]) expect(String(t.schema.fields.find((f) => f.name === 'x')!.type)).toBe('Float64');
    const b = await load('id,n,label\n1,1,0\n2,2,1\n');
    const c = await load('id,n,label\n3,3,0\n');
    const t = await load('id,n,label\n4,4.5,1\n5,5,0\n');
    const u = integrateContribution({ base: b, contributed: c, benchmark: t, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
    expect(u.report.dtypes.n).toBe('float');
    expect(String(u.merged.schema.fields[1]!.type)).toBe('Float64');
  });

  it('drops extra contributed columns, and names missing ones', async () => {
    const extra = await run('id,word,x,label,bonus\n10,delta,4.5,1,7\n');
    expect(extra.merged.schema.fields.map((f) => f.name)).toEqual(['id', 'word', 'x', 'label']);
    expect(extra.report.dropped_extra_columns).toEqual([{ dataset: 'contributed', columns: ['bonus'] }]);
    await expect(run('id,word,label\n10,delta,1\n')).rejects.toMatchObject({ code: 'HOKUSAI_SCHEMA_MISMATCH', column: 'x' });
    await expect(run('id,word,x\n10,delta,1\n')).rejects.toMatchObject({ code: 'HOKUSAI_TARGET_MISSING' });
  });
});

describe('quality score', () => {
  it('breaks down completeness, uniqueness, outliers and label balance', async () => {
    // 4 rows x 3 feature columns with 2 empty cells; one exact duplicate; one x far outside the base range; labels 3:1 (base 1:2).
    const r = await run(`${H}10,delta,2.0,1\n10,delta,2.0,1\n11,,1000,1\n12,eps,,0\n`);
    const b = r.report.quality.breakdown;
    expect(b.completeness).toBeCloseTo(1 - 2 / 12);
    expect(b.uniqueness).toBeCloseTo(0.75);
    expect(b.validity).toBe(1);
    expect(r.report.quality.validity_source).toBe('none');
    const p = 0.75;
    expect(b.label_balance).toBeCloseTo(-(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2));
    expect(b.outliers).toBeLessThan(1);
    expect(b.label_shift).toBeCloseTo(1 - (0.75 - 1 / 3));
    expect(b.informative_columns).toBe(1);
    const w = r.report.quality.weights;
    const mean = b.completeness * w.completeness + b.uniqueness * w.uniqueness + b.validity * w.validity + b.outliers * w.outliers + b.label_balance * w.label_balance + b.label_shift * w.label_shift + b.informative_columns * w.informative_columns;
    expect(r.report.quality.score).toBeCloseTo(mean * b.completeness);
  });

  it('rejects a contribution below the threshold with the reason', async () => {
    const bad = `${H}10,,,1\n10,,,1\n10,,,1\n`;
    await expect(run(bad, { quality: { threshold: 0.8 } })).rejects.toMatchObject({ code: 'HOKUSAI_QUALITY_BELOW_THRESHOLD', message: expect.stringMatching(/uniqueness 0\.333/) });
    const ok = await run(`${H}10,delta,2.5,1\n11,eps,3.5,0\n`, { quality: { threshold: 0.8 } });
    expect(ok.report.quality.passed).toBe(true);
  });

  it('uses the schema pass rate as validity when the contribution was validated', async () => {
    const c = await loadDataset(tmp.write('valid.csv', `${H}10,delta,2.5,1\n11,eps,-3.5,0\n`), { schema: { columns: [{ name: 'x', type: 'float', min: 0 }] } });
    const r = integrateContribution({ base: await base(), contributed: c, benchmark: await bench(), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
    expect(r.report.quality.breakdown.validity).toBe(0.5);
    expect(r.report.quality.validity_source).toBe('schema');
  });
});

describe('seeded stratified sampling', () => {
  it('keeps class shares, is reproducible with a seed and changes with it', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${100 + i},n${i},${i % 7}.5,${i % 4 === 0 ? 1 : 0}`).join('\n');
    const a = await run(`${H}${rows}\n`, { maxRows: 40, seed: 1 });
    const b = await run(`${H}${rows}\n`, { maxRows: 40, seed: 1 });
    const c = await run(`${H}${rows}\n`, { maxRows: 40, seed: 2 });
    expect(a.merged.numRows).toBe(40);
    expect(ids(a.merged)).toEqual(ids(b.merged));
    expect(ids(a.merged)).not.toEqual(ids(c.merged));
    // 203 rows, 51 positives (1 in base + 50 contributed): 40 * 51/203 = 10.05 -> 10 positives.
    const labels = Array.from(a.merged.getChild('label')!.toArray() as Int32Array);
    expect(labels.filter((l) => l === 1).length).toBe(10);
    expect(a.report.merge.sampled).toEqual({ max_rows: 40, seed: 1, rows_before: 203, rows_after: 40 });
    expect(a.manifests.merged.content_hash).toBe(b.manifests.merged.content_hash);
  });
});
