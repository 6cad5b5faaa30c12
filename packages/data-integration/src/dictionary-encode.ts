import { Dictionary, Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData, makeVector } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { columnData, fromArrowTable } from './arrow-convert.js';
import type { Column } from './column.js';
import type { DatasetManifest } from './dataset.js';

/** A string column with at most this many distinct values (and few per row) is sent as a dictionary. */
const MAX_DICTIONARY = 65_536;

/**
 * The table with its low-cardinality string columns dictionary-encoded, for handing a table to
 * another thread: the receiver then decodes each distinct value once instead of once per row.
 */
export function dictionaryEncoded(table: Table, manifest: DatasetManifest): Table {
  const ct = fromArrowTable(table, manifest.source_path);
  const n = ct.rowCount;
  let changed = false;
  const fields: Field[] = [];
  const children: Data[] = [];
  ct.names.forEach((name, k) => {
    const col = ct.columns[k] as Column;
    const distinct = manifest.unique_counts[name] ?? n;
    const child = table.getChildAt(k);
    if (col.type !== 'string' || distinct > MAX_DICTIONARY || distinct * 4 > n || child === null || child.data.length !== 1) {
      fields.push(table.schema.fields[k] as Field);
      children.push(child?.data.length === 1 ? (child.data[0] as Data) : columnData(col));
      return;
    }
    changed = true;
    const codes = new Int32Array(n);
    const valid = new Uint8Array((n + 7) >> 3);
    const index = new Map<string, number>();
    const values: string[] = [];
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (v === null || v === undefined) {
        nulls++;
        continue;
      }
      let code = index.get(v);
      if (code === undefined) {
        code = values.length;
        index.set(v, code);
        values.push(v);
      }
      codes[i] = code;
      valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
    }
    const type = new Dictionary<Utf8, Int32>(new Utf8(), new Int32(), k);
    fields.push(new Field(name, type, true));
    const dictionary = makeVector(columnData({ type: 'string', values }) as Data<Utf8>);
    children.push(makeData({ type, length: n, nullCount: nulls, nullBitmap: nulls > 0 ? valid : null, data: codes, dictionary }) as Data);
  });
  if (!changed) return table;
  const schema = new Schema(fields);
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }))]);
}
