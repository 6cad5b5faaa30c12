import { Bool, DataType, Float64, Int32, Table, Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { nullMask, readCodedStrings, readNumeric } from './arrow-columns.js';

/**
 * A new table holding `rows` of `table` in that order. Integers up to 32 bits stay Int32, other
 * numbers become Float64, booleans stay booleans and strings become Utf8; nulls are kept.
 */
export function takeRows(table: Table, rows: Int32Array): Table {
  const m = rows.length;
  const columns: Record<string, Vector> = {};
  for (const field of table.schema.fields) {
    const col = table.getChild(field.name) as Vector;
    const type = field.type as DataType;
    if (DataType.isBool(type)) {
      const values = readNumeric(col);
      const out: (boolean | null)[] = new Array(m);
      for (let i = 0; i < m; i++) {
        const v = values[rows[i] as number] as number;
        out[i] = Number.isNaN(v) ? null : v === 1;
      }
      columns[field.name] = vectorFromArray(out, new Bool());
    } else if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) {
      const values = readNumeric(col);
      const nulls = nullMask(col);
      const asInt = DataType.isInt(type) && (type as Int32).bitWidth <= 32;
      const data = asInt ? new Int32Array(m) : new Float64Array(m);
      const bitmap = new Uint8Array((m + 7) >> 3);
      let nullCount = 0;
      for (let i = 0; i < m; i++) {
        const r = rows[i] as number;
        if (nulls[r] === 1) {
          nullCount++;
          continue;
        }
        data[i] = values[r] as number;
        bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
      }
      const outType = asInt ? new Int32() : new Float64();
      columns[field.name] = makeVector(makeData({ type: outType, length: m, nullCount, nullBitmap: nullCount > 0 ? bitmap : null, data } as never));
    } else if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) {
      const coded = readCodedStrings(col);
      const out: (string | null)[] = new Array(m);
      for (let i = 0; i < m; i++) {
        const c = coded.codes[rows[i] as number] as number;
        out[i] = c < 0 ? null : (coded.values[c] as string);
      }
      columns[field.name] = vectorFromArray(out, new Utf8());
    } else {
      const out: unknown[] = new Array(m);
      for (let i = 0; i < m; i++) out[i] = col.get(rows[i] as number);
      columns[field.name] = vectorFromArray(out, type);
    }
  }
  return new Table(columns);
}
