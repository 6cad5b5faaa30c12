import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetInBatches } from '../src/index.js';
import { loadTableUnhashed } from '../src/load-dataset.js';
import { allRows, rowsOf } from './batch-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** 40 rows whose columns change type only after the first batches: what a per-batch reader would get wrong. */
function mixedCsv(eol: string): string {
  const lines = ['id,score,code,late,note,joined,active'];
  for (let i = 1; i <= 40; i++) {
    const score = i === 33 ? '2.5' : String(i * 3);
    const code = i === 30 ? 'A12' : String(i).padStart(3, '0');
    const late = i < 25 ? '' : String(i / 4);
    const note = i % 9 === 0 ? `"line one${eol}line two, with ""quotes"""` : `plain ${i}`;
    const joined = `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push([i, score, code, late, note, joined, i % 2 === 0 ? 'true' : 'false'].join(','));
  }
  return lines.join(eol) + eol;
}

describe('loading a CSV file in batches', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('gives loadDataset\'s types and values, batch by batch (%s)', async (_name, eol) => {
    const path = tmp.write(`mixed-${_name}.csv`, mixedCsv(eol));
    const whole = await loadDataset(path);
    const dir = tmp.path(`batches-${_name}`);
    const batched = await loadDatasetInBatches(path, { dir, batchRows: 7 });
    expect(batched.batches).toHaveLength(6);
    expect(batched.row_count).toBe(40);
    expect(batched.dtypes).toEqual(whole.manifest.dtypes);
    // The planted changes of type are there, so the comparison means something.
    expect(batched.dtypes).toMatchObject({ score: 'float', code: 'string', late: 'float', note: 'string', active: 'bool' });
    expect(batched.file_sha256).toBe(whole.manifest.file_sha256);
    expect(await allRows(() => batched.read())).toEqual(rowsOf(whole.table));
    // Every batch has the whole file's schema.
    for await (const batch of batched.read()) expect(batch.schema.fields.map((f) => String(f.type))).toEqual(whole.table.schema.fields.map((f) => String(f.type)));
    expect(existsSync(dir)).toBe(true);
  });

  it('reads each chunk without hashing it (the splitting pass hashed the file): the same table, an empty SHA-256', async () => {
    // 1.1 MB: past the size read in more than one chunk, under the one hashed on another thread.
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},${(i * 0.37).toFixed(3)},name ${i % 17}`);
    const path = tmp.write('unhashed.csv', ['id,x,name', ...rows].join('\n') + '\n');
    const hashed = await loadDataset(path);
    const plain = await loadTableUnhashed(path, {});
    expect(plain.manifest.file_sha256).toBe('');
    expect(hashed.manifest.file_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rowsOf(plain.table)).toEqual(rowsOf(hashed.table));
    expect(plain.manifest.content_hash).toBe(hashed.manifest.content_hash);
  });

  it('reports a bad cell with the whole file\'s name, row and line, as loadDataset does', async () => {
    const text = mixedCsv('\n').replace('\n23,69,', '\n23,NaN,');
    const path = tmp.write('bad.csv', text);
    const whole = await loadDataset(path).then(
      () => null,
      (e: unknown) => e as Error & { code: string; row: number; file: string },
    );
    const batched = await loadDatasetInBatches(path, { dir: tmp.path('bad-batches'), batchRows: 5 }).then(
      () => null,
      (e: unknown) => e as Error & { code: string; row: number; file: string },
    );
    expect(whole).toMatchObject({ code: 'HOKUSAI_NON_FINITE', row: 23, file: path });
    expect(batched).toMatchObject({ code: whole?.code, row: whole?.row, file: path, message: whole?.message });
    // The chunks before the bad one, and their batch files, are gone too.
    expect(readdirSync(tmp.path('bad-batches'))).toEqual([]);
  });
});
