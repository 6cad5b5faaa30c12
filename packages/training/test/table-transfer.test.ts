import { describe, expect, it } from 'vitest';
import { postedAcross as across } from '@hokusai/test-helpers';
import { Dictionary, Field, Float64, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData, makeVector, vectorFromArray, type Data } from 'apache-arrow';
import { trainModel, trainModelInWorker } from '@hokusai/training';
import { tableFromTransfer, tableTransfer } from '../src/table-transfer.js';

function sharedFloats(values: number[]): Float64Array {
  const a = new Float64Array(new SharedArrayBuffer(values.length * 8));
  a.set(values);
  return a;
}

/** Rows 0..n-1: a shared float column with nulls, an int column, text, a dictionary column. */
function mixedTable(n: number): Table {
  const x = sharedFloats(Array.from({ length: n }, (_, i) => i * 0.5 - 3));
  const valid = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
  valid[0] = 0b1111_1010; // rows 0 and 2 null
  const xData = makeData({ type: new Float64(), length: n, nullCount: 2, nullBitmap: valid, data: x });
  const k = makeData({ type: new Int32(), length: n, nullCount: 0, data: Int32Array.from({ length: n }, (_, i) => (i * 7) % 5) });
  const words = Array.from({ length: n }, (_, i) => `w${i % 9}-é`);
  const text = vectorFromArray(words, new Utf8()).data[0] as Data;
  const dictValues = vectorFromArray(['north', 'south', 'east'], new Utf8());
  const codes = Int32Array.from({ length: n }, (_, i) => i % 3);
  const region = makeData({ type: new Dictionary(new Utf8(), new Int32(), 7), length: n, nullCount: 0, data: codes, dictionary: dictValues });
  const fields = [new Field('x', new Float64(), true), new Field('k', new Int32(), true), new Field('t', new Utf8(), true), new Field('region', region.type, true)];
  const batch = makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [xData, k, text, region] });
  const schema = new Schema(fields);
  return new Table(schema, [new RecordBatch(schema, batch)]);
}

describe('a table handed to a training thread', () => {
  it('arrives with the same schema and values, shared buffers as the same memory and other buffers copied', async () => {
    const table = mixedTable(1000);
    const got = tableFromTransfer(await across(tableTransfer(table)));
    expect(got.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`));
    expect(got.numRows).toBe(1000);
    expect(got.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
    // The shared float column is the same memory: a write on one side is seen on the other.
    const sent = table.getChild('x')?.data[0]?.values as Float64Array;
    const received = got.getChild('x')?.data[0]?.values as Float64Array;
    expect(received.buffer).toBeInstanceOf(SharedArrayBuffer);
    sent[5] = 123.25;
    expect(received[5]).toBe(123.25);
    // An ordinary buffer is a copy.
    const ints = got.getChild('k')?.data[0]?.values as Int32Array;
    expect(ints.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    (table.getChild('k')?.data[0]?.values as Int32Array)[3] = 99;
    expect(ints[3]).toBe((3 * 7) % 5);
  });

  it('sends only the part a view covers of a larger ordinary buffer, and keeps several batches and slices', async () => {
    const whole = new Float64Array(100_000).map((_, i) => i);
    const part = makeData({ type: new Float64(), length: 10, nullCount: 0, data: whole.subarray(500, 510) });
    const table = new Table({ v: makeVector(part) });
    const m = tableTransfer(table);
    const values = m.batches[0]?.columns[0]?.values as Float64Array;
    expect(values.buffer.byteLength).toBe(80);
    const got = tableFromTransfer(await across(m));
    expect(Array.from(got.getChild('v')?.toArray() as Float64Array)).toEqual(Array.from({ length: 10 }, (_, i) => 500 + i));

    const batchOf = (a: number[], b: (string | null)[]): Table => new Table({ a: makeVector(Float64Array.from(a)), b: vectorFromArray(b, new Utf8()) });
    const two = batchOf([1, 2, 3], ['x', 'y', null]).concat(batchOf([4], ['z']));
    expect(two.batches.length).toBe(2);
    const sliced = two.slice(1, 4);
    for (const t of [two, sliced]) {
      const back = tableFromTransfer(await across(tableTransfer(t)));
      expect(back.batches.length).toBe(t.batches.length);
      expect(back.toArray().map((r) => r.toJSON())).toEqual(t.toArray().map((r) => r.toJSON()));
    }
  });

  it('trains to the same ONNX bytes on a thread as here when the columns are shared memory', async () => {
    const n = 3000;
    const cols: Record<string, Float64Array> = {};
    let s = 7;
    const next = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const name of ['a', 'b', 'c']) cols[name] = sharedFloats(Array.from({ length: n }, next));
    const label = Int32Array.from({ length: n }, (_, i) => ((cols['a'] as Float64Array)[i] as number) + ((cols['b'] as Float64Array)[i] as number) * 0.5 + next() * 0.4 > 0.95 ? 1 : 0);
    const table = new Table({ a: makeVector(cols['a'] as Float64Array), b: makeVector(cols['b'] as Float64Array), c: makeVector(cols['c'] as Float64Array), label: makeVector(label) });
    const options = { target: 'label', seed: 4 };
    const here = await trainModel(table, options);
    const there = await trainModelInWorker(table, options);
    expect(Buffer.from(there.onnx).equals(Buffer.from(here.onnx))).toBe(true);
  }, 60_000);
});
