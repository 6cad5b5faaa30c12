import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArrowTable } from '../src/arrow-convert.js';
import { cellValue, columnLength, concatColumns } from '../src/column.js';
import type { Column } from '../src/column.js';
import { concatAll, concatTables } from '../src/column-concat.js';
import { knownUtf8 } from '../src/utf8-column.js';

// Partitions are read back as one part per batch file: concatAll joins them in one copy and must
// give exactly the column that folding them pair by pair gives.
const text = fc.option(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('é', '😀', '')), { nil: null, freq: 4 });
const num = fc.option(fc.double({ noNaN: true }), { nil: null, freq: 4 });

const cells = (col: Column): unknown[] => Array.from({ length: columnLength(col) }, (_, i) => cellValue(col, i));
const fold = (parts: Column[]): Column => parts.reduce((a, b) => concatColumns(a, b));
const undecoded = (col: Column): boolean => Object.getOwnPropertyDescriptor(col, 'values')?.get !== undefined;

function utf8Part(values: (string | null)[]): Column {
  return fromArrowTable(new Table({ t: vectorFromArray(values, new Utf8()) }), 'part').columns[0] as Column;
}

function floatPart(values: (number | null)[]): Column {
  return { type: 'float', values: Float64Array.from(values, (v) => v ?? 0), valid: Uint8Array.from(values, (v) => (v === null ? 0 : 1)) };
}

describe('concatAll', () => {
  it('joins text parts read from Arrow as bytes, undecoded, with the values of a pairwise fold', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { maxLength: 8 }), { minLength: 2, maxLength: 7 }), (lists) => {
        const joined = concatAll(lists.map(utf8Part));
        expect(knownUtf8(joined)).toBeDefined();
        expect(undecoded(joined)).toBe(true);
        expect(cells(joined)).toEqual(cells(fold(lists.map(utf8Part))));
        expect(cells(joined)).toEqual(lists.flat());
      }),
      { numRuns: 200, seed: 77 },
    );
  });

  it('joins numeric parts and plain text parts with their nulls in place', () => {
    fc.assert(
      fc.property(fc.array(fc.array(num, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (lists) => {
        const joined = concatAll(lists.map(floatPart));
        expect(cells(joined)).toEqual(lists.flat());
        const plain = lists.map((l): Column => ({ type: 'string', values: l.map((v) => (v === null ? null : String(v))) }));
        expect(cells(concatAll(plain))).toEqual(cells(fold(plain)));
      }),
      { numRuns: 200, seed: 78 },
    );
  });

  it('refuses parts of different types, and concatTables of no parts is null', () => {
    expect(() => concatAll([floatPart([1]), utf8Part(['a'])])).toThrow(/concat of float and string/);
    expect(concatTables([])).toBeNull();
    const t = concatTables([
      { names: ['x'], columns: [floatPart([1, null])], rowCount: 2 },
      { names: ['x'], columns: [floatPart([3])], rowCount: 1 },
    ]);
    expect(t?.rowCount).toBe(3);
    expect(cells(t?.columns[0] as Column)).toEqual([1, null, 3]);
  });
});
