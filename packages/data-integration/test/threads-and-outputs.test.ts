import { Dictionary, Int32, Table, Type, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DataIntegrationError, integrateContribution, loadDataset, loadDatasetInWorker, loadTableInWorker, loadTablesInWorker } from '../src/index.js';
import type { LoadedDataset, LoadProgress } from '../src/index.js';
import { statSync } from 'node:fs';
import { fromArrowTable } from '../src/arrow-convert.js';
import { dictionaryEncoded } from '../src/dictionary-encode.js';
import { distinctCount } from '../src/distinct-count.js';
import { isNullToken, isNullTokenBytes } from '../src/text-values.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const rows = (t: Table): unknown[][] => {
  const names = t.schema.fields.map((f) => f.name);
  return Array.from({ length: t.numRows }, (_, i) => names.map((n) => {
    const v: unknown = t.getChild(n)?.get(i);
    return typeof v === 'bigint' ? Number(v) : v;
  }));
};

describe('loading on a worker thread', () => {
  it('gives the same manifest and the same values as loading in this thread, for CSV and Parquet', async () => {
    for (const name of ['customers.csv', 'customers.parquet', 'pii.csv']) {
      const here = await loadDataset(fixture(name));
      const there = await loadDatasetInWorker(fixture(name));
      expect(there.manifest).toEqual(here.manifest);
      expect(rows(there.table)).toEqual(rows(here.table));
      expect(fromArrowTable(there.table, name)).toEqual(fromArrowTable(here.table, name));
    }
  });

  it('sends a repetitive string column as a dictionary and a unique one as plain text', async () => {
    const lines = ['id,plan,label'];
    for (let i = 0; i < 400; i++) lines.push(`u${i},${['basic', 'pro', 'plus'][i % 3]},${i % 2}`);
    const path = tmp.write('plans.csv', `${lines.join('\n')}\n`);
    const there = await loadDatasetInWorker(path);
    expect(there.table.getChild('plan')?.type.typeId).toBe(Type.Dictionary);
    expect(there.table.getChild('id')?.type.typeId).toBe(Type.Utf8);
    const ct = fromArrowTable(there.table, path);
    const plan = ct.columns[ct.names.indexOf('plan')];
    expect(plan?.type === 'string' && plan.values.slice(0, 4)).toEqual(['basic', 'pro', 'plus', 'basic']);
    expect(there.manifest).toEqual((await loadDataset(path)).manifest);
  });

  it('hands the table on before the manifest, which follows from the same thread and equals the in-thread one', async () => {
    const lines = ['id,plan,x,label'];
    for (let i = 0; i < 20_000; i++) lines.push(`u${i},${['basic', 'pro', 'plus'][i % 3]},${(i * 7) % 101},${i % 2}`);
    const path = tmp.write('pending.csv', `${lines.join('\n')}\n`);
    const here = await loadDataset(path);
    const pending = await loadTableInWorker(path);
    expect(pending.table.numRows).toBe(20_000);
    expect(rows(pending.table)).toEqual(rows(here.table));
    // The manifest arrives in a later message: reading it now is a typed error, not a stale value.
    expect(() => pending.manifest).toThrow(expect.objectContaining({ code: 'HOKUSAI_MANIFEST_PENDING' }));
    expect(await pending.manifestReady).toEqual(here.manifest);
    expect(pending.manifest).toEqual(here.manifest);
  });

  it('loads several files on one thread, in order: each table and manifest as loading it alone; a bad file rejects only its own', async () => {
    const names = ['customers.csv', 'ragged.csv', 'customers.parquet', 'pii.csv'];
    const progress: string[] = [];
    const loads = loadTablesInWorker(names.map((name) => ({ path: fixture(name), options: { onProgress: () => progress.push(name) } })));
    const settled = await Promise.allSettled(loads);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'HOKUSAI_RAGGED_ROW', file: fixture('ragged.csv') });
    for (const [k, name] of names.entries()) {
      const r = settled[k];
      if (r?.status !== 'fulfilled') continue;
      const here = await loadDataset(fixture(name));
      expect(rows(r.value.table)).toEqual(rows(here.table));
      expect(await r.value.manifestReady).toEqual(here.manifest);
      expect(r.value.path).toBe(fixture(name));
    }
    // Each file's progress reaches its own listener (the ragged one is read before it fails).
    expect(new Set(progress)).toEqual(new Set(names));
  });

  it('a file that fails to parse rejects the table with the same typed error', async () => {
    const table = loadTableInWorker(fixture('ragged.csv'));
    const err = await table.then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'HOKUSAI_RAGGED_ROW' });
  });

  it('decides dictionary encoding on the UTF-8 bytes, without making a string per row of a unique column', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `u${i}`);
    const plans = Array.from({ length: 400 }, (_, i) => (i % 7 === 3 ? null : ['basic', 'pro', 'plus'][i % 3] as string));
    const table = new Table({ id: vectorFromArray(ids, new Utf8()), plan: vectorFromArray(plans, new Utf8()) });
    const encoded = dictionaryEncoded(table, 'lazy-text');
    expect(encoded.getChild('plan')?.type.typeId).toBe(Type.Dictionary);
    expect(encoded.getChild('id')?.type.typeId).toBe(Type.Utf8);
    expect(Array.from({ length: 400 }, (_, i) => encoded.getChild('plan')?.get(i) as unknown)).toEqual(plans);
    // Text read from Arrow decodes its strings on first access; encoding read neither column's.
    const ct = fromArrowTable(table, 'lazy-text');
    for (const name of ['id', 'plan']) expect(Object.getOwnPropertyDescriptor(ct.columns[ct.names.indexOf(name)], 'values')?.get, name).toBeTypeOf('function');
  });

  it('reports how much of the file was read, in this thread and from a worker', async () => {
    const lines = ['id,x,label'];
    for (let i = 0; i < 3000; i++) lines.push(`row${i},${i / 7},${i % 2}`);
    const path = tmp.write('progress.csv', `${lines.join('\n')}\n`);
    const total = Math.ceil(statSync(path).size / 1024);
    for (const load of [loadDataset, loadDatasetInWorker]) {
      const seen: LoadProgress[] = [];
      await load(path, { onProgress: (p) => seen.push(p) });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toEqual({ unit: 'kB', done: total, total });
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    }
  });

  it('reports a bad file with the same typed error, file, row and column', async () => {
    for (const name of ['ragged.csv', 'truncated.parquet', 'nan.csv']) {
      const here = await loadDataset(fixture(name)).then(() => null, (e: unknown) => e);
      const there = await loadDatasetInWorker(fixture(name)).then(() => null, (e: unknown) => e);
      expect(here).toBeInstanceOf(DataIntegrationError);
      expect(there).toBeInstanceOf(DataIntegrationError);
      const [a, b] = [here as DataIntegrationError, there as DataIntegrationError];
      expect({ code: b.code, message: b.message, file: b.file, row: b.row, column: b.column }).toEqual({ code: a.code, message: a.message, file: a.file, row: a.row, column: a.column });
    }
  });
});

describe('Arrow input', () => {
  it('reads a sliced string column and a dictionary column value for value', () => {
    const words = ['a', null, 'ccc', 'dd', '', 'ffff', 'g'];
    const t = new Table({ w: vectorFromArray(words, new Utf8()), d: vectorFromArray(words, new Dictionary(new Utf8(), new Int32())) });
    const sliced = t.slice(2, 6);
    const ct = fromArrowTable(sliced, 'sliced');
    expect(ct.columns.map((c) => (c.type === 'string' ? c.values : null))).toEqual([words.slice(2, 6), words.slice(2, 6)]);
  });

  it('counts distinct strings exactly, nulls aside', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ maxLength: 4 }), { nil: null }), { maxLength: 300 }), (values) => {
        expect(distinctCount({ type: 'string', values })).toBe(new Set(values.filter((v) => v !== null)).size);
      }),
    );
  });
});

describe('outputs of an integration', () => {
  const H = 'id,email,plan,x,label\n';
  const load = (name: string, text: string): Promise<LoadedDataset> => loadDataset(tmp.write(name, text));
  const inputs = async (): Promise<{ base: LoadedDataset; contributed: LoadedDataset; benchmark: LoadedDataset }> => ({
    base: await load('b.csv', `${H}1,ana@example.com,basic,1.5,0\n2,ben@example.org,pro,2.5,1\n3,cy@example.net,pro,3.5,0\n`),
    contributed: await load('c.csv', `${H}4,dee@example.com,basic,4.5,1\n4,dee@example.com,basic,4.5,1\n2,ben@example.org,pro,2.5,1\n9,zed@example.com,plus,9.5,1\n5,eve@example.com,plus,5.5,0\n`),
    benchmark: await load('k.csv', `${H}9,zed@example.com,plus,9.5,0\n8,yan@example.com,basic,8.5,1\n`),
  });

  it('leaves omitted and PII columns out of every output, without changing what dedup and contamination find here', async () => {
    const full = integrateContribution({ ...(await inputs()), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
    const slim = integrateContribution({ ...(await inputs()), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, omit: { columns: ['id'], pii: true } });
    expect(full.piiColumns).toEqual(['email']);
    for (const t of [slim.base, slim.contributed, slim.merged, slim.benchmark]) expect(t.schema.fields.map((f) => f.name)).toEqual(['plan', 'x', 'label']);
    expect(slim.report.omitted_columns).toEqual(['id', 'email']);
    expect(slim.report.pii.columns.map((c) => [c.column, c.treatment])).toEqual([['email', 'omitted']]);
    expect(full.report.pii.columns.map((c) => [c.column, c.treatment])).toEqual([['email', 'hashed']]);
    for (const key of ['dedup', 'rows', 'quality'] as const) expect(slim.report[key]).toEqual(full.report[key]);
    // Omitted columns are not read by the model, so they are not compared either; here they change no count.
    const counts = ({ match_rule: _r, compared_columns: _c, ignored_columns: _i, ...rest }: typeof full.report.contamination): object => rest;
    expect(counts(slim.report.contamination)).toEqual(counts(full.report.contamination));
    expect(slim.report.contamination.compared_columns).toEqual(['plan', 'x']);
    expect(rows(slim.merged)).toEqual(rows(full.merged).map((r) => r.slice(2)));
    expect(slim.manifests.merged.row_count).toBe(full.manifests.merged.row_count);
  });

  it('does not search an omitted column for PII inside free text, and still finds whole PII columns', async () => {
    const T = 'notes,email,x,label\n';
    const rowsOf = (k: number): string => Array.from({ length: 6 }, (_, i) => `"call ${k}${i} at p${k}${i}@example.com",q${k}${i}@example.org,${k + i}.5,${i % 2}`).join('\n');
    const make = async (): Promise<{ base: LoadedDataset; contributed: LoadedDataset; benchmark: LoadedDataset }> => ({
      base: await load('nb.csv', `${T}${rowsOf(1)}\n`),
      contributed: await load('nc.csv', `${T}${rowsOf(2)}\n`),
      benchmark: await load('nk.csv', `${T}${rowsOf(3)}\n`),
    });
    const kept = integrateContribution({ ...(await make()), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
    const omitted = integrateContribution({ ...(await make()), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, omit: { columns: ['notes'], pii: true } });
    expect(kept.report.pii.free_text_columns).toEqual(['notes']);
    expect(kept.report.pii.findings.some((f) => f.column === 'notes')).toBe(true);
    expect(omitted.report.pii.free_text_columns).toEqual([]);
    expect(omitted.report.pii.findings.some((f) => f.column === 'notes')).toBe(false);
    expect(omitted.report.pii.columns.map((c) => c.column)).toEqual(['email']);
    expect(omitted.report.pii.findings.filter((f) => f.column === 'email').map((f) => f.count)).toEqual([6, 6, 6]);
  });

  it('samples by the target when columns before it are omitted', async () => {
    const omitted = integrateContribution({ ...(await inputs()), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, omit: { columns: ['id'], pii: true }, maxRows: 4, seed: 3 });
    const kept = integrateContribution({ ...(await inputs()), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, maxRows: 4, seed: 3 });
    expect(omitted.report.merge.sampled).toEqual(kept.report.merge.sampled);
    expect(rows(omitted.merged)).toEqual(rows(kept.merged).map((r) => r.slice(2)));
  });

  it('refuses to omit the target', async () => {
    const err = await inputs().then((i) => {
      try {
        integrateContribution({ ...i, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, omit: { columns: ['label'] } });
        return null;
      } catch (e) {
        return e as DataIntegrationError;
      }
    });
    expect(err?.code).toBe('HOKUSAI_INVALID_OPTIONS');
    expect(err?.column).toBe('label');
  });

  it('shares the loaded buffers of columns that came through untouched, and merges by record batch', async () => {
    const i = await inputs();
    const r = integrateContribution({ ...i, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' } });
    expect(r.base.getChild('x')?.data[0]?.values).toBe(i.base.table.getChild('x')?.data[0]?.values);
    expect(r.base.getChild('plan')?.data[0]?.values).toBe(i.base.table.getChild('plan')?.data[0]?.values);
    // The hashed column is new, so it is not the loaded one.
    expect(r.base.getChild('email')?.data[0]?.values).not.toBe(i.base.table.getChild('email')?.data[0]?.values);
    expect(r.merged.batches.length).toBe(r.base.batches.length + r.contributed.batches.length);
    expect(rows(r.merged)).toEqual([...rows(r.base), ...rows(r.contributed)]);
  });
});

describe('CSV text columns', () => {
  it('hand their bytes as read to Arrow: quotes, doubled quotes, nulls first, non-ASCII, empty text', async () => {
    const expected: (string | null)[] = [null, null, 'plain', 'say "hi"', 'Zürich, CH', '', '東京', null, 'a'.repeat(100)];
    const cells = ['', 'NA', 'plain', '"say ""hi"""', '"Zürich, CH"', '""', '東京', 'null', 'a'.repeat(100)];
    const path = tmp.write('texts-arrow.csv', `t,label\n${cells.map((c, i) => `${c},${i % 2}`).join('\n')}\n`);
    const loaded = await loadDataset(path);
    const column = loaded.table.getChild('t');
    expect(Array.from({ length: expected.length }, (_, i) => column?.get(i) as string | null)).toEqual(expected);
    const ct = fromArrowTable(loaded.table, path);
    const t = ct.columns[ct.names.indexOf('t')];
    expect(t?.type === 'string' && t.values).toEqual(expected);
  });

  it('reads repeated, colliding, unique and null-token values exactly, whatever the interning does', async () => {
    const n = 25_000;
    const lines = ['few,many,unique,label'];
    const expected: [string | null, string, string][] = [];
    for (let i = 0; i < n; i++) {
      // 'few' repeats 3 values and the null token NA; 'many' cycles through 5,000 values (more
      // than the interner's slots, so they collide); 'unique' never repeats.
      const few = i % 7 === 0 ? 'NA' : ['alpha', 'beta', 'gamma'][i % 3] as string;
      const many = `v${(i * 7919) % 5000}`;
      const unique = `u${i}x`;
      lines.push(`${few},${many},${i % 11 === 0 ? `"${unique}"` : unique},${i % 2}`);
      expected.push([few === 'NA' ? null : few, many, unique]);
    }
    const path = tmp.write('texts.csv', `${lines.join('\n')}\n`);
    const ct = fromArrowTable((await loadDataset(path)).table, path);
    const col = (name: string): (string | null)[] => {
      const c = ct.columns[ct.names.indexOf(name)];
      return c?.type === 'string' ? c.values : [];
    };
    expect(col('few')).toEqual(expected.map((e) => e[0]));
    expect(col('many')).toEqual(expected.map((e) => e[1]));
    expect(col('unique')).toEqual(expected.map((e) => e[2]));
  });

  it('keep only the bytes of a rarely repeating column, and read every kind of cell in it exactly', async () => {
    // After 20,000 rows the reader stops making strings for 'text' (its values rarely repeat);
    // the cells after that point cover nulls, null tokens in quotes, escapes and long text.
    const n = 24_000;
    const cells: [string, string | null][] = [];
    for (let i = 0; i < n; i++) {
      const kinds: [string, string | null][] = [
        [`id-${i}`, `id-${i}`],
        ['', null],
        ['NA', null],
        ['null', null],
        ['"NA"', 'NA'],
        ['""', ''],
        [`"say ""hi"" ${i}"`, `say "hi" ${i}`],
        [`"a, b ${i}"`, `a, b ${i}`],
        [`Zürich-東京-${i}`, `Zürich-東京-${i}`],
        [`${'long '.repeat(20)}${i}`, `${'long '.repeat(20)}${i}`],
        ['N/A', null],
        ['NULL', null],
        ['Nil', 'Nil'],
      ];
      cells.push(i % 3 === 0 ? (kinds[(i / 3) % kinds.length] as [string, string | null]) : [`t${i}`, `t${i}`]);
    }
    const csv = tmp.write('rare.csv', `text,label\n${cells.map(([c], i) => `${c},${i % 2}`).join('\n')}\n`);
    const jsonl = tmp.write('rare.jsonl', `${cells.map(([, v], i) => JSON.stringify({ text: v, label: i % 2 })).join('\n')}\n`);
    const loaded = await loadDataset(csv);
    const column = fromArrowTable(loaded.table, csv).columns[0];
    expect(column?.type === 'string' && Object.getOwnPropertyDescriptor(column, 'values')?.get !== undefined).toBe(true);
    expect(loaded.table.getChild('text')?.toArray()).toEqual(cells.map(([, v]) => v));
    expect(column?.type === 'string' ? column.values : []).toEqual(cells.map(([, v]) => v));
    const fromJson = await loadDataset(jsonl);
    expect(loaded.manifest.null_counts).toEqual(fromJson.manifest.null_counts);
    expect(loaded.manifest.content_hash).toBe(fromJson.manifest.content_hash);
  });

  it('recognise null tokens from their bytes as from their text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('', 'NA', 'N/A', 'null', 'NULL', 'Null', 'nA', 'NaN', 'nul', 'NULLS'), fc.string({ maxLength: 5 })), (text) => {
        const bytes = Buffer.from(`x${text}y`);
        expect(isNullTokenBytes(bytes, 1, bytes.length - 1)).toBe(isNullToken(text));
      }),
    );
  });
});
