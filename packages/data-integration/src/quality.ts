import type { Column, ColumnTable } from './column.js';
import { cellValue } from './column.js';

export interface QualityBreakdown {
  /** Share of non-null cells. */
  completeness: number;
  /** Share of rows that are not exact duplicates of an earlier row. */
  uniqueness: number;
  /** Share of rows passing every schema check (1 when no schema was given) times the share of rows whose cells all read as their column's type. */
  validity: number;
  /** 1 minus the share of numeric cells outside the reference's 3×IQR fences. */
  outliers: number;
  /** Normalised entropy of the label distribution over the classes seen in the union. */
  label_balance: number;
}

export interface QualityScore {
  score: number;
  breakdown: QualityBreakdown;
  weights: QualityBreakdown;
  validity_source: 'schema' | 'types' | 'schema+types' | 'none';
  outlier_share: number;
}

export const QUALITY_WEIGHTS: QualityBreakdown = { completeness: 0.25, uniqueness: 0.2, validity: 0.25, outliers: 0.15, label_balance: 0.15 };

const FENCE_SAMPLE = 20000;

function fences(col: Column): [number, number] | null {
  if (col.type !== 'int' && col.type !== 'float') return null;
  const n = col.valid.length;
  const step = Math.max(1, Math.floor(n / FENCE_SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) if (col.valid[i] === 1) sample.push(col.values[i] as number);
  if (sample.length < 3) return null;
  const s = Float64Array.from(sample).sort();
  const q = (p: number): number => {
    const x = p * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(s.length - 1, lo + 1);
    return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (x - lo);
  };
  const q1 = q(0.25);
  const q3 = q(0.75);
  const iqr = q3 - q1;
  return [q1 - 3 * iqr, q3 + 3 * iqr];
}

/**
 * Scores a contribution in [0, 1] as a weighted mean of five parts, each in [0, 1]. Outlier
 * fences come from the reference (base) data, so a contribution is judged against what the
 * model already knows rather than against itself.
 */
export function scoreQuality(input: {
  contributed: ColumnTable;
  reference: ColumnTable;
  duplicateRows: number;
  validityPassRate: number | undefined;
  /** Share of rows with a cell that contradicts its column's type (read as missing). */
  invalidRowShare?: number;
  target: string;
  classes: readonly string[];
  exclude: ReadonlySet<string>;
}): QualityScore {
  const ct = input.contributed;
  const n = ct.rowCount;
  let nulls = 0;
  let cells = 0;
  let outCells = 0;
  let numCells = 0;
  ct.names.forEach((name, k) => {
    const col = ct.columns[k] as Column;
    cells += n;
    if (col.type === 'string') {
      for (const v of col.values) if (v === null) nulls++;
    } else {
      for (let i = 0; i < n; i++) if (col.valid[i] === 0) nulls++;
    }
    if (name === input.target || input.exclude.has(name)) return;
    const ref = input.reference.columns[input.reference.names.indexOf(name)];
    const f = ref ? fences(ref) : null;
    if (f === null || (col.type !== 'int' && col.type !== 'float')) return;
    const [lo, hi] = f;
    for (let i = 0; i < n; i++) {
      if (col.valid[i] === 0) continue;
      numCells++;
      const v = col.values[i] as number;
      if (v < lo || v > hi) outCells++;
    }
  });
  const completeness = cells === 0 ? 1 : 1 - nulls / cells;
  const uniqueness = n === 0 ? 1 : 1 - input.duplicateRows / n;
  const invalidShare = input.invalidRowShare ?? 0;
  const validity = (input.validityPassRate ?? 1) * (1 - invalidShare);
  const outlierShare = numCells === 0 ? 0 : outCells / numCells;
  const outliers = 1 - outlierShare;
  const tk = ct.names.indexOf(input.target);
  let labelBalance = 1;
  if (tk >= 0 && input.classes.length > 1) {
    const col = ct.columns[tk] as Column;
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = cellValue(col, i);
      if (v === null) continue;
      counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      total++;
    }
    let h = 0;
    for (const c of counts.values()) {
      const p = c / total;
      h -= p * Math.log(p);
    }
    labelBalance = total === 0 ? 0 : h / Math.log(input.classes.length);
  }
  const breakdown: QualityBreakdown = { completeness, uniqueness, validity, outliers, label_balance: Math.min(1, Math.max(0, labelBalance)) };
  const w = QUALITY_WEIGHTS;
  const score =
    breakdown.completeness * w.completeness +
    breakdown.uniqueness * w.uniqueness +
    breakdown.validity * w.validity +
    breakdown.outliers * w.outliers +
    breakdown.label_balance * w.label_balance;
  return { score, breakdown, weights: { ...w }, validity_source: input.validityPassRate === undefined ? (invalidShare > 0 ? 'types' : 'none') : invalidShare > 0 ? 'schema+types' : 'schema', outlier_share: outlierShare };
}
