import { describe, expect, it } from 'vitest';
import { ColumnBuilder } from '../src/column-builder.js';
import { finishColumn } from '../src/column-finish.js';
import { JsonKindTracker } from '../src/json-kinds.js';
import { mulberry32 } from './mulberry32.js';

/** Values a JSON column can hold, chosen to reach every state and every turn between them. */
const VALUES: unknown[] = [
  null, undefined, 0, -0, 3, -12, 2147483647, 2147483648, -2147483649, 1.5, 1e21, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
  true, false, 'true', 'False', 'TRUE', 'x', '', 'NA', 'null', 'NaN', 'inf', '12', '2020-01-01', '2021-02-03T04:05:06Z', '2020-02-30', '2020-01-01 10:00',
  { a: 1 }, [1, 2], [], {},
];

describe('JsonKindTracker', () => {
  it('follows ColumnBuilder.pushValue: same state, type, NaN count and first NaN row, for 5,000 random columns', () => {
    const random = mulberry32(2026);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const seen = new Map<string, number>();
    for (let n = 0; n < 5000; n++) {
      // A few distinct values per column, so that many columns keep a type and some turn.
      const draws = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(VALUES));
      const values = Array.from({ length: Math.floor(random() * 12) }, () => pick(draws));
      const builder = new ColumnBuilder(undefined);
      const tracker = new JsonKindTracker();
      for (const v of values) {
        builder.pushValue(v);
        tracker.pushValue(v);
      }
      const what = JSON.stringify(values);
      expect({ state: tracker.state, type: tracker.inferredType(), length: tracker.length, nonFinite: tracker.nonFiniteCount, first: tracker.firstNonFinite }, what).toEqual({
        state: builder.state,
        type: builder.inferredType(),
        length: builder.length,
        nonFinite: builder.nonFiniteCount,
        first: builder.firstNonFinite,
      });
      // A column that is not demoted finishes with no hole in it.
      if (builder.state !== 'demoted') {
        const column = finishColumn(builder);
        expect(column.type, what).toBe(builder.inferredType() === 'null' ? 'string' : builder.inferredType());
        expect(column.values.length, what).toBe(values.length);
        if (column.type === 'string') expect(Array.from(column.values).every((v) => v === null || typeof v === 'string'), what).toBe(true);
      }
      seen.set(tracker.state, (seen.get(tracker.state) ?? 0) + 1);
    }
    // Every state was reached often.
    expect([...seen.keys()].sort()).toEqual(['bool', 'demoted', 'number', 'string', 'timestamp', 'unknown']);
    for (const count of seen.values()) expect(count).toBeGreaterThan(100);
  });

  it('a date column that meets a bool stays mismatched: a later text value does not bring it back with the bool lost', () => {
    const builder = new ColumnBuilder(undefined);
    for (const v of ['2020-01-01', true, 'x']) builder.pushValue(v);
    expect(builder.state).toBe('demoted');
  });
});
