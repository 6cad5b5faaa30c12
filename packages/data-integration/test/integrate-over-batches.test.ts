import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTargetOverBatches, integrateContribution, integrateOverBatches, loadDataset, loadDatasetInBatches, type BatchedIntegrationInput } from '../src/index.js';
import { plantedCsv as csv, plantedRows as rows, type PlantedRow as Row } from './planted-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const QUICKSTART = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));
const KEY = 'k'.repeat(16);

/** Every row of the tables, in order, as plain objects. */
function rowsOf(tables: Table[]): unknown[] {
  return tables.flatMap((t) => t.toArray().map((r) => (r as { toJSON(): unknown }).toJSON()));
}

const read = (files: string[]): Table[] => files.map((f) => tableFromIPC(readFileSync(f)));

async function both(paths: { base: string; contributed: string; benchmark: string }, batchRows: number, options: Partial<BatchedIntegrationInput> = {}) {
  const loaded = await Promise.all([loadDataset(paths.base), loadDataset(paths.contributed), loadDataset(paths.benchmark)]);
  const common = { target: options.target ?? 'label', pii: { key: KEY, mode: 'hash' as const }, quality: { threshold: 0 }, seed: 7, omit: options.omit ?? { columns: ['id'], pii: true } };
  const memory = integrateContribution({ ...common, base: loaded[0], contributed: loaded[1], benchmark: loaded[2] });
  const dir = tmp.path(`run-${batchRows}-${Math.random().toString(36).slice(2)}`);
  const [b, c, k] = await Promise.all((['base', 'contributed', 'benchmark'] as const).map((role) => loadDatasetInBatches(paths[role], { dir: join(dir, role), batchRows })));
  const streamed = await integrateOverBatches({ ...common, base: b!, contributed: c!, benchmark: k!, dir: join(dir, 'integrate'), partitions: 4, ...options });
  return { memory, streamed };
}

describe('integrateOverBatches', () => {
  const base = rows(600, 1, 1);
  const bench = rows(150, 2, 10_001);
  const own = rows(300, 3, 20_001);
  const rounded = (r: Row, d: number): Row => ({ ...r, x1: r.x1 === null ? null : Math.round(r.x1 * 10 ** d) / 10 ** d, x2: Math.round(r.x2 * 10 ** d) / 10 ** d });
  const contributed: Row[] = [
    ...own,
    ...bench.slice(0, 20).map((r, k) => ({ ...r, id: 30_001 + k, email: `copy${k}@mail.test` })),
    ...bench.slice(20, 40).map((r, k) => ({ ...rounded(r, 2), id: 30_101 + k, email: `round${k}@mail.test` })),
    // A benchmark copy handed in twice: removed as contamination, and still a duplicate for quality.
    ...bench.slice(0, 3).map((r, k) => ({ ...r, id: 30_001 + k, email: `copy${k}@mail.test` })),
    ...base.slice(0, 15),
    ...base.slice(15, 30).map((r) => rounded(r, 1)),
    ...own.slice(0, 10),
  ];
  // Text in a number column of the contribution (read as missing, lowers quality).
  const paths = {
    base: tmp.write('base.csv', csv(base)),
    contributed: tmp.write('contributed.csv', csv(contributed, (r, k) => (k % 97 === 5 ? 'n.a.' : String(r.x2)))),
    benchmark: tmp.write('benchmark.csv', csv(bench)),
  };

  it.each([29, 128, 100_000])('gives integrateContribution\'s report and output rows, in batches of %i rows', async (batchRows) => {
    const { memory, streamed } = await both(paths, batchRows);
    // The planted cases are there, so the comparison means something.
    expect(memory.report.contamination.removed).toBe(43);
    // One of the ten copies differs from its original by the unreadable cell.
    expect(memory.report.dedup.within_contributed).toBe(9);
    expect(memory.report.invalid_values).toHaveLength(1);
    expect(streamed.report).toEqual(memory.report);
    expect(streamed.piiColumns).toEqual(memory.piiColumns);
    expect(streamed.rows).toEqual({ base: memory.base.numRows, merged: memory.merged.numRows, benchmark: memory.benchmark.numRows });
    expect(rowsOf(read(streamed.batches.merged))).toEqual(rowsOf([memory.merged]));
    expect(rowsOf(read(streamed.batches.base))).toEqual(rowsOf([memory.base]));
    expect(rowsOf(read(streamed.batches.benchmark))).toEqual(rowsOf([memory.benchmark]));
  });

  it('gives the bundled example\'s report', async () => {
    const q = { base: join(QUICKSTART, 'base.csv'), contributed: join(QUICKSTART, 'contributed.csv'), benchmark: join(QUICKSTART, 'benchmark.csv') };
    const { memory, streamed } = await both(q, 100, { target: 'churned', omit: { columns: ['customer_id'], pii: true } });
    expect(streamed.report).toEqual(memory.report);
    expect(rowsOf(read(streamed.batches.merged))).toEqual(rowsOf([memory.merged]));
  });

  it('raises the in-memory path\'s errors, with the row in the whole file', async () => {
    const other = tmp.write('relabelled.csv', csv(own.map((r, k) => ({ ...r, label: k === 250 ? 7 : r.label }))));
    const loaded = await Promise.all([loadDataset(paths.base), loadDataset(other), loadDataset(paths.benchmark)]);
    const common = { target: 'label', pii: { key: KEY, mode: 'hash' as const } };
    let memoryError: unknown;
    try {
      integrateContribution({ ...common, base: loaded[0], contributed: loaded[1], benchmark: loaded[2] });
    } catch (e) {
      memoryError = e;
    }
    expect(memoryError).toMatchObject({ code: 'HOKUSAI_LABEL_SET_MISMATCH', row: 251 });
    const dir = tmp.path('errors');
    const [b, c, k] = await Promise.all([paths.base, other, paths.benchmark].map((p, i) => loadDatasetInBatches(p, { dir: join(dir, String(i)), batchRows: 64 })));
    await expect(integrateOverBatches({ ...common, base: b!, contributed: c!, benchmark: k!, dir: join(dir, 'integrate') })).rejects.toMatchObject({ code: 'HOKUSAI_LABEL_SET_MISMATCH', row: 251, message: (memoryError as Error).message });
  });
});

describe('checkTargetOverBatches', () => {
  const csvOf = (labels: (string | number)[]): string => `x,label\n${labels.map((l, i) => `${i},${l}`).join('\n')}\n`;

  it('places an empty target in the whole file and finds a third label in a later batch', async () => {
    const labels = Array.from({ length: 300 }, (_, i) => i % 2);
    const withEmpty = tmp.write('empty-label.csv', csvOf(labels.map((l, i) => (i === 250 ? '' : l))));
    const dir = tmp.path('target-check');
    const a = await loadDatasetInBatches(withEmpty, { dir: join(dir, 'a'), batchRows: 64 });
    await expect(checkTargetOverBatches(a, 'label', 'binary')).rejects.toMatchObject({ code: 'HOKUSAI_TARGET_NULL', row: 251, file: withEmpty });
    const third = tmp.write('third-label.csv', csvOf(labels.map((l, i) => (i === 200 ? 'maybe' : l === 0 ? 'no' : 'yes'))));
    const b = await loadDatasetInBatches(third, { dir: join(dir, 'b'), batchRows: 64 });
    await expect(checkTargetOverBatches(b, 'label', 'binary')).rejects.toMatchObject({ code: 'HOKUSAI_TARGET_NOT_BINARY', row: 201, file: third });
    const fine = await loadDatasetInBatches(tmp.write('fine.csv', csvOf(labels)), { dir: join(dir, 'c'), batchRows: 64 });
    await expect(checkTargetOverBatches(fine, 'label', 'binary')).resolves.toBeUndefined();
  });
});
