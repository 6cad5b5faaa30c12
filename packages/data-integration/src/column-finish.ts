import type { Column } from './column.js';
import { makeNullColumn } from './column-builder.js';
import type { ColumnBuilder } from './column-builder.js';
import { rememberUtf8 } from './utf8-layout.js';
import { stringColumnFromUtf8 } from './utf8-column.js';
import { ownSharedBufferIfGranted } from './shared-array.js';

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
  // The builders' arrays have room for the rows the file size suggested (about 5% more): a column
  // keeps a view of them rather than a copy, unless the room is large (then only pages written
  // are resident, but the rest of its allocation is held). Numbers placed in shared memory
  // (ColumnBuilder's room) are kept as they are, to be handed on without a copy.
  const roomy = c.num.length - n > n >> 3 && !(c.num.buffer instanceof SharedArrayBuffer);
  const valid = c.valid.length === n ? c.valid : roomy ? c.valid.slice(0, n) : c.valid.subarray(0, n);
  const num = c.num.subarray(0, n);
  if (c.state === 'unknown') return makeNullColumn(t, n);
  switch (t) {
    case 'int':
      // set() converts in one native loop (Int32Array.from iterates); the values are int32s, so
      // exactly. Read into shared memory, the int32s go there too, to be handed on as they are.
      return { type: 'int', values: converted(num.buffer instanceof SharedArrayBuffer ? sharedInts(n) : new Int32Array(n), num), valid };
    case 'float':
      return { type: 'float', values: roomy ? num.slice() : num, valid };
    case 'bool':
      return { type: 'bool', values: converted(new Uint8Array(n), num), valid };
    case 'timestamp':
      return { type: 'timestamp', values: roomy ? num.slice() : num, valid };
  }
}

function converted<T extends Int32Array | Uint8Array>(out: T, num: Float64Array): T {
  out.set(num);
  return out;
}

/** n int32s in shared memory of their own, or in plain memory when the address space is refused. */
function sharedInts(n: number): Int32Array {
  const buffer = ownSharedBufferIfGranted(n * 4);
  return buffer === undefined ? new Int32Array(n) : new Int32Array(buffer, 0, n);
}
