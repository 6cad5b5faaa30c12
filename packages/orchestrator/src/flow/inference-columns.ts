import type { BenchmarkColumns } from '@hokusai/attestation';
import { Type, type Table } from 'apache-arrow';

/**
 * The benchmark's numeric and string columns as plain arrays (null for an empty cell), the form
 * the inference proof commits to. Other column types are left out: a model that reads one is
 * outside the inference proof, which then says so.
 */
export function benchmarkColumns(table: Table): BenchmarkColumns {
  const out: BenchmarkColumns = {};
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (column === null) continue;
    const id = field.type.typeId;
    if (id === Type.Int || id === Type.Float) {
      const values: (number | null)[] = [];
      for (const v of column) values.push(v === null || v === undefined ? null : Number(v));
      out[field.name] = values;
    } else if (id === Type.Utf8 || id === Type.LargeUtf8 || id === Type.Dictionary) {
      const values: (string | null)[] = [];
      for (const v of column) values.push(v === null || v === undefined ? null : String(v));
      out[field.name] = values;
    }
  }
  return out;
}
