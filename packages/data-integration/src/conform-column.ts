import type { Column, ColumnType } from './column.js';
import { castColumn, cellText } from './column.js';
import { makeNullColumn } from './column-builder.js';
import { parseBool, parseNumberText, parsedNumber, parseTimestamp } from './text-values.js';

export interface Conformed {
  col: Column;
  /** Rows whose value could not be read as `to` and became null (1), or null when there are none. */
  invalid: Uint8Array | null;
  count: number;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * A contributed column held in the type the base and benchmark gave it. A cell that cannot be
 * read as that type (text in a number column, a number too large for it, a malformed date)
 * becomes null and is flagged: one odd cell must not turn the column into text in every table.
 */
export function conformColumn(col: Column, to: ColumnType, n: number): Conformed {
  if (col.type === to) return { col, invalid: null, count: 0 };
  if (to === 'string' || (to === 'float' && col.type === 'int')) return { col: castColumn(col, to), invalid: null, count: 0 };
  const out = makeNullColumn(to, n) as Exclude<Column, { type: 'string' }>;
  const invalid = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const text = cellText(col, i);
    if (text === null) continue;
    let v = Number.NaN;
    if (col.type === 'string') {
      const s = text.trim();
      if (to === 'bool') {
        const b = parseBool(s);
        v = b === -1 ? Number.NaN : b;
      } else if (to === 'timestamp') v = parseTimestamp(s);
      else if (s.length < 400 && parseNumberText(s)) v = parsedNumber.value;
    } else if ((to === 'int' || to === 'float') && (col.type === 'float' || col.type === 'int')) {
      v = col.values[i] as number;
    }
    if (to === 'int' && !(Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX)) v = Number.NaN;
    if (!Number.isFinite(v)) {
      invalid[i] = 1;
      count++;
      continue;
    }
    out.values[i] = v;
    out.valid[i] = 1;
  }
  return { col: out, invalid: count > 0 ? invalid : null, count };
}
