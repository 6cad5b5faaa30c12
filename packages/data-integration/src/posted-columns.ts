import { postableView } from '@hokusai/core';
import type { Column } from './column.js';
import { bitIsSet, knownUtf8, stringColumnFromUtf8 } from './utf8-column.js';

/**
 * A column as a structured-clone message for a worker thread: numbers as their typed arrays
 * (shared memory shared, other buffers copied, only the viewed part of a view), text known as
 * UTF-8 as its bytes and offsets (the thread makes strings only if it reads them), other text of
 * few distinct values as codes into them, the rest as its strings.
 */
export type PostedColumn =
  | { kind: 'numbers'; column: Exclude<Column, { type: 'string' }> }
  | { kind: 'utf8'; offsets: Int32Array; bytes: Uint8Array; valid: Uint8Array }
  | { kind: 'coded'; codes: Int32Array; values: (string | null)[] }
  | { kind: 'strings'; values: (string | null)[] };

/**
 * Text with at most this share of distinct values goes as codes into its distinct values:
 * cloning a string per row (and making it again on the other side) cost 0.5 s for 2.5M rows of
 * a few categories, where coding them costs a map look-up per row.
 */
const CODED_MAX_DISTINCT_SHARE = 0.25;

/** Codes of a text column's rows into its distinct values, or null when too many values are distinct. */
function codedText(values: readonly (string | null)[]): { codes: Int32Array; values: (string | null)[] } | null {
  const n = values.length;
  const most = Math.max(16, Math.floor(n * CODED_MAX_DISTINCT_SHARE));
  const codeOf = new Map<string | null, number>();
  const distinct: (string | null)[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? null;
    let code = codeOf.get(v);
    if (code === undefined) {
      if (distinct.length === most) return null;
      code = distinct.length;
      distinct.push(v);
      codeOf.set(v, code);
    }
    codes[i] = code;
  }
  return { codes, values: distinct };
}

export function postColumn(col: Column): PostedColumn {
  if (col.type !== 'string') return { kind: 'numbers', column: { ...col, values: postableView(col.values), valid: postableView(col.valid) } as Exclude<Column, { type: 'string' }> };
  const d = knownUtf8(col);
  if (d === undefined) {
    const coded = codedText(col.values);
    return coded === null ? { kind: 'strings', values: col.values } : { kind: 'coded', ...coded };
  }
  const n = d.length;
  const offsets = (d.valueOffsets as Int32Array).subarray(0, n + 1);
  const bytes = (d.values as Uint8Array).subarray(0, offsets[n] as number);
  const valid = new Uint8Array(n);
  if (d.nullCount === 0) valid.fill(1);
  else for (let i = 0; i < n; i++) valid[i] = bitIsSet(d.nullBitmap, d.offset, i) ? 1 : 0;
  return { kind: 'utf8', offsets: postableView(offsets), bytes: postableView(bytes), valid };
}

/** The column a PostedColumn stands for, on the receiving thread. */
export function receivedColumn(p: PostedColumn): Column {
  switch (p.kind) {
    case 'numbers':
      return p.column;
    case 'utf8':
      return stringColumnFromUtf8({ offsets: p.offsets, bytes: p.bytes }, p.valid);
    case 'coded': {
      const values = new Array<string | null>(p.codes.length);
      for (let i = 0; i < values.length; i++) values[i] = p.values[p.codes[i] as number] ?? null;
      return { type: 'string', values };
    }
    case 'strings':
      return { type: 'string', values: p.values };
  }
}
