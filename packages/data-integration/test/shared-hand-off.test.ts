import { Bool, Float64, Int32, Int64, LargeUtf8, Table, TimestampMillisecond, Type, Utf8, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadTableInWorker, writeTable } from '../src/index.js';
import { loadDatasetSharing } from '../src/load-dataset.js';
import { fromArrowTable } from '../src/arrow-convert.js';
import { buildManifest } from '../src/manifest.js';
import { sharedHandOff } from '../src/shared-columns.js';
import { nativeCsvReader } from '../src/csv-native-read.js';
import { roomsFit } from '../src/csv-scan.js';
import { knownUtf8 } from '../src/utf8-column.js';
import type { Column } from '../src/column.js';
import { tableFromMessage } from '../src/table-message.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const rows = (t: Table): unknown[][] => {
  const names = t.schema.fields.map((f) => f.name);
  return Array.from({ length: t.numRows }, (_, i) => names.map((name) => {
    const v: unknown = t.getChild(name)?.get(i);
    return typeof v === 'bigint' ? Number(v) : v;
  }));
};

/** A CSV of every column type, nulls in each, a repeating text column and a unique one. */
function mixedCsv(n: number): string {
  const lines = ['id,plan,x,y,flag,day,label'];
  for (let i = 0; i < n; i++) {
    const cell = (v: string): string => (i % 13 === 5 ? '' : v);
    lines.push([`u${i}-é`, cell(['basic', 'pro', 'plus'][i % 3] as string), cell(String((i * 7) % 101)), cell(String(i / 8)), cell(i % 2 === 0 ? 'true' : 'false'), cell(`2024-01-${String((i % 28) + 1).padStart(2, '0')}`), String(i % 2)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('handing a loaded table to another thread over shared memory', () => {
  it('rebuilds the same table from the message and builds the same manifest from the shared columns', async () => {
    const path = tmp.write('mixed.csv', mixedCsv(2_000));
    const here = await loadDataset(path);
    const { message, columns } = sharedHandOff(here.table, path);
    const there = tableFromMessage(message);
    expect(rows(there)).toEqual(rows(here.table));
    expect(there.getChild('plan')?.type.typeId).toBe(Type.Dictionary);
    expect(buildManifest(columns, { source_path: path, format: 'csv', file_sha256: here.manifest.file_sha256 })).toEqual(here.manifest);
    // Numbers and the text sent as it is live in shared memory, on both sides; the dictionary's codes do not.
    const shared = (name: string): boolean => (there.getChild(name)?.data[0]?.values as Uint8Array).buffer instanceof SharedArrayBuffer;
    expect(['id', 'x', 'y', 'label'].map(shared)).toEqual([true, true, true, true]);
    expect(shared('plan')).toBe(false);
    // The loader's columns and the table handed on are the same memory, not two copies.
    const x = columns.columns[columns.names.indexOf('x')];
    expect(x?.type === 'int' && x.values.buffer).toBe(there.getChild('x')?.data[0]?.values.buffer);
    const id = knownUtf8(columns.columns[columns.names.indexOf('id')] as Column);
    expect(id?.values.buffer).toBe(there.getChild('id')?.data[0]?.values.buffer);
  });

  it('sends numbers read into shared memory as they are, and copies only those that outgrew their room', async () => {
    // A float column, an int column, a text column that reads as numbers for half its rows, and
    // a file whose first 64 KiB have longer lines, so its row estimate (about 240k) is short of its
    // 404k rows: its columns get shared room and outgrow it.
    // Columns of 1 MiB or more are read into shared memory: 140,000 rows.
    const lines = ['x,n,code,label'];
    for (let i = 0; i < 140_000; i++) lines.push([i % 11 === 3 ? '' : String(i / 4), String(i % 17), i < 70_000 ? String(i) : `c${i}`, String(i % 2)].join(','));
    const path = tmp.write('shared-room.csv', `${lines.join('\n')}\n`);
    const short = ['x,n,code,label', ...Array.from({ length: 4_000 }, (_, i) => `${i % 10}.555555555555,1,a,0`), ...Array.from({ length: 400_000 }, (_, i) => `${i},1,a,1`)];
    const grown = tmp.write('shared-grown.csv', `${short.join('\n')}\n`);
    // The native reader has no rooms: every number of a file it reads goes to shared memory.
    const native = await loadDatasetSharing(grown);
    const nativeX = native.table.getChild('x')?.data[0]?.values as Float64Array;
    if (nativeCsvReader() !== null) {
      expect(nativeX.buffer).toBeInstanceOf(SharedArrayBuffer);
      const { message } = sharedHandOff(native.table, grown);
      expect(message.columns.find((c) => c.name === 'x' && 'values' in c)?.['values' as never]).toBe(nativeX);
    }
    // The rooms of the JavaScript reader (which reads every file where the native reader is not built).
    const before = process.env['HOKUSAI_CSV_NATIVE'];
    process.env['HOKUSAI_CSV_NATIVE'] = '0';
    try {
      await roomsAndGrowth(path, grown);
    } finally {
      if (before === undefined) delete process.env['HOKUSAI_CSV_NATIVE'];
      else process.env['HOKUSAI_CSV_NATIVE'] = before;
    }
    expect(rows(native.table)).toEqual(rows((await loadDatasetSharing(grown)).table));
    // Rooms reserve at least 32 MiB of address space each: a table of thousands of columns gets none.
    expect([roomsFit(500, 1 << 17), roomsFit(512, 1 << 17), roomsFit(8, 1 << 28), roomsFit(9, 1 << 28)]).toEqual([true, false, true, false]);
    // A loaded table of a plain load is not placed in shared memory.
    expect(((await loadDataset(path)).table.getChild('x')?.data[0]?.values as Float64Array).buffer).toBeInstanceOf(ArrayBuffer);
  });

  async function roomsAndGrowth(path: string, grown: string): Promise<void> {
    for (const file of [path, grown]) {
      const plain = await loadDataset(file);
      const sharing = await loadDatasetSharing(file);
      expect(rows(sharing.table)).toEqual(rows(plain.table));
      expect(sharing.manifest).toEqual(plain.manifest);
      const { message } = sharedHandOff(sharing.table, file);
      const sent = (name: string): unknown => message.columns.find((c) => c.name === name && 'values' in c)?.['values' as never];
      const x = sharing.table.getChild('x')?.data[0]?.values as Float64Array;
      expect((sent('x') as Float64Array).buffer).toBeInstanceOf(SharedArrayBuffer);
      if (file === path) {
        // Read in place: the message holds the column's own array, the int32 column's too.
        expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(sent('x')).toBe(x);
        expect(sent('n')).toBe(sharing.table.getChild('n')?.data[0]?.values);
        expect(sharing.table.getChild('n')?.type.typeId).toBe(Type.Int);
      } else {
        // This file's estimate was short: x outgrew its shared room, so it is copied, as before.
        expect(x.buffer).toBeInstanceOf(ArrayBuffer);
        expect([...(sent('x') as Float64Array)]).toEqual([...x]);
      }
    }
  }

  it('carries Arrow input as Parquet gives it: 64-bit offsets, nulls, bools, timestamps, a column of nulls only', () => {
    const n = 9;
    const text = vectorFromArray(['a', null, 'ccc', '', 'é', 'f', null, 'hh', 'i'], new LargeUtf8());
    const nulls = new Uint8Array([0b1110_1101, 0b1]);
    const table = new Table({
      t: text,
      i: makeVector(makeData({ type: new Int64(), length: n, nullCount: 2, nullBitmap: nulls, data: BigInt64Array.from({ length: n }, (_, k) => BigInt(k * 3 - 7)) })),
      f: makeVector(makeData({ type: new Float64(), length: n, nullCount: 0, data: Float64Array.from({ length: n }, (_, k) => k / 3) })),
      b: vectorFromArray([true, false, null, true, true, false, null, false, true], new Bool()),
      d: vectorFromArray([0, 86_400_000, null, 3, 4, 5, 6, 7, 8].map((v) => (v === null ? null : new Date(v))), new TimestampMillisecond()),
      z: vectorFromArray(Array.from({ length: n }, () => null), new Utf8()),
      w: makeVector(makeData({ type: new Int32(), length: n, nullCount: 0, data: Int32Array.from({ length: n }, (_, k) => k) })),
    });
    const here = fromArrowTable(table, 'arrow');
    const { message, columns } = sharedHandOff(table, 'arrow');
    const there = tableFromMessage(message);
    expect(fromArrowTable(there, 'there')).toEqual(here);
    const meta = { source_path: 'arrow', format: 'parquet' as const, file_sha256: '' };
    expect(buildManifest(columns, meta)).toEqual(buildManifest(here, meta));
  });

  it('gives the table from a worker over shared memory, with the manifest of a load in this thread, for CSV and Parquet', async () => {
    const csv = tmp.write('big.csv', mixedCsv(5_000));
    const parquet = tmp.path('big.parquet');
    await writeTable((await loadDataset(csv)).table, parquet);
    for (const path of [csv, parquet, fixture('customers.parquet')]) {
      const here = await loadDataset(path);
      const pending = await loadTableInWorker(path);
      expect(rows(pending.table)).toEqual(rows(here.table));
      const numbers = pending.table.schema.fields.filter((f) => f.type.typeId === Type.Int || f.type.typeId === Type.Float);
      expect(numbers.length).toBeGreaterThan(0);
      for (const f of numbers) expect((pending.table.getChild(f.name)?.data[0]?.values as Uint8Array).buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(await pending.manifestReady).toEqual(here.manifest);
    }
  });
});
