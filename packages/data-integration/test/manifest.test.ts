import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { loadDataset, writeTable } from '../src/index.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

describe('content hash', () => {
  it('ignores row and column order but sees every value', async () => {
    const a = await loadDataset(tmp.write('a.csv', 'x,y,s\n1,2.5,foo\n3,4.5,bar\n1,2.5,foo\n'));
    const b = await loadDataset(tmp.write('b.csv', 's,x,y\nbar,3,4.5\nfoo,1,2.5\nfoo,1,2.5\n'));
    expect(b.manifest.content_hash).toBe(a.manifest.content_hash);
    // A duplicate row is part of the multiset: dropping it changes the hash.
    const c = await loadDataset(tmp.write('c.csv', 'x,y,s\n1,2.5,foo\n3,4.5,bar\n'));
    expect(c.manifest.content_hash).not.toBe(a.manifest.content_hash);
    for (const changed of ['x,y,s\n1,2.5,foo\n3,4.5,baz\n1,2.5,foo\n', 'x,y,s\n1,2.5,foo\n3,4.75,bar\n1,2.5,foo\n', 'x,y,s\n1,2.5,foo\n3,,bar\n1,2.5,foo\n', 'x,y,t\n1,2.5,foo\n3,4.5,bar\n1,2.5,foo\n']) {
      const d = await loadDataset(tmp.write(`d${changed.length}${changed.charCodeAt(22)}.csv`, changed));
      expect(d.manifest.content_hash).not.toBe(a.manifest.content_hash);
    }
  });

  it('treats an int column and the same values as floats as equal, and a string "1" as different', async () => {
    const i = await loadDataset(tmp.write('i.jsonl', '{"v":1}\n{"v":2}\n'));
    const f = await loadDataset(tmp.write('f.jsonl', '{"v":1.0}\n{"v":2.0}\n'));
    const s = await loadDataset(tmp.write('s.jsonl', '{"v":"1"}\n{"v":"2"}\n'));
    expect(f.manifest.content_hash).toBe(i.manifest.content_hash);
    expect(s.manifest.content_hash).not.toBe(i.manifest.content_hash);
  });
});

describe('writeTable', () => {
  it('writes each format through a temporary name and reads back the same rows', async () => {
    const src = await loadDataset(fixture('customers.csv'));
    for (const ext of ['csv', 'json', 'jsonl', 'parquet']) {
      const p = tmp.path(`out.${ext}`);
      await writeTable(src.table, p);
      const back = await loadDataset(p);
      expect(back.manifest.content_hash).toBe(src.manifest.content_hash);
    }
    expect(readdirSync(tmp.path('')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(tmp.path('out.csv'), 'utf8').split('\n')[2]).toBe('2,pro,41,1.25,false,2024-02-01T10:30:00.000Z,"said ""hello""",1');
  });

  it('fails with a typed error and leaves nothing behind when the folder is missing', async () => {
    const src = await loadDataset(fixture('customers.csv'));
    await expect(writeTable(src.table, tmp.path('missing/dir/out.csv'))).rejects.toMatchObject({ code: 'HOKUSAI_WRITE_FAILED' });
  });
});
