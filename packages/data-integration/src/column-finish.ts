import type { Column } from './column.js';
import { makeNullColumn } from './column-builder.js';
import type { ColumnBuilder } from './column-builder.js';
import { rememberUtf8 } from './utf8-layout.js';
import { stringColumnFromUtf8 } from './utf8-column.js';

/**
 * The column a builder holds. Kept apart from ColumnBuilder because it needs Arrow, which the
 * thread reading the second half of a split CSV file (csv-part-worker) need not load.
 */
export function finishColumn(b: ColumnBuilder): Column {
  const n = b.length;
  const t = b.inferredType();
  const c = b.contents();
  if (c.state === 'string' && c.textValid !== null && c.utf8?.count === n) {
    return stringColumnFromUtf8(c.utf8.layout, c.textValid.subarray(0, n));
  }
  if (t === 'string' || t === 'null') {
    const values = c.state === 'string' ? c.strs : new Array<string | null>(n).fill(null);
    if (values.length !== n) throw new Error('internal: string column length mismatch');
    if (c.state === 'string' && c.utf8?.count === n) rememberUtf8(values, c.utf8.layout);
    return { type: 'string', values };
  }
  const valid = c.valid.length === n ? c.valid : c.valid.slice(0, n);
  const num = c.num.subarray(0, n);
  if (c.state === 'unknown') return makeNullColumn(t, n);
  switch (t) {
    case 'int':
      return { type: 'int', values: Int32Array.from(num), valid };
    case 'float':
      return { type: 'float', values: c.num.length === n ? c.num : num.slice(), valid };
    case 'bool':
      return { type: 'bool', values: Uint8Array.from(num), valid };
    case 'timestamp':
      return { type: 'timestamp', values: num.slice(), valid };
  }
}
