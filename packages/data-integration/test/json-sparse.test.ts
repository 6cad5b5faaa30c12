import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetInBatches } from '../src/index.js';
import { ColumnBuilder } from '../src/column-builder.js';
import { RecordSink, SPARSE_LIMITS } from '../src/json-reader.js';
import { mulberry32 } from './mulberry32.js';
import { scratch } from './temp-files.js';

// JSON records that each bring keys of their own make a table of rows × keys cells, nearly all
// null, from a file of a few values a row: before the limit, 20,000 such records (527 KB) took
// 140 s and 6.6 GB to load. Such a file is refused early with a typed error; a table whose
// records leave out a share of its keys, as optional fields do, still loads.

const tmp = scratch();
afterAll(() => tmp.cleanup());

const failure = (p: Promise<unknown>): Promise<{ code: string; row?: number; column?: string; file?: string; message: string } | null> =>
  p.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );

/** Records with an id and a key of their own each. */
const ownKeys = (n: number): string[] => Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, [`k${i}`]: i }));

/**
 * The first record at which ownKeys' table passes the default limits: record r (1-based) brings
 * column r + 1 (its own key) after 2r - 1 values before it and its own two.
 */
function firstRefused(): number {
  for (let r = 1; ; r++) {
    const cells = (r + 1) * r;
    if (cells > SPARSE_LIMITS.floorCells && cells > SPARSE_LIMITS.cellsPerValue * 2 * r) return r;
  }
}

describe('JSON records that share too few keys', () => {
  const records = ownKeys(3000);
  const row = firstRefused();

  it.each([
    ['JSON Lines', 'own-keys.jsonl', `${records.join('\n')}\n`],
    ['a JSON array', 'own-keys.json', `[\n${records.join(',\n')}\n]\n`],
  ])('are refused at the record that makes the table too empty, whole and in batches (%s)', async (_label, name, text) => {
    const path = tmp.write(name, text);
    const expected = { code: 'HOKUSAI_SPARSE_RECORDS', file: path, row, column: `k${row - 1}` };
    const whole = await failure(loadDataset(path));
    expect(whole).toMatchObject(expected);
    expect(whole?.message).toContain(`${row + 1} columns over ${row} records`);
    const dir = tmp.path(`${name}-batches`);
    expect(await failure(loadDatasetInBatches(path, { dir, batchRows: 500 }))).toMatchObject(expected);
    // No batch file is left behind.
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('are refused only past the floor and the share of values (limits made small)', () => {
    // 400 records, each holding 5 of 50 optional keys and an id: about one value in 9 cells.
    const random = mulberry32(5);
    const optional = Array.from({ length: 400 }, (_, i) => {
      const rec: Record<string, number> = { id: i };
      for (let k = 0; k < 5; k++) rec[`f${Math.floor(random() * 50)}`] = k;
      return rec;
    });
    const read = (floorCells: number, cellsPerValue: number): string => {
      const sink = new RecordSink('optional.jsonl', () => new ColumnBuilder(undefined), { floorCells, cellsPerValue });
      try {
        optional.forEach((rec, i) => sink.push(rec, i + 1));
        return `${sink.rows} rows, ${sink.names.length} columns`;
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(read(1000, 32)).toBe('400 rows, 51 columns');
    expect(read(1000, 4)).toBe('HOKUSAI_SPARSE_RECORDS');
    // Under the floor, any share of values is enough.
    expect(read(51 * 400, 4)).toBe('400 rows, 51 columns');
    // With the default limits.
    const sink = new RecordSink('optional.jsonl', () => new ColumnBuilder(undefined));
    optional.forEach((rec, i) => sink.push(rec, i + 1));
    expect(sink.names).toHaveLength(51);
  });

  it('a few columns over many empty records still load', async () => {
    // 3 keys, then 100,000 records without any, then a fourth key: 400,000 cells, under the floor.
    const lines = [JSON.stringify({ a: 1, b: 'x', c: true }), ...Array.from({ length: 100_000 }, () => '{}'), JSON.stringify({ d: 2 })];
    const ds = await loadDataset(tmp.write('mostly-empty.jsonl', `${lines.join('\n')}\n`));
    expect([ds.table.numRows, ds.table.numCols]).toEqual([100_002, 4]);
  });
});
