import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadDataset } from '../src/index.js';
import { readCsv } from '../src/csv-reader.js';
import { toArrowTable } from '../src/arrow-convert.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const FORMS = ['customers.csv', 'customers-semicolon.csv', 'customers-bom-crlf.csv', 'customers.json', 'customers.jsonl', 'customers.parquet'];

describe('loading every format', () => {
  it('reads the same rows from CSV (three dialects), JSON, JSON Lines and Parquet written by pyarrow', async () => {
    const loaded = await Promise.all(FORMS.map((f) => loadDataset(fixture(f))));
    const hashes = new Set(loaded.map((d) => d.manifest.content_hash));
    expect(hashes.size).toBe(1);
    for (const d of loaded) {
      expect(d.manifest.dtypes).toEqual({ id: 'int', name_of_plan: 'string', age: 'int', score: 'float', active: 'bool', signup: 'timestamp', notes: 'string', label: 'int' });
      expect(d.manifest.row_count).toBe(5);
      expect(d.manifest.null_counts).toMatchObject({ age: 1, active: 1, notes: 1 });
      expect(d.manifest.unique_counts.name_of_plan).toBe(3);
    }
    expect(loaded.map((d) => d.manifest.format)).toEqual(['csv', 'csv', 'csv', 'json', 'jsonl', 'parquet']);
    const csv = loaded[0]!;
    const notes = csv.table.getChild('notes')!.toArray() as (string | null)[];
    expect(notes).toEqual(['likes, commas', 'said "hello"', 'two\nlines', null, 'plain']);
    expect(csv.table.getChild('signup')!.get(1)).toBe(Date.UTC(2024, 1, 1, 10, 30));
    expect(Array.from(csv.table.getChild('score')!.toArray() as Float64Array)).toEqual([0.5, 1.25, 2000, -0.75, 3]);
  });

  it('records the SHA-256 of the file bytes', async () => {
    for (const f of FORMS) {
      const d = await loadDataset(fixture(f));
      expect(d.manifest.file_sha256).toBe(createHash('sha256').update(readFileSync(fixture(f))).digest('hex'));
      expect(d.manifest.source_path).toBe(fixture(f));
    }
  });

  it('detects the format from content when the extension says nothing, and accepts an override', async () => {
    const pq = tmp.write('data.bin', readFileSync(fixture('customers.parquet')));
    expect((await loadDataset(pq)).manifest.format).toBe('parquet');
    const jl = tmp.write('data.log', readFileSync(fixture('customers.jsonl')));
    expect((await loadDataset(jl)).manifest.format).toBe('jsonl');
    const asCsv = tmp.write('records.dat', 'a|b\n1|2\n');
    const d = await loadDataset(asCsv, { format: 'csv' });
    expect(d.manifest.columns).toEqual(['a', 'b']);
  });

  it('sniffs a missing header and names the columns', async () => {
    const d = await loadDataset(fixture('no-header.csv'));
    expect(d.manifest.columns).toEqual(['column_1', 'column_2', 'column_3']);
    expect(d.manifest.row_count).toBe(3);
    const forced = await loadDataset(fixture('no-header.csv'), { header: true });
    expect(forced.manifest.columns).toEqual(['1', '0.5', '3']);
  });

  it('turns a column into text when a later value is not a number, re-reading the earlier cells exactly', async () => {
    const d = await loadDataset(fixture('mixed-column.csv'));
    expect(d.manifest.dtypes.code).toBe('string');
    expect(d.table.getChild('code')!.toArray()).toEqual(['100', '200', 'A300', '007']);
  });

  it('keeps identifiers with leading zeros as text and widens int to float', async () => {
    const p = tmp.write('zeros.csv', 'zip,x\n02139,1\n10001,2.5\n');
    const d = await loadDataset(p);
    expect(d.manifest.dtypes).toEqual({ zip: 'string', x: 'float' });
    expect(d.table.getChild('zip')!.toArray()).toEqual(['02139', '10001']);
  });

  it('lets a declared schema override inference', async () => {
    const d = await loadDataset(fixture('customers.csv'), {
      schema: { columns: [{ name: 'id', type: 'string' }, { name: 'score', type: 'float' }, { name: 'label', type: 'int' }] },
    });
    expect(d.manifest.dtypes.id).toBe('string');
    expect(d.table.getChild('id')!.toArray()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('streams rows across chunk boundaries of any size with the same result', async () => {
    const whole = await readCsv(fixture('customers-bom-crlf.csv'), { file: 'x' });
    for (const chunkBytes of [1, 2, 3, 7, 64]) {
      const r = await readCsv(fixture('customers-bom-crlf.csv'), { file: 'x', chunkBytes });
      expect(r.table.rowCount).toBe(5);
      expect(r.table.columns).toEqual(whole.table.columns);
    }
  });

  it('carries a row longer than many chunks (and than the room kept before each) across reads', async () => {
    // Quoted fields of 300 KB and 70 KB with delimiters and line ends inside, between short rows.
    const long = 'ab,c\n'.repeat(60_000);
    const mid = 'x'.repeat(70_000);
    const text = `id,note,label\n1,short,0\n2,"${long}",1\n3,"${mid}",0\n4,end,1\n`;
    const p = tmp.write('long-row.csv', text);
    for (const chunkBytes of [4096, 65_536, 1 << 20]) {
      const seen: Buffer[] = [];
      const r = await readCsv(p, { file: 'x', chunkBytes, onChunk: (b) => seen.push(Buffer.from(b)) });
      expect(toArrowTable(r.table).getChild('note')!.toArray()).toEqual(['short', long, mid, 'end']);
      // Each byte handed on once and in order.
      expect(Buffer.concat(seen).toString()).toBe(text);
    }
    const d = await loadDataset(p);
    expect(d.table.getChild('note')!.toArray()).toEqual(['short', long, mid, 'end']);
    expect(d.manifest.file_sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('reads quoted "NA" as text, NA and empty fields as null, and "" in a text column as an empty string', async () => {
    const p = tmp.write('na.csv', 'country,n\n"NA",1\nNA,2\n"",3\nFR,4\n,5\n');
    const d = await loadDataset(p);
    expect(d.table.getChild('country')!.toArray()).toEqual(['NA', null, '', 'FR', null]);
  });

  it('reads NaN as missing only when asked', async () => {
    const d = await loadDataset(fixture('nan.csv'), { nonFinite: 'null' });
    expect(d.manifest.null_counts.score).toBe(1);
    expect(d.manifest.dtypes.score).toBe('float');
  });
});

describe('JSON typing', () => {
  it('keeps JSON strings as text, even when early values look like dates', async () => {
    const t = scratch();
    const p = t.write('d.jsonl', '{"when":"2024-01-01","n":1}\n{"when":null,"n":2}\n{"when":"next week","n":3}\n{"when":"NA","n":4}\n');
    const d = await loadDataset(p);
    expect(d.manifest.dtypes.when).toBe('string');
    expect(d.table.getChild('when')!.toArray()).toEqual(['2024-01-01', null, 'next week', 'NA']);
    t.cleanup();
  });
});
