import { describe, expect, it } from 'vitest';
import { Dictionary, Int32, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { strataValues } from '../src/flow/strata-columns.js';

/** The columns' values as `Vector.get` reads them, row by row: what strataValues must give. */
function byGet(table: Table, names: string[]): Record<string, (string | null)[]> {
  const out: Record<string, (string | null)[]> = {};
  for (const name of names) {
    const column = table.getChild(name) as Vector;
    out[name] = Array.from({ length: table.numRows }, (_, i) => {
      const v: unknown = column.get(i);
      return v === null || v === undefined ? null : String(v);
    });
  }
  return out;
}

describe('strataValues', () => {
  const n = 5000;
  const words = ['north', 'süd', 'ëast', 'west', '', 'a much longer region name that is well past sixty-four bytes of UTF-8 text, really'];
  const plan = vectorFromArray(Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : ['basic', 'pro', 'team'][i % 3] as string)), new Dictionary(new Utf8(), new Int32()));
  const region = vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (words[i % words.length] as string))), new Utf8());
  // A column of two chunks (each read through its own bytes), rows in order.
  const halves = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : (words[(i * 3) % 4] as string)));
  const twoChunks = vectorFromArray(halves.slice(0, 2000), new Utf8()).concat(vectorFromArray(halves.slice(2000), new Utf8()));
  const many = vectorFromArray(Array.from({ length: n }, (_, i) => `id${i}`), new Utf8());
  const x = vectorFromArray(Float64Array.from({ length: n }, (_, i) => i % 3));
  const table = new Table({ plan, region, split: twoChunks, many, x, label: vectorFromArray(Int32Array.from({ length: n }, (_, i) => i % 2)) });

  it('finds the text columns of 2 to 20 values and gives each row as Vector.get reads it', () => {
    expect((table.getChild('split') as Vector).data).toHaveLength(2);
    const got = strataValues(table, { target: 'label', exclude: [] });
    expect(Object.keys(got)).toEqual(['plan', 'region', 'split']);
    expect(got).toEqual(byGet(table, ['plan', 'region', 'split']));
  });

  it('keeps a configured column whatever its values, and never an excluded one', () => {
    const got = strataValues(table, { target: 'label', exclude: ['region'], columns: ['many', 'x', 'region'] });
    expect(Object.keys(got)).toEqual(['many', 'x']);
    expect(got).toEqual(byGet(table, ['many', 'x']));
  });

  it('reads a table of several record batches in row order', () => {
    const batches = new Table([...table.slice(0, 1234).batches, ...table.slice(1234).batches]);
    expect(batches.batches.length).toBeGreaterThan(1);
    expect(strataValues(batches, { target: 'label', exclude: [] })).toEqual(byGet(table, ['plan', 'region', 'split']));
  });
});
