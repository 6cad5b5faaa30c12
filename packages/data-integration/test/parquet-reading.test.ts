import { Float64, Int64, LargeUtf8, Table, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/index.js';
import { fromArrowTable, toArrowTable } from '../src/arrow-convert.js';
import type { Column } from '../src/column.js';
import { readParquetFile } from '../src/parquet-reader.js';
import { fixture, scratch } from './temp-files.js';
import { writeTable } from '../src/index.js';
import { copiedOutOfWasm } from '../src/wasm-table-copy.js';
import { RecordBatch, Schema, Field, Struct, Type } from 'apache-arrow';

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

describe('64-bit integers (pyarrow and pandas write ints as int64)', () => {
  const int64 = (values: bigint[], valid?: number[]): Table => {
    const n = values.length;
    const bitmap = new Uint8Array((n + 7) >> 3);
    valid?.forEach((v, i) => v === 1 && (bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7))));
    const nulls = valid === undefined ? 0 : valid.filter((v) => v === 0).length;
    const data = makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : null, data: BigInt64Array.from(values) });
    return new Table({ x: makeVector(data) });
  };

  it('reads int64 that fits in 32 bits as int, value for value, nulls as 0 whatever the writer left under them', () => {
    const values = [0n, -1n, 2147483647n, -2147483648n, 7n, 123456n, -99n, 5n, 42n];
    const valid = [1, 1, 1, 1, 0, 1, 1, 0, 1];
    const ct = fromArrowTable(int64(values, valid), 'ints');
    const col = ct.columns[0] as Extract<Column, { type: 'int' }>;
    expect(col.type).toBe('int');
    expect([...col.values]).toEqual([0, -1, 2147483647, -2147483648, 0, 123456, -99, 0, 42]);
    expect([...col.valid]).toEqual(valid);
    const out = toArrowTable(ct).getChild('x');
    expect(out?.toArray()).toEqual(Int32Array.from([0, -1, 2147483647, -2147483648, 0, 123456, -99, 0, 42]));
    expect([...Array(values.length).keys()].map((i) => out?.isValid(i))).toEqual(valid.map((v) => v === 1));
  });

  it('reads int64 past 32 bits as float when exact, and rejects one a double cannot hold', () => {
    const wide = fromArrowTable(int64([1n, 2147483648n, -2147483649n, 9007199254740991n]), 'wide').columns[0] as Extract<Column, { type: 'float' }>;
    expect(wide.type).toBe('float');
    expect([...wide.values]).toEqual([1, 2147483648, -2147483649, 9007199254740991]);
    expect(() => fromArrowTable(int64([1n, 9007199254740993n]), 'huge')).toThrow(expect.objectContaining({ code: 'HOKUSAI_TYPE_MISMATCH', row: 2, column: 'x' }));
    // A value past 32 bits under a null does not make the column float.
    const hidden = fromArrowTable(int64([3n, 1n << 40n], [1, 0]), 'hidden').columns[0] as Extract<Column, { type: 'int' }>;
    expect(hidden.type).toBe('int');
    expect([...hidden.values]).toEqual([3, 0]);
  });

  it('loads a Parquet file of int64 columns with the content hash of the same CSV', async () => {
    const p = tmp.path('ints.parquet');
    const n = 3000;
    const a = BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7919) % 2001) - 1000n);
    const b = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 3_000_000n);
    await writeTable(new Table({ a: makeVector(a), b: makeVector(b) }), p);
    const csv = tmp.write('ints.csv', `a,b\n${[...a].map((x, i) => `${x},${b[i]}`).join('\n')}\n`);
    const [fromCsv, fromParquet] = await Promise.all([loadDataset(csv), loadDataset(p)]);
    expect(fromParquet.manifest.dtypes).toEqual({ a: 'int', b: 'float' });
    expect(fromParquet.manifest.content_hash).toBe(fromCsv.manifest.content_hash);
    expect(fromParquet.manifest.unique_counts).toEqual(fromCsv.manifest.unique_counts);
  });
});

describe('copying a decoded table out of WebAssembly memory', () => {
  const batch = (schema: Schema, cols: ReturnType<typeof makeData>[]): RecordBatch => new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: cols[0]?.length ?? 0, nullCount: 0, children: cols }));
  const int64 = (values: bigint[], bitmap?: Uint8Array, nulls = 0): ReturnType<typeof makeData> => makeData({ type: new Int64(), length: values.length, nullCount: nulls, nullBitmap: bitmap ?? null, data: BigInt64Array.from(values) });

  it('narrows an int64 column to int32 only when every row group fits, and copies every buffer', () => {
    const schema = new Schema([new Field('small', new Int64(), true), new Field('wide', new Int64(), true), new Field('s', new Utf8(), true)]);
    const text = (words: string[]) => vectorFromArray(words, new Utf8()).data[0] as ReturnType<typeof makeData>;
    const view = new Table(schema, [
      batch(schema, [int64([1n, -2n, 99n], new Uint8Array([0b101]), 1), int64([5n, 6n, 7n]), text(['a', 'bb', 'c'])]),
      batch(schema, [int64([2147483647n, -2147483648n]), int64([1n, 1n << 33n]), text(['é', ''])]),
    ]);
    const out = copiedOutOfWasm(view) as Table;
    expect(out.schema.fields.map((f) => f.type.typeId)).toEqual([Type.Int, Type.Int, Type.Utf8]);
    expect(out.schema.fields.map((f) => (f.type as Int64).bitWidth)).toEqual([32, 64, undefined]);
    expect([...(out.getChild('small')?.toArray() ?? [])]).toEqual([1, 0, 99, 2147483647, -2147483648]);
    expect(out.getChild('small')?.isValid(1)).toBe(false);
    expect(out.getChild('wide')?.toArray()).toEqual(BigInt64Array.from([5n, 6n, 7n, 1n, 1n << 33n]));
    expect(out.getChild('s')?.toArray()).toEqual(['a', 'bb', 'c', 'é', '']);
    // Nothing is shared with the decoder's memory.
    const before = new Set(view.batches.flatMap((b) => b.data.children.flatMap((d) => [d.values?.buffer, d.valueOffsets?.buffer])));
    for (const b of out.batches) for (const d of b.data.children) expect(before.has(d.values.buffer)).toBe(false);
    expect(fromArrowTable(out, 'out').columns.map((c) => c.type)).toEqual(['int', 'float', 'string']);
  });

  it('leaves a table with a dictionary or nested column to the whole copy', () => {
    expect(copiedOutOfWasm(new Table({ d: vectorFromArray(['a', 'b', 'a']) }))).toBeNull();
  });
});
