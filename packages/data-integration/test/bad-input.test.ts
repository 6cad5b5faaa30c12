import { afterAll, describe, expect, it } from 'vitest';
import { closeSync, openSync, writeSync } from 'node:fs';
import { checkTarget, DataIntegrationError, loadDataset } from '../src/index.js';
import type { LoadOptions } from '../src/index.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

async function failure(path: string, options?: LoadOptions): Promise<DataIntegrationError> {
  try {
    await loadDataset(path, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DataIntegrationError);
    return err as DataIntegrationError;
  }
  throw new Error(`expected ${path} to fail`);
}

describe('bad input gives a typed error naming file, row and column', () => {
  const cases: [string, string, { row?: number; column?: string; line?: number }][] = [
    ['empty.csv', 'HOKUSAI_EMPTY_FILE', {}],
    ['header-only.csv', 'HOKUSAI_HEADER_ONLY', {}],
    ['ragged.csv', 'HOKUSAI_RAGGED_ROW', { row: 2, line: 3 }],
    ['binary.csv', 'HOKUSAI_BINARY_FILE', {}],
    ['truncated.parquet', 'HOKUSAI_PARQUET_CORRUPT', {}],
    ['invalid-utf8.csv', 'HOKUSAI_INVALID_UTF8', { row: 2, column: 'city' }],
    ['duplicate-columns.csv', 'HOKUSAI_DUPLICATE_COLUMN', { column: 'age' }],
    ['nan.csv', 'HOKUSAI_NON_FINITE', { row: 2, column: 'score' }],
    ['infinity.csv', 'HOKUSAI_NON_FINITE', { row: 3, column: 'score' }],
    ['unterminated-quote.csv', 'HOKUSAI_UNTERMINATED_QUOTE', { line: 2 }],
  ];
  for (const [name, code, where] of cases) {
    it(`${name} → ${code}`, async () => {
      const e = await failure(fixture(name));
      expect(e.code).toBe(code);
      expect(e.file).toBe(fixture(name));
      expect(e.message).toContain(fixture(name));
      if (where.row !== undefined) expect(e.row).toBe(where.row);
      if (where.column !== undefined) {
        expect(e.column).toBe(where.column);
        expect(e.message).toContain(`'${where.column}'`);
      }
      if (where.line !== undefined) expect(e.line).toBe(where.line);
    });
  }

  it('a binary file named .csv is detected even without Parquet magic', async () => {
    const p = tmp.write('random.csv', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect((await failure(p)).code).toBe('HOKUSAI_BINARY_FILE');
  });

  it('a missing file is reported as such', async () => {
    expect((await failure(tmp.path('nope.csv'))).code).toBe('HOKUSAI_FILE_NOT_FOUND');
  });

  it('wrong types against a declared schema are collected and reported with rows and values', async () => {
    const e = await failure(fixture('wrong-types.csv'), {
      schema: { columns: [{ name: 'age', type: 'int' }, { name: 'score', type: 'float' }] },
    });
    expect(e.code).toBe('HOKUSAI_TYPE_MISMATCH');
    expect(e.column).toBe('age');
    expect(e.row).toBe(2);
    expect(e.message).toContain('"forty"');
    const failures = e.context?.failures as { column: string; first_rows: number[] }[];
    expect(failures.map((f) => [f.column, f.first_rows])).toEqual([
      ['age', [2]],
      ['score', [3]],
    ]);
  });

  it('a 200 MB single line is rejected without buffering it whole', async () => {
    const p = tmp.path('one-line.csv');
    const fd = openSync(p, 'w');
    const block = Buffer.alloc(1 << 20, 'a');
    writeSync(fd, 'a,b\n');
    for (let i = 0; i < 200; i++) writeSync(fd, block);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const e = await failure(p);
    expect(e.code).toBe('HOKUSAI_LINE_TOO_LONG');
    expect(e.row).toBe(1);
    // Only the 64 MiB limit (plus one chunk) may have been held, never the 200 MB line.
    expect(process.memoryUsage().rss - before).toBeLessThan(180 * 2 ** 20);
  });

  it('a small file of very many columns loads without memory out of proportion to it', async () => {
    // 8,000 columns, 20 rows, 1.5 MB: each column used to start with a 272 KB string table and
    // room for 1,024 rows (2.2 GB in all); the WebAssembly scanner is not used past 4,096 columns.
    const cols = 8000;
    const lines = [Array.from({ length: cols }, (_, k) => `c${k}`).join(',')];
    for (let r = 0; r < 20; r++) lines.push(Array.from({ length: cols }, (_, k) => (k % 10 === 0 ? `t${r % 3}` : String((r * k) % 997))).join(','));
    const p = tmp.write('many-columns.csv', `${lines.join('\n')}\n`);
    const before = process.memoryUsage().rss;
    const ds = await loadDataset(p);
    expect(ds.table.numCols).toBe(cols);
    expect(ds.table.numRows).toBe(20);
    expect(ds.table.getChild('c7')?.get(19)).toBe((19 * 7) % 997);
    expect(ds.table.getChild('c10')?.get(4)).toBe('t1');
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 2 ** 20);
  });

  it('a JSON file that is not an array of records, and a broken JSON Lines record', async () => {
    const obj = tmp.write('obj.json', '{"a": 1}');
    expect((await failure(obj)).code).toBe('HOKUSAI_PARSE_ERROR');
    const jl = tmp.write('bad.jsonl', '{"a": 1}\n{"a": 2\n{"a": 3}\n');
    const e = await failure(jl);
    expect(e.code).toBe('HOKUSAI_PARSE_ERROR');
    expect(e.row).toBe(2);
    expect(e.line).toBe(2);
    const mixed = tmp.write('mixed.jsonl', '{"a": 1}\n{"a": "x"}\n');
    const m = await failure(mixed);
    expect(m.code).toBe('HOKUSAI_TYPE_MISMATCH');
    expect(m.column).toBe('a');
  });

  it('NaN and Infinity in Parquet numeric columns are refused too', async () => {
    const { tableFromArrays } = await import('apache-arrow');
    const { writeTable } = await import('../src/index.js');
    const p = tmp.path('nan.parquet');
    await writeTable(tableFromArrays({ x: Float64Array.from([1, Number.NaN, 3]), label: Int32Array.from([0, 1, 0]) }), p);
    const e = await failure(p);
    expect(e.code).toBe('HOKUSAI_NON_FINITE');
    expect(e.row).toBe(2);
    expect(e.column).toBe('x');
    // Writers that store missing floats as NaN can be read with NaN as null, on request.
    const d = await loadDataset(p, { nonFinite: 'null' });
    expect(d.manifest.null_counts.x).toBe(1);
    expect(d.table.getChild('x')!.toArray()).toEqual(Float64Array.from([1, 0, 3]));
  });

  it('target problems: missing, null, more than two classes', async () => {
    const multi = await loadDataset(fixture('target-multi.csv'));
    expect(() => checkTarget(multi, 'label', 'multiclass')).not.toThrow();
    const e1 = (() => {
      try {
        checkTarget(multi, 'label', 'binary');
      } catch (err) {
        return err as DataIntegrationError;
      }
      throw new Error('expected failure');
    })();
    expect(e1.code).toBe('HOKUSAI_TARGET_NOT_BINARY');
    expect(e1.message).toContain('0, 1, 2');
    const nul = await loadDataset(fixture('target-null.csv'));
    expect(() => checkTarget(nul, 'label', 'binary')).toThrow(expect.objectContaining({ code: 'HOKUSAI_TARGET_NULL', row: 2, column: 'label' }));
    expect(() => checkTarget(nul, 'churn', 'binary')).toThrow(expect.objectContaining({ code: 'HOKUSAI_TARGET_MISSING', file: fixture('target-null.csv') }));
  });
});
