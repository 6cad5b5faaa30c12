import { DataType, Table, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { auroc, predictLabel } from '@hokusai/evaluation';
import { SeededRandom } from '@hokusai/training';

/** Shuffles per column; the mean drop over them is the importance. */
export const PERMUTATION_REPEATS = 5;
/** Larger benchmarks are scored on a seeded sample of this many rows. */
export const PERMUTATION_MAX_ROWS = 2000;

export interface PermutationImportance {
  metric_basis: string;
  repeats: number;
  rows: number;
  sampled: boolean;
  seed: number;
  /** Per column the model reads, most important first: mean and standard deviation of the drop, in pp. */
  columns: { column: string; auroc_drop_pp: number | null; auroc_drop_sd_pp: number | null; accuracy_drop_pp: number; accuracy_drop_sd_pp: number }[];
}

const meanSd = (xs: number[]): [number, number] => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.length < 2 ? 0 : xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return [m, Math.sqrt(v)];
};

/** A column's sampled rows: once, repeated R times, and in any order of them (`pick`). */
interface SampledColumn {
  once: Vector;
  repeated: Vector;
  pick: (order: readonly number[]) => Vector;
}

type TypedNumbers = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * A column of plain numbers without nulls (what CSV and Parquet loading give) is sampled into
 * typed arrays of its own type, made vectors as they are; any other column goes through
 * apache-arrow's builder, value by value. Same vectors either way: the builder was 0.1 s of a
 * run's last, single-threaded steps for 20 float columns.
 */
function sampledColumn(col: Vector, rows: Int32Array, R: number, sampled: boolean): SampledColumn {
  const m = rows.length;
  const typed = plainNumbers(col);
  if (typed !== null) {
    const Ctor = typed.constructor as new (n: number) => TypedNumbers;
    const values = new Ctor(m);
    for (let i = 0; i < m; i++) values[i] = col.get(rows[i] as number) as number;
    const repeated = new Ctor(m * R);
    for (let k = 0; k < R; k++) repeated.set(values, k * m);
    return {
      once: sampled ? makeVector(values) : col,
      repeated: makeVector(repeated),
      pick: (order) => {
        const out = new Ctor(order.length);
        for (let j = 0; j < order.length; j++) out[j] = values[order[j] as number] as number;
        return makeVector(out);
      },
    };
  }
  const values = Array.from(rows, (r) => col.get(r) as unknown);
  return {
    once: sampled ? vectorFromArray(values, col.type) : col,
    repeated: vectorFromArray(Array.from({ length: m * R }, (_, i) => values[i % m]), col.type),
    pick: (order) => vectorFromArray(order.map((i) => values[i]), col.type),
  };
}

/** The typed array of the column's first chunk when every chunk holds plain numbers of one type and no nulls, else null. */
function plainNumbers(col: Vector): TypedNumbers | null {
  if (col.nullCount > 0 || col.data.length === 0) return null;
  const type = col.type as DataType;
  const plainType = (DataType.isFloat(type) && type.precision !== 0) || (DataType.isInt(type) && type.bitWidth <= 32);
  if (!plainType) return null;
  const first = col.data[0]?.values as unknown;
  const ok = (v: unknown): v is TypedNumbers =>
    v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array || v instanceof Int16Array || v instanceof Int8Array || v instanceof Uint32Array || v instanceof Uint16Array || v instanceof Uint8Array;
  if (!ok(first) || !col.data.every((d) => (d.values as unknown)?.constructor === first.constructor)) return null;
  return first;
}

/**
 * Permutation importance of a model on the benchmark: for each column it reads, the column's
 * values are shuffled (a seeded permutation per repeat), the model scores the rows again through
 * `predict` (onnxruntime), and the drop in accuracy (at the run's threshold) and in AUROC is
 * recorded in percentage points. A column the model ignores drops 0.
 */
export async function permutationImportance(input: {
  table: Table;
  labels: Int32Array;
  columns: string[];
  threshold: number;
  seed: number;
  predict: (table: Table) => Promise<Float64Array>;
}): Promise<PermutationImportance> {
  const rng = new SeededRandom(input.seed);
  const n = input.table.numRows;
  const sampled = n > PERMUTATION_MAX_ROWS;
  // A seeded sample of rows, kept in their original order.
  const rows = sampled ? Int32Array.from(rng.permutation(n).subarray(0, PERMUTATION_MAX_ROWS)).sort() : Int32Array.from({ length: n }, (_, i) => i);
  const present = input.columns.filter((c) => input.table.getChild(c) !== null);
  // Only the columns the model reads. The R shuffles of one column are scored in one call of R·m
  // rows (the other columns repeated R times): onnxruntime's cost is mostly per call.
  const m = rows.length;
  const R = PERMUTATION_REPEATS;
  const columns: Record<string, SampledColumn> = {};
  for (const name of present) columns[name] = sampledColumn(input.table.getChild(name) as Vector, rows, R, sampled);
  const labels = Int32Array.from(rows, (r) => input.labels[r] as number);
  const score = (scores: Float64Array): { accuracy: number; auroc: number | null } => {
    let correct = 0;
    for (let i = 0; i < scores.length; i++) if (predictLabel(scores[i] as number, input.threshold) === labels[i]) correct++;
    return { accuracy: correct / scores.length, auroc: auroc(labels, scores) };
  };
  const reference = score(await input.predict(new Table(Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, c.once])))));
  const out: PermutationImportance['columns'] = [];
  for (const column of present) {
    const c = columns[column] as (typeof columns)[string];
    const order: number[] = [];
    for (let k = 0; k < R; k++) for (const i of rng.permutation(m)) order.push(i);
    const table = new Table(Object.fromEntries(Object.entries(columns).map(([name, other]) => [name, name === column ? c.pick(order) : other.repeated])));
    const all = await input.predict(table);
    const acc: number[] = [];
    const auc: number[] = [];
    for (let k = 0; k < R; k++) {
      const s = score(all.subarray(k * m, (k + 1) * m));
      acc.push((reference.accuracy - s.accuracy) * 100);
      if (reference.auroc !== null && s.auroc !== null) auc.push((reference.auroc - s.auroc) * 100);
    }
    const [accM, accSd] = meanSd(acc);
    const [aucM, aucSd] = auc.length === 0 ? [null, null] : meanSd(auc);
    out.push({ column, auroc_drop_pp: aucM, auroc_drop_sd_pp: aucSd, accuracy_drop_pp: accM, accuracy_drop_sd_pp: accSd });
  }
  out.sort((a, b) => (b.auroc_drop_pp ?? b.accuracy_drop_pp) - (a.auroc_drop_pp ?? a.accuracy_drop_pp) || (a.column < b.column ? -1 : 1));
  return { metric_basis: 'drop in accuracy and AUROC (pp) when the column is shuffled', repeats: PERMUTATION_REPEATS, rows: rows.length, sampled, seed: input.seed, columns: out };
}
