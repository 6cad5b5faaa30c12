import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, type Table } from 'apache-arrow';
import { integrateContribution, loadDataset } from '../src/index.js';
import { fromArrowTable } from '../src/arrow-convert.js';
import { takeRows, type Column } from '../src/column.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** `rows` rows of a float, an int, a long text value and a label, from row `from` on. */
function csv(rows: number, from: number): string {
  const lines = ['x,k,t,label'];
  for (let i = from; i < from + rows; i++) lines.push(`${(i * 0.37).toFixed(3)},${i % 1000},note-${i}-${'z'.repeat(i % 7)},${i % 2}`);
  return `${lines.join('\n')}\n`;
}

/** The buffer under a column's last record batch (the contribution's part of the merged table). */
const bufferOf = (t: Table, name: string, part: 'values' | 'valueOffsets'): ArrayBufferLike => (t.getChild(name)?.data.at(-1)?.[part] as Uint8Array).buffer;

describe('tables taken from others are in shared memory once a column holds 1 MiB', () => {
  it('takeRows: numbers and text of 300k rows shared, of 1,000 rows not', () => {
    const n = 300_000;
    const idx = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    const floats: Column = { type: 'float', values: Float64Array.from({ length: n }, (_, i) => i / 4), valid: new Uint8Array(n).fill(1) };
    const ints: Column = { type: 'int', values: Int32Array.from({ length: n }, (_, i) => i), valid: new Uint8Array(n).fill(1) };
    const texts = fromArrowTable(tableFromArrays({ t: Array.from({ length: n }, (_, i) => `value number ${i}`) }), 't.csv').columns[0] as Column;
    const f = takeRows(floats, idx);
    const k = takeRows(ints, idx);
    expect(f.type === 'float' && f.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(k.type === 'int' && k.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(f.type === 'float' && [f.values[0], f.values[n - 1]]).toEqual([(n - 1) / 4, 0]);
    const t = takeRows(texts, idx);
    expect(t.type === 'string' && [t.values[0], t.values[n - 1]]).toEqual([`value number ${n - 1}`, 'value number 0']);
    const small = takeRows(floats, idx.subarray(0, 1000));
    expect(small.type === 'float' && small.values.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('the cleaned contribution in the merged table, which the new model trains on', async () => {
    const n = 150_000;
    // The contribution repeats one of its rows, so it is cleaned (taken), not passed through.
    const contrib = csv(n, 10 * n) + csv(1, 10 * n).split('\n')[1] + '\n';
    const r = integrateContribution({
      base: await loadDataset(tmp.write('base.csv', csv(1000, 0))),
      contributed: await loadDataset(tmp.write('contrib.csv', contrib)),
      benchmark: await loadDataset(tmp.write('bench.csv', csv(100, 100 * n))),
      target: 'label',
      pii: { key: 'k'.repeat(16), mode: 'hash' },
    });
    expect(r.report.dedup.within_contributed).toBe(1);
    expect(r.merged.numRows).toBe(1000 + n);
    expect(bufferOf(r.merged, 'x', 'values')).toBeInstanceOf(SharedArrayBuffer);
    expect(bufferOf(r.merged, 't', 'values')).toBeInstanceOf(SharedArrayBuffer);
    // Its offsets (4 bytes a row, 600 KB) stay an ordinary buffer: copied, as small buffers are.
    expect(bufferOf(r.merged, 't', 'valueOffsets')).not.toBeInstanceOf(SharedArrayBuffer);
    // The values are the rows: base first, then the contribution.
    const x = r.merged.getChild('x')?.toArray() as Float64Array;
    expect([x[0], x[1], x[1000], x[1000 + n - 1]]).toEqual([0, 0.37, Number((10 * n * 0.37).toFixed(3)), Number(((11 * n - 1) * 0.37).toFixed(3))]);
  }, 60_000);
});
