import { existsSync } from 'node:fs';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { integrateContribution, loadDataset, partitionedMatches, removalCounts } from '../src/index.js';
import type { LoadedDataset } from '../src/index.js';
import { plantedCsv as csv, plantedRows as rows, type PlantedRow as Row } from './planted-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let files = 0;
const load = (rs: Row[]): Promise<LoadedDataset> => loadDataset(tmp.write(`p${files++}.csv`, csv(rs)));

/** The table as batches of `size` rows, each its own Arrow table (as read back from disk). */
const batchesOf = (table: Table, size: number) =>
  async function* (): AsyncGenerator<Table> {
    for (let at = 0; at < table.numRows; at += size) yield tableFromIPC(tableToIPC(table.slice(at, Math.min(table.numRows, at + size))));
  };

describe('dedup and contamination over disk partitions', () => {
  const base = rows(600, 1, 1);
  const bench = rows(150, 2, 10_001);
  const own = rows(300, 3, 20_001);
  const rounded = (r: Row, decimals: number): Row => ({ ...r, x1: r.x1 === null ? null : Math.round(r.x1 * 10 ** decimals) / 10 ** decimals, x2: Math.round(r.x2 * 10 ** decimals) / 10 ** decimals });
  const contributed: Row[] = [
    ...own,
    // Copies of benchmark rows under the contributor's own ids and e-mails: exact, rounded, re-cased.
    ...bench.slice(0, 20).map((r, k) => ({ ...r, id: 30_001 + k, email: `copy${k}@mail.test` })),
    ...bench.slice(20, 40).map((r, k) => ({ ...rounded(r, 2), id: 30_101 + k, email: `round${k}@mail.test` })),
    ...bench.slice(40, 50).map((r, k) => ({ ...r, plan: r.plan.toUpperCase(), id: 30_201 + k, email: `case${k}@mail.test` })),
    // Base rows handed in again, exact and rounded, and one with its label flipped (a disagreement, kept).
    ...base.slice(0, 15),
    ...base.slice(15, 30).map((r) => rounded(r, 1)),
    { ...(base[40] as Row), label: 1 - (base[40] as Row).label },
    // Duplicates inside the contribution: exact (dropped) and differing only in the e-mail (kept).
    ...own.slice(0, 10),
    ...own.slice(10, 15).map((r) => ({ ...r, email: `other${r.id}@example.com` })),
  ];

  it.each([
    ['4 partitions, batches of 64 rows', 4, 64],
    ['1 partition, one batch', 1, 100_000],
    ['32 partitions, batches of 29 rows', 32, 29],
  ])('finds exactly what integrateContribution finds: %s', async (_name, partitions, batchRows) => {
    const [b, c, k] = await Promise.all([load(base), load(contributed), load(bench)]);
    const memory = integrateContribution({ base: b, contributed: c, benchmark: k, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, notFeatures: ['id'] }).report;
    // The planted cases are all there, so the comparison means something.
    expect(memory.contamination).toMatchObject({ removed: 50, exact: 20, normalized: 30 });
    expect(memory.dedup).toMatchObject({ within_contributed: 10, already_in_base: 30, already_in_base_normalized: 15 });
    const dir = tmp.path(`partitions-${partitions}-${batchRows}`);
    const streamed = await partitionedMatches({
      contributed: batchesOf(c.table, batchRows),
      base: batchesOf(b.table, batchRows),
      benchmark: batchesOf(k.table, batchRows),
      target: 'label',
      compared: memory.contamination.compared_columns,
      dir,
      partitions,
    });
    const counts = removalCounts(streamed);
    expect(counts.contamination).toEqual({ removed: memory.contamination.removed, exact: memory.contamination.exact, normalized: memory.contamination.normalized });
    expect(counts).toMatchObject({
      within_contributed: memory.dedup.within_contributed,
      already_in_base: memory.dedup.already_in_base,
      already_in_base_exact: memory.dedup.already_in_base_exact,
      already_in_base_normalized: memory.dedup.already_in_base_normalized,
      kept: memory.rows.contributed_kept,
    });
    expect(streamed.baseRowsInBenchmark).toBe(memory.contamination.base_rows_in_benchmark);
    expect(streamed.benchmarkRowsInBase).toBe(memory.contamination.benchmark_rows_in_base);
    expect(existsSync(dir)).toBe(false);
  });

  it('tells contributed rows apart by the columns it does not compare, nulls included, as integrateContribution does', async () => {
    // Equal in every compared column; they differ only in the id and e-mail (an int and a text
    // column spilled as one keyed digest per row), a missing value against a present one.
    const lines = ['7,a@x.io', '7,a@x.io', '7,', ',a@x.io', ',', ','].map((ids) => `${ids},1.5,2.5,Pro Plan,1`);
    const c = await loadDataset(tmp.write('others.csv', `id,email,x1,x2,plan,label\n${lines.join('\n')}\n`));
    const [b, k] = await Promise.all([load(base), load(bench)]);
    const memory = integrateContribution({ base: b, contributed: c, benchmark: k, target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, notFeatures: ['id'] }).report;
    expect(memory.dedup.within_contributed).toBe(2);
    const streamed = await partitionedMatches({ contributed: batchesOf(c.table, 4), base: batchesOf(b.table, 64), benchmark: batchesOf(k.table, 64), target: 'label', compared: ['x1', 'x2', 'plan'], dir: tmp.path('others'), partitions: 4 });
    expect([...streamed.duplicate]).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('names a compared column missing from a batch', async () => {
    const [b, c, k] = await Promise.all([load(base), load(own), load(bench)]);
    await expect(
      partitionedMatches({ contributed: batchesOf(c.table, 100), base: batchesOf(b.table, 100), benchmark: batchesOf(k.table, 100), target: 'label', compared: ['x1', 'nope'], dir: tmp.path('missing'), partitions: 2 }),
    ).rejects.toMatchObject({ code: 'HOKUSAI_SCHEMA_MISMATCH', column: 'nope' });
  });
});
