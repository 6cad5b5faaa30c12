import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Column } from '../src/column.js';
import { decimalsOf, matchRows, normalizeCellText, referenceDecimals, type NumCol } from '../src/feature-match.js';

// matchRows looks candidates up by value and rejects most of them on a second numeric column
// before comparing whole rows; the answer must be the rule itself, checked here pair by pair.
type Cell = number | null;

function numCol(type: 'int' | 'float', cells: Cell[]): NumCol {
  const values = type === 'int' ? new Int32Array(cells.length) : new Float64Array(cells.length);
  const valid = new Uint8Array(cells.length);
  cells.forEach((v, i) => {
    if (v !== null) {
      values[i] = v;
      valid[i] = 1;
    }
  });
  return { type, values, valid } as NumCol;
}

/** Whether row i of a and row j of b agree by the module's rule, cell by cell. */
function agree(a: Column[], i: number, b: Column[], j: number, refDecimals: number[]): boolean {
  return a.every((x, c) => {
    const y = b[c] as Column;
    if (x.type === 'string' && y.type === 'string') {
      const s = x.values[i] ?? null;
      const t = y.values[j] ?? null;
      return s === null || t === null ? s === t : normalizeCellText(s) === normalizeCellText(t);
    }
    const xn = x as NumCol;
    const yn = y as NumCol;
    const vx = xn.valid[i] === 1;
    if (vx !== (yn.valid[j] === 1)) return false;
    if (!vx) return true;
    const u = xn.values[i] as number;
    const w = yn.values[j] as number;
    if (u === w) return true;
    if (xn.type === 'int') return false;
    const tol = 0.5 * 10 ** -Math.min(decimalsOf(u), refDecimals[c] as number);
    return Math.abs(u - w) <= tol * (1 + 1e-9) + Math.abs(w) * 1e-15;
  });
}

// Few values, printed with different decimals, so that rows match after rounding often.
const float = fc.option(fc.constantFrom(0.1, 0.12, 0.13, 0.125, 1.2, 1.25, 1.3, 2, 2.5, -0.1), { nil: null, freq: 8 });
const int = fc.option(fc.constantFrom(0, 1), { nil: null, freq: 8 });
const text = fc.option(fc.constantFrom('a', 'A ', '0.50', '0.5'), { nil: null, freq: 8 });
const row = fc.tuple(float, float, int, text);

type Cells = readonly (Cell | string)[];

/** Rows of cells as columns of the given types (text last). */
function tableOf(rows: readonly Cells[], types: readonly ('int' | 'float' | 'string')[]): Column[] {
  return types.map((type, c) => (type === 'string' ? { type, values: rows.map((r) => r[c] as string | null) } : numCol(type, rows.map((r) => r[c] as Cell))));
}

/** matchRows' hits against the rule applied to every pair of rows. */
function expectTheRule(ra: readonly Cells[], rb: readonly Cells[], types: readonly ('int' | 'float' | 'string')[]): void {
  const a = tableOf(ra, types);
  const b = tableOf(rb, types);
  const refDecimals = b.map((col) => (col.type === 'string' ? 0 : referenceDecimals(col as NumCol, rb.length)));
  const got = matchRows(a, ra.length, b, rb.length).hit;
  const want = ra.map((_, i) => rb.some((_, j) => agree(a, i, b, j, refDecimals)));
  expect(Array.from(got, (h) => h > 0)).toEqual(want);
}

describe('normalized matching', () => {
  it('finds a reference row for exactly the rows the rule matches, over floats, ints, text and nulls', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), fc.array(row, { minLength: 1, maxLength: 40 }), (ra, rb) => expectTheRule(ra, rb, ['float', 'float', 'int', 'string'])),
      { numRuns: 400, seed: 77 },
    );
  });

  it('gives the rule\'s answer when rows look up other anchors: long candidate ranges, nulls in every pattern', () => {
    // Over 64 reference rows share each value of the first anchor, so rows also look up the
    // others, each index holding the reference rows null on the same anchors as the row.
    const few = (values: number[]) => fc.option(fc.constantFrom(...values), { nil: null, freq: 4 });
    const wide = fc.tuple(few([0.1, 0.12, 0.13, 1.2]), few([1, 2, 2.5, 2.25]), few([0, 1, 2]), few([5, 5.5, 5.55]), text);
    fc.assert(
      fc.property(fc.array(wide, { minLength: 1, maxLength: 60 }), fc.array(wide, { minLength: 200, maxLength: 400 }), (ra, rb) => expectTheRule(ra, rb, ['float', 'float', 'int', 'float', 'string'])),
      { numRuns: 60, seed: 78 },
    );
  });

  it('gives the rule\'s answer when rows look up their group: categories and counts, few floats', () => {
    // Few distinct values everywhere: every anchor range is long, and rows look up the reference
    // rows that agree on the ints, the normalized text and which floats are null.
    const few = (values: number[]) => fc.option(fc.constantFrom(...values), { nil: null, freq: 6 });
    const categorical = fc.tuple(few([0, 1, 2]), few([0, 1, 2, 3]), few([0.5, 0.55, 1.5]), few([7, 8]), text);
    fc.assert(
      fc.property(fc.array(categorical, { minLength: 1, maxLength: 80 }), fc.array(categorical, { minLength: 200, maxLength: 400 }), (ra, rb) => expectTheRule(ra, rb, ['int', 'int', 'float', 'int', 'string'])),
      { numRuns: 60, seed: 79 },
    );
  });

  it('looks at a bounded number of reference rows per row when every column has few values', () => {
    // 20,000 rows against 20,000 of ten columns of four values each (a table of categories), none
    // of them equal: the anchors alone looked at about a quarter of the reference per row.
    const n = 20_000;
    const table = (seed: number, shift: number): Column[] => {
      let x = seed;
      const next = (): number => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return (x >>> 16) & 3;
      };
      const cols = Array.from({ length: 10 }, () => new Int32Array(n));
      for (let i = 0; i < n; i++) for (const col of cols) col[i] = next() + shift;
      return cols.map((values) => ({ type: 'int', values, valid: new Uint8Array(n).fill(1) }) as NumCol);
    };
    const a = table(1, 0);
    const b = table(2, 0);
    const r = matchRows(a, n, b, n);
    expect(r.exact + r.normalized).toBeGreaterThan(0);
    // Each row looks at its group: the reference rows with the same ten values, about n / 4^10.
    expect(r.candidates).toBeLessThan(4 * n);
    // The rule, for the rows found: a match on ten integers is an exact match.
    expect(r.normalized).toBe(0);
  });
});

