import { benchmarkCommitment, benchmarkPlan, quantizeBenchmark, QUANTIZATION_SCHEME, type BenchmarkColumns } from '@hokusai/attestation';
import { encodeLabels, type ClassLabel } from '@hokusai/training';
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

// The order training gives classes: numbers ascending, false before true, strings by code unit.
function compareClasses(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * The inference proof's benchmark commitment B of a binary benchmark over the given feature
 * columns, as `hokusai benchmark register` stores it: labels 1 for the second class in training's
 * order (the positive class a run uses), features as in `benchmarkPlan`.
 */
export function inferenceCommitment(table: Table, target: string, columns: readonly string[]): { scheme: string; columns: string[]; commitment: string } {
  const distinct = new Set<ClassLabel>();
  const column = table.getChild(target);
  if (column !== null) for (const v of column) if (v !== null && v !== undefined) distinct.add(typeof v === 'bigint' ? Number(v) : (v as ClassLabel));
  const classes = [...distinct].sort(compareClasses);
  const labels = encodeLabels(table, target, classes);
  const data = benchmarkColumns(table);
  const plan = benchmarkPlan(data, columns);
  return { scheme: QUANTIZATION_SCHEME, columns: [...plan.numeric, ...plan.categorical.map((c) => c.name)], commitment: benchmarkCommitment(quantizeBenchmark(plan, data, labels)) };
}
