import { Float64, LargeUtf8, Table, Utf8, makeVector, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/index.js';
import { fromArrowTable, toArrowTable } from '../src/arrow-convert.js';
import type { Column } from '../src/column.js';
import { readParquetFile } from '../src/parquet-reader.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const strings = (col: Column | undefined): (string | null)[] => (col?.type === 'string' ? col.values : []);

// test/fixtures/pandas-strings.py wrote this file with pandas 3: text as large_string.
const PANDAS = fixture('pandas-strings.parquet');
const NAMES = ['Ana', null, 'Zürich, CH', '', '東京', 'say "hi"'];

describe('Parquet as pandas writes it', () => {
  it('reads large_string text, nulls, -0 and int64 value for value', async () => {
    const loaded = await loadDataset(PANDAS);
    const ct = fromArrowTable(loaded.table, PANDAS);
    expect(ct.names).toEqual(['name', 'city', 'score', 'visits', 'label']);
    expect(ct.columns.map((c) => c.type)).toEqual(['string', 'string', 'float', 'int', 'int']);
    expect(strings(ct.columns[0])).toEqual(NAMES);
    expect(strings(ct.columns[1])).toEqual(['Lisbon', 'Oslo', null, 'Lisbon', 'Kyoto', 'Oslo']);
    expect(loaded.table.getChild('name')?.toArray()).toEqual(NAMES);
    const score = ct.columns[2] as Extract<Column, { type: 'float' }>;
    expect([...score.values]).toEqual([0.5, 0, 0, 2.25, 1e300, -7]);
    expect(Object.is(score.values[1], 0)).toBe(true); // -0.0 in the file
    expect([...score.valid]).toEqual([1, 1, 0, 1, 1, 1]);
    expect(loaded.manifest.null_counts).toMatchObject({ name: 1, city: 1, score: 1, visits: 0 });
  });

  it('hashes the same rows the same as CSV', async () => {
    const csv = tmp.write(
      'same.csv',
      'name,city,score,visits,label\nAna,Lisbon,0.5,3,1\n,Oslo,-0.0,0,0\n"Zürich, CH",,,12,1\n"",Lisbon,2.25,7,0\n東京,Kyoto,1e300,1,1\n"say ""hi""",Oslo,-7,2,0\n',
    );
    const [fromCsv, fromParquet] = await Promise.all([loadDataset(csv), loadDataset(PANDAS)]);
    expect(fromParquet.manifest.dtypes).toEqual(fromCsv.manifest.dtypes);
    expect(fromParquet.manifest.content_hash).toBe(fromCsv.manifest.content_hash);
  });

  it('hands the decoded text on to Arrow without making strings until they are read', async () => {
    const { table: decoded } = await readParquetFile(PANDAS, 'pandas-strings.parquet');
    const ct = fromArrowTable(decoded, 'pandas-strings.parquet');
    const name = ct.columns[0] as Column;
    expect(Object.getOwnPropertyDescriptor(name, 'values')?.get).toBeDefined();
    const out = toArrowTable(ct);
    // The bytes are the decoder's (as Utf8: pandas' 64-bit offsets are narrowed, the text shared).
    expect(out.getChild('name')?.data[0]?.values.buffer).toBe(decoded.getChild('name')?.data[0]?.values.buffer);
    expect(Object.getOwnPropertyDescriptor(name, 'values')?.get).toBeDefined();
    expect(out.getChild('name')?.toArray()).toEqual(NAMES);
    expect(strings(name)).toEqual(NAMES);
    expect(Object.getOwnPropertyDescriptor(name, 'values')?.get).toBeUndefined();
  });
});

describe('Arrow columns in several chunks', () => {
  it('reads sliced large_string chunks value for value', () => {
    const words = ['a', null, 'ccc', 'dd', '', 'ffff', 'g', 'ü€'];
    const v = vectorFromArray(words, new LargeUtf8());
    const chunked = new Table({ w: v.slice(1, 4).concat(v.slice(5, 8)) });
    expect(strings(fromArrowTable(chunked, 'chunks').columns[0])).toEqual([...words.slice(1, 4), ...words.slice(5, 8)]);
  });

  it('shares a float column read value for value, and copies one it must change', () => {
    const clean = new Float64Array([1.5, 2, -3]);
    const negativeZero = new Float64Array([1.5, -0, 3]);
    const t = new Table({ clean: makeVector({ type: new Float64(), data: clean }), nz: makeVector({ type: new Float64(), data: negativeZero }), s: vectorFromArray(['x', 'y', 'z'], new Utf8()) });
    const ct = fromArrowTable(t, 'floats');
    const [a, b] = ct.columns as [Extract<Column, { type: 'float' }>, Extract<Column, { type: 'float' }>];
    expect(a.values.buffer).toBe(clean.buffer);
    expect(b.values.buffer).not.toBe(negativeZero.buffer);
    expect(Object.is(b.values[1], 0)).toBe(true);
    expect(Object.is(negativeZero[1], -0)).toBe(true); // the input is left as it was
    const out = toArrowTable(ct);
    expect(out.getChild('clean')?.data[0]).toBe(t.getChild('clean')?.data[0]);
    expect(out.getChild('nz')?.data[0]).not.toBe(t.getChild('nz')?.data[0]);
  });
});
