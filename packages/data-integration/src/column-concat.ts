import type { Column, ColumnTable } from './column.js';
import { knownUtf8, stringColumnFromUtf8 } from './utf8-column.js';

/**
 * One column holding the parts' rows in order, copied once. Folding the parts two at a time
 * (concatColumns) copies the rows gathered so far again at every part: a partition read back
 * from one file per batch cost time in the square of the batches, so at four times the rows the
 * partition passes took sixteen times as long. Text known as UTF-8 is joined as bytes and stays
 * undecoded until read.
 */
export function concatAll(parts: readonly Column[]): Column {
  const first = parts[0];
  if (first === undefined) throw new Error('internal: concat of no columns');
  if (parts.length === 1) return first;
  for (const p of parts) if (p.type !== first.type) throw new Error(`internal: concat of ${first.type} and ${p.type}`);
  if (first.type === 'string') {
    const utf8 = parts.map((p) => knownUtf8(p));
    if (utf8.every((d) => d !== undefined)) return concatUtf8(utf8 as NonNullable<(typeof utf8)[number]>[]);
    const out: (string | null)[] = [];
    for (const p of parts) for (const v of (p as Extract<Column, { type: 'string' }>).values) out.push(v ?? null);
    return { type: 'string', values: out };
  }
  const numeric = parts as Exclude<Column, { type: 'string' }>[];
  let n = 0;
  for (const p of numeric) n += p.valid.length;
  const valid = new Uint8Array(n);
  const Ctor = first.values.constructor as Int32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor;
  const values = new Ctor(n);
  let at = 0;
  for (const p of numeric) {
    valid.set(p.valid, at);
    values.set(p.values as never, at);
    at += p.valid.length;
  }
  return { type: first.type, values, valid } as Column;
}

function concatUtf8(parts: readonly NonNullable<ReturnType<typeof knownUtf8>>[]): Column {
  let n = 0;
  let bytes = 0;
  for (const d of parts) {
    const offs = d.valueOffsets as Int32Array;
    n += d.length;
    bytes += (offs[d.length] as number) - (offs[0] as number);
  }
  const offsets = new Int32Array(n + 1);
  const out = new Uint8Array(bytes);
  const valid = new Uint8Array(n);
  let row = 0;
  let at = 0;
  for (const d of parts) {
    const offs = d.valueOffsets as Int32Array;
    const start = offs[0] as number;
    const end = offs[d.length] as number;
    out.set((d.values as Uint8Array).subarray(start, end), at);
    for (let i = 0; i < d.length; i++) {
      offsets[row + i + 1] = at + (offs[i + 1] as number) - start;
      valid[row + i] = d.nullCount === 0 || d.getValid(i) ? 1 : 0;
    }
    row += d.length;
    at += end - start;
  }
  return stringColumnFromUtf8({ offsets, bytes: out }, valid);
}

/** The tables' rows in order (same names and types in each), each column copied once; null for none. */
export function concatTables(parts: readonly ColumnTable[]): ColumnTable | null {
  const first = parts[0];
  if (first === undefined) return null;
  if (parts.length === 1) return first;
  let rows = 0;
  for (const p of parts) rows += p.rowCount;
  return { names: first.names, columns: first.columns.map((_, k) => concatAll(parts.map((p) => p.columns[k] as Column))), rowCount: rows };
}
