import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellValue, type Column } from '../src/column.js';
import { tallyLabels, type LabelTally } from '../src/label-tally.js';

/** The tally as a row-by-row pass over cellValue's strings makes it. */
function byText(col: Column, n: number, nulls: boolean): Map<string, LabelTally> {
  const out = new Map<string, LabelTally>();
  for (let i = 0; i < n; i++) {
    const v = cellValue(col, i);
    if (v === null && !nulls) continue;
    const t = out.get(String(v));
    if (t === undefined) out.set(String(v), { first: i, count: 1 });
    else t.count++;
  }
  return out;
}

describe('the label tally', () => {
  it('gives a number column the labels, order, first rows and counts of its text, nulls skipped or counted, NaN and -0 included', () => {
    const cell = fc.oneof(fc.constantFrom(0, -0, 1, 2, Number.NaN, 0.5, 1e21), fc.integer({ min: -3, max: 3 }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 60 }), fc.boolean(), fc.boolean(), (cells, asInt, nulls) => {
        const n = cells.length;
        const valid = Uint8Array.from(cells, (v) => (v === null ? 0 : 1));
        const col: Column = asInt
          ? { type: 'int', values: Int32Array.from(cells, (v) => (v === null || !Number.isInteger(v) ? 0 : v)), valid }
          : { type: 'float', values: Float64Array.from(cells, (v) => v ?? 0), valid };
        expect([...tallyLabels(col, n, nulls)]).toEqual([...byText(col, n, nulls)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('tallies text and boolean columns by their text as well', () => {
    const text: Column = { type: 'string', values: ['yes', null, 'no', 'yes', 'null'] };
    expect([...tallyLabels(text, 5, true)]).toEqual([...byText(text, 5, true)]);
    expect([...tallyLabels(text, 5, false)]).toEqual([...byText(text, 5, false)]);
    const flags: Column = { type: 'bool', values: Uint8Array.from([1, 0, 1, 1]), valid: Uint8Array.from([1, 1, 0, 1]) };
    expect([...tallyLabels(flags, 4, true)]).toEqual([['true', { first: 0, count: 2 }], ['false', { first: 1, count: 1 }], ['null', { first: 2, count: 1 }]]);
  });
});
