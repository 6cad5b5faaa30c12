import { Table, Utf8, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCodedStrings } from '../src/features/arrow-columns.js';

/** The plain reading: every row decoded by Arrow, codes in order of first appearance. */
function reference(col: Vector): { values: string[]; codes: number[] } {
  const values: string[] = [];
  const codes: number[] = [];
  for (let i = 0; i < col.length; i++) {
    const s = col.get(i) as string | null;
    if (s === null) codes.push(-1);
    else {
      if (!values.includes(s)) values.push(s);
      codes.push(values.indexOf(s));
    }
  }
  return { values, codes };
}

describe('string columns read as codes', () => {
  it('match decoding every row, for repeated, unique, empty, non-ASCII and null values, in several chunks', () => {
    const cell = fc.option(fc.oneof(fc.constantFrom('north', 'south', '', 'Zürich', '\uFEFFbom', '東京', 'a'), fc.string({ maxLength: 6 })), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 60 }), { minLength: 1, maxLength: 4 }), (chunks) => {
        const col = makeVector(chunks.map((c) => vectorFromArray(c, new Utf8()).data[0]!));
        const got = readCodedStrings(col);
        const want = reference(col);
        expect(got.values).toEqual(want.values);
        expect(Array.from(got.codes)).toEqual(want.codes);
      }),
    );
  });

  it('reads a sliced column at the right rows', () => {
    const col = vectorFromArray(['x', 'y', null, 'x', 'z', 'y'], new Utf8()).slice(1, 5);
    const got = readCodedStrings(col);
    expect(got.values).toEqual(['y', 'x', 'z']);
    expect(Array.from(got.codes)).toEqual([0, -1, 1, 2]);
  });

  it('reads a single-chunk column once: later reads of the same data, through new vectors, share the result', () => {
    const table = new Table({ plan: vectorFromArray(['pro', null, 'basic', 'pro'], new Utf8()) });
    const first = readCodedStrings(table.getChild('plan') as Vector);
    expect(table.getChild('plan')).not.toBe(table.getChild('plan'));
    expect(readCodedStrings(table.getChild('plan') as Vector)).toBe(first);
    expect(first.values).toEqual(['pro', 'basic']);
    expect(Array.from(first.codes)).toEqual([0, -1, 1, 0]);
  });

  it('reads a column of several chunks once, and not for another column that starts with the same chunk', () => {
    const base = vectorFromArray(['north', 'south', null], new Utf8()).data[0]!;
    const contributed = vectorFromArray(['east', 'north'], new Utf8()).data[0]!;
    const other = vectorFromArray(['west'], new Utf8()).data[0]!;
    const table = new Table({ region: makeVector([base, contributed]) });
    const first = readCodedStrings(table.getChild('region') as Vector);
    expect(readCodedStrings(table.getChild('region') as Vector)).toBe(first);
    expect(first.values).toEqual(['north', 'south', 'east']);
    expect(Array.from(first.codes)).toEqual([0, 1, -1, 2, 0]);
    const differs = readCodedStrings(makeVector([base, other]));
    expect(differs).not.toBe(first);
    expect(differs.values).toEqual(['north', 'south', 'west']);
    expect(readCodedStrings(makeVector([base]))).toEqual({ values: ['north', 'south'], codes: Int32Array.from([0, 1, -1]) });
  });
});
