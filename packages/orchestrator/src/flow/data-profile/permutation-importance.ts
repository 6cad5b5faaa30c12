import { Table, vectorFromArray, type Vector } from 'apache-arrow';
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
  const columns: Record<string, { type: Vector['type']; values: unknown[]; once: Vector; repeated: Vector }> = {};
  for (const name of present) {
    const col = input.table.getChild(name) as Vector;
    const values = Array.from(rows, (r) => col.get(r) as unknown);
    const repeated = Array.from({ length: m * R }, (_, i) => values[i % m]);
    columns[name] = { type: col.type, values, once: sampled ? vectorFromArray(values, col.type) : col, repeated: vectorFromArray(repeated, col.type) };
  }
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
    const shuffled: unknown[] = [];
    for (let k = 0; k < R; k++) for (const i of rng.permutation(m)) shuffled.push(c.values[i]);
    const table = new Table(Object.fromEntries(Object.entries(columns).map(([name, other]) => [name, name === column ? vectorFromArray(shuffled, c.type) : other.repeated])));
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
