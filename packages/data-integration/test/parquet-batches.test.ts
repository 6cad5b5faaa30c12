import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { Bool, Float64, Int32, Int64, Table, Utf8, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import { Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetInBatches } from '../src/index.js';
import { mulberry32 } from './mulberry32.js';
import { allRows, rowsOf } from './batch-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Writes named columns (values and an Arrow type) as Parquet, `groupRows` rows to a row group. */
function parquetBytes(cols: Record<string, [unknown[], DataType]>, groupRows: number): Uint8Array {
  const table = new Table(Object.fromEntries(Object.entries(cols).map(([name, [values, type]]) => [name, vectorFromArray(values as never[], type as never)])));
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), new WriterPropertiesBuilder().setMaxRowGroupSize(groupRows).build());
}

/**
 * Rows whose columns a per-batch reader would type differently: `id` is int64 that fits 32 bits
 * until row 31 (then float64 for the whole file), `late` is empty until row 25, `none` throughout.
 */
function mixedColumns(rows: number, nan?: number): Record<string, [unknown[], DataType]> {
  const ids: bigint[] = [];
  const xs: (number | null)[] = [];
  const late: (number | null)[] = [];
  for (let i = 1; i <= rows; i++) {
    ids.push(i === 31 ? 2n ** 40n + BigInt(i) : BigInt(i * 3));
    xs.push(i === nan ? Number.NaN : i % 7 === 0 ? null : i * 0.25 - 3);
    late.push(i < 25 ? null : i / 4);
  }
  return {
    id: [ids, new Int64()],
    x: [xs, new Float64()],
    name: [Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : `name ${i % 3} é`)), new Utf8()],
    flag: [Array.from({ length: rows }, (_, i) => i % 2 === 0), new Bool()],
    late: [late, new Float64()],
    none: [Array.from({ length: rows }, () => null), new Int32()],
  };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('loading a Parquet file in batches', () => {
  it.each([
    ['one-row row groups, gathered', 1, 7],
    ['row groups of 5, gathered past the batch size', 5, 7],
    ['one row group, cut into batches', 1000, 8],
  ])('gives loadDataset\'s types, values and hash, batch by batch (%s)', async (label, groupRows, batchRows) => {
    const bytes = parquetBytes(mixedColumns(40), groupRows);
    const path = tmp.write(`mixed-${groupRows}.parquet`, bytes);
    const whole = await loadDataset(path);
    const dir = tmp.path(`batches-${groupRows}`);
    const batched = await loadDatasetInBatches(path, { dir, batchRows });
    expect(batched.format, label).toBe('parquet');
    expect(batched.row_count).toBe(40);
    expect(batched.batches.length).toBeGreaterThan(1);
    expect(batched.batches.length).toBeLessThanOrEqual(Math.ceil(40 / batchRows));
    expect(batched.columns).toEqual(['id', 'x', 'name', 'flag', 'late', 'none']);
    expect(batched.dtypes).toEqual(whole.manifest.dtypes);
    // The planted changes of type are there, so the comparison means something.
    expect(batched.dtypes).toMatchObject({ id: 'float', x: 'float', name: 'string', flag: 'bool', late: 'float', none: 'int' });
    expect(batched.emptyColumns).toEqual(['none']);
    expect(batched.file_sha256).toBe(sha256(bytes));
    expect(batched.file_sha256).toBe(whole.manifest.file_sha256);
    expect(await allRows(() => batched.read())).toEqual(rowsOf(whole.table));
    // Every batch has the whole file's schema, and nothing else is left in the folder.
    for await (const batch of batched.read()) expect(batch.schema.fields.map((f) => String(f.type))).toEqual(whole.table.schema.fields.map((f) => String(f.type)));
    expect(readdirSync(dir).sort()).toEqual(batched.batches.map((f) => f.slice(dir.length + 1)).sort());
  });

  it('is told from the first bytes when the name does not say, and the format can be named', async () => {
    const path = tmp.write('no-extension', parquetBytes(mixedColumns(12), 4));
    const found = await loadDatasetInBatches(path, { dir: tmp.path('found'), batchRows: 5 });
    const named = await loadDatasetInBatches(path, { dir: tmp.path('named'), batchRows: 5, format: 'parquet' });
    expect(found.format).toBe('parquet');
    expect(await allRows(() => named.read())).toEqual(await allRows(() => found.read()));
  });

  it('reports NaN with the whole file\'s name and row, as loadDataset does, and reads it as missing when asked', async () => {
    const path = tmp.write('nan.parquet', parquetBytes(mixedColumns(40, 23), 5));
    const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);
    const whole = await failure(loadDataset(path));
    const dir = tmp.path('nan-batches');
    const batched = await failure(loadDatasetInBatches(path, { dir, batchRows: 7 }));
    expect(whole).toMatchObject({ code: 'HOKUSAI_NON_FINITE', row: 23, column: 'x', file: path });
    expect(batched).toMatchObject({ code: 'HOKUSAI_NON_FINITE', row: 23, column: 'x', file: path, message: (whole as Error).message });
    // No half-written batches are left behind.
    expect(readdirSync(dir)).toEqual([]);
    const asNull = await loadDatasetInBatches(path, { dir: tmp.path('nan-null'), batchRows: 7, nonFinite: 'null' });
    expect(await allRows(() => asNull.read())).toEqual(rowsOf((await loadDataset(path, { nonFinite: 'null' })).table));
  });

  it('gives loadDataset\'s typed errors for an empty, truncated, foreign or rowless file', async () => {
    const good = parquetBytes(mixedColumns(40), 5);
    const cases: [string, Uint8Array | string][] = [
      ['empty.parquet', new Uint8Array(0)],
      ['truncated.parquet', good.subarray(0, good.length - 100)],
      ['cut-footer.parquet', Buffer.concat([good.subarray(0, 200), good.subarray(good.length - 4)])],
      ['foreign.parquet', 'id,x\n1,2\n'],
      ['rowless.parquet', parquetBytes({ id: [[], new Int64()] }, 5)],
    ];
    for (const [name, bytes] of cases) {
      const path = tmp.write(name, bytes);
      const whole = (await loadDataset(path).then(() => null, (e: unknown) => e)) as { code: string } | null;
      const batched = (await loadDatasetInBatches(path, { dir: tmp.path(`${name}-batches`), batchRows: 7 }).then(() => null, (e: unknown) => e)) as { code: string; file: string } | null;
      expect(whole, name).not.toBeNull();
      expect(batched, name).toMatchObject({ code: whole?.code, file: path });
    }
  });

  it('rewritten while it is read: the batches and the hash are of one and the same file', async () => {
    const first = parquetBytes(mixedColumns(1000), 10);
    const second = parquetBytes({ ...mixedColumns(1000), x: [Array.from({ length: 1000 }, (_, i) => -i), new Float64()] }, 10);
    const path = tmp.write('rewritten.parquet', first);
    const dir = tmp.path('rewritten-batches');
    const expected = new Map([
      [sha256(first), rowsOf((await loadDataset(path)).table)],
      [sha256(second), rowsOf((await loadDataset(tmp.write('second.parquet', second))).table)],
    ]);
    // The file is rewritten as soon as the first batch file appears.
    mkdirSync(dir, { recursive: true });
    const watcher = watch(dir, () => {
      watcher.close();
      writeFileSync(path, second);
    });
    const batched = await loadDatasetInBatches(path, { dir, batchRows: 10 }).finally(() => watcher.close());
    console.log(`rewritten during the read: ${batched.file_sha256 === sha256(second) ? 'read again, the second version' : 'the first version was read before the rewrite'}`);
    expect(readFileSync(path)).toEqual(Buffer.from(second));
    expect(expected.get(batched.file_sha256)).toEqual(await allRows(() => batched.read()));
    expect(readdirSync(dir).length).toBe(batched.batches.length);
    expect(existsSync(batched.batches[0] as string)).toBe(true);
  });

  it('damaged files: rows or a typed error naming the file, never a crash, and no batch file left after an error', async () => {
    const good = parquetBytes(mixedColumns(200), 30);
    const random = mulberry32(21);
    const outcomes = new Map<string, number>();
    for (let n = 0; n < 16; n++) {
      const bytes = Uint8Array.from(good);
      // 1-3 bytes changed anywhere past the leading magic, the footer included.
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) bytes[4 + Math.floor(random() * (bytes.length - 8))] = Math.floor(random() * 256);
      const path = tmp.write(`damaged-${n}.parquet`, bytes);
      const dir = tmp.path(`damaged-${n}`);
      const outcome = await loadDatasetInBatches(path, { dir, batchRows: 64 }).then(
        async (b) => ({ rows: await allRows(() => b.read()) }),
        (e: unknown) => ({ error: e as { code?: string; file?: string } }),
      );
      if ('error' in outcome) {
        expect(outcome.error, `damaged-${n}`).toMatchObject({ file: path });
        expect(['HOKUSAI_PARQUET_CORRUPT', 'HOKUSAI_NON_FINITE', 'HOKUSAI_TYPE_MISMATCH', 'HOKUSAI_INVALID_UTF8', 'HOKUSAI_DUPLICATE_COLUMN', 'HOKUSAI_HEADER_ONLY', 'HOKUSAI_EMPTY_COLUMN_NAME']).toContain(outcome.error.code);
        expect(readdirSync(dir), `damaged-${n}`).toEqual([]);
      }
      const key = 'error' in outcome ? String(outcome.error.code) : 'read';
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    console.log(`16 damaged files: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(outcomes.get('HOKUSAI_PARQUET_CORRUPT') ?? 0).toBeGreaterThan(0);
  });
});
