import { Dictionary, Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData, makeVector } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { columnData, fromArrowTable } from './arrow-convert.js';
import type { Column } from './column.js';
import { rememberTextCodes } from './text-codes.js';
import { bitIsSet, knownUtf8, sameUtf8, textAt } from './utf8-column.js';
import { tableCapacity, utf8BytesHash } from '@hokusai/core';

/** A string column with at most this many distinct values (and few per row) is sent as a dictionary. */
const MAX_DICTIONARY = 65_536;

/**
 * The table with its low-cardinality string columns dictionary-encoded, for handing a table to
 * another thread: the receiver then decodes each distinct value once instead of once per row.
 * Distinct values are counted here (a column stops being a candidate as soon as it has too
 * many), so the table can be handed on before the manifest's distinct counts exist.
 */
export function dictionaryEncoded(table: Table, file: string): Table {
  const ct = fromArrowTable(table, file);
  const n = ct.rowCount;
  let changed = false;
  const fields: Field[] = [];
  const children: Data[] = [];
  ct.names.forEach((name, k) => {
    const col = ct.columns[k] as Column;
    const child = table.getChildAt(k);
    const limit = Math.min(MAX_DICTIONARY, Math.floor(n / 4));
    // A column still held as UTF-8 is counted on its bytes: asking a lazy text column for its
    // values would make a string per row, only to find most columns (ids, e-mails) unsuitable.
    const utf8 = knownUtf8(col);
    const codes = col.type !== 'string' || child === null || child.data.length !== 1 ? null : utf8 !== undefined ? utf8DictionaryCodes(col, utf8, limit) : dictionaryCodes(col.values, limit);
    if (codes === null) {
      fields.push(table.schema.fields[k] as Field);
      children.push(child?.data.length === 1 ? (child.data[0] as Data) : columnData(col));
      return;
    }
    changed = true;
    const { values, nulls, valid } = codes;
    const type = new Dictionary<Utf8, Int32>(new Utf8(), new Int32(), k);
    fields.push(new Field(name, type, true));
    const dictionary = makeVector(columnData({ type: 'string', values }) as Data<Utf8>);
    children.push(makeData({ type, length: n, nullCount: nulls, nullBitmap: nulls > 0 ? valid : null, data: codes.codes, dictionary }) as Data);
  });
  if (!changed) return table;
  const schema = new Schema(fields);
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }))]);
}

interface DictionaryCodes {
  codes: Int32Array;
  valid: Uint8Array;
  values: string[];
  nulls: number;
}

/** Codes of each row's value in first-seen order, or null once more than `limit` distinct values appear. */
function dictionaryCodes(column: readonly (string | null)[], limit: number): DictionaryCodes | null {
  const n = column.length;
  const codes = new Int32Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  const index = new Map<string, number>();
  const values: string[] = [];
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = column[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      if (values.length === limit) return null;
      code = values.length;
      index.set(v, code);
      values.push(v);
    }
    codes[i] = code;
    valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
  }
  return { codes, valid, values, nulls };
}

/** `dictionaryCodes` over UTF-8 bytes (open addressing keyed by a hash of the bytes); only the distinct values are decoded. */
function utf8DictionaryCodes(col: Extract<Column, { type: 'string' }>, d: Data, limit: number): DictionaryCodes | null {
  const n = d.length;
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const codes = new Int32Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  const cap = tableCapacity(limit);
  const mask = cap - 1;
  const slotRow = new Int32Array(cap).fill(-1);
  const slotCode = new Int32Array(cap);
  const firstRows: number[] = [];
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (!bitIsSet(d.nullBitmap, 0, i)) {
      nulls++;
      continue;
    }
    let slot = utf8BytesHash(bytes, offsets[i] as number, offsets[i + 1] as number) & mask;
    let code = -1;
    for (;;) {
      const at = slotRow[slot] as number;
      if (at < 0) {
        if (firstRows.length === limit) return null;
        code = firstRows.length;
        slotRow[slot] = i;
        slotCode[slot] = code;
        firstRows.push(i);
        break;
      }
      if (sameUtf8(d, at, d, i)) {
        code = slotCode[slot] as number;
        break;
      }
      slot = (slot + 1) & mask;
    }
    codes[i] = code;
    valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
  }
  // The manifest numbers this column's values too (distinct count, content hash): it takes these.
  let textCodes = codes;
  if (nulls > 0) {
    textCodes = codes.slice();
    for (let i = 0; i < n; i++) if (!bitIsSet(d.nullBitmap, 0, i)) textCodes[i] = -1;
  }
  rememberTextCodes(d, { count: firstRows.length, codes: textCodes, firstRows: Int32Array.from(firstRows) });
  return { codes, valid, values: firstRows.map((r) => textAt(col, r) as string), nulls };
}
