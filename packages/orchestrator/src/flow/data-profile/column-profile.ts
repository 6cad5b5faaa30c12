import { DataType, type Table } from 'apache-arrow';
import { categoryValues, numberValues } from './column-values.js';
import { decileEdgesOf } from './decile-select.js';
import { categoryBinCounts, numberBinCounts, psiCategories, psiFromCounts } from './psi.js';

export type DatasetRole = 'base' | 'contributed' | 'benchmark';
export const DATASET_ROLES: readonly DatasetRole[] = ['base', 'contributed', 'benchmark'];

/** Equal-width bins of the histograms shown (PSI uses its own decile bins). */
export const HISTOGRAM_BINS = 20;
/** Category values are shown only for columns with at most this many distinct values in all three tables. */
export const MAX_SHOWN_CATEGORIES = 30;

type PerRole<T> = Record<DatasetRole, T>;

export interface NumberColumnProfile {
  column: string;
  kind: 'number';
  rows: PerRole<number>;
  missing_share: PerRole<number | null>;
  /** PSI of contributed and of benchmark against base; null when a side has no rows. */
  psi: { contributed: number | null; benchmark: number | null };
  /** HISTOGRAM_BINS equal-width bins over the three tables' range; shares of non-missing values. */
  histogram: { edges: number[]; shares: PerRole<number[]> } | null;
}

export interface CategoryColumnProfile {
  column: string;
  kind: 'category';
  rows: PerRole<number>;
  missing_share: PerRole<number | null>;
  psi: { contributed: number | null; benchmark: number | null };
  distinct: PerRole<number>;
  /**
   * Shares of non-missing values per category, most frequent in base first; null when the values
   * are withheld (free text, or more than MAX_SHOWN_CATEGORIES distinct values).
   */
  categories: { values: string[]; shares: PerRole<number[]> } | null;
  /** Values absent from base: how many distinct ones, and which (null when values are withheld). */
  new_categories: { contributed: { count: number; values: string[] | null }; benchmark: { count: number; values: string[] | null } };
}

export type ColumnProfile = NumberColumnProfile | CategoryColumnProfile;

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function perRole<T>(f: (role: DatasetRole) => T): PerRole<T> {
  return { base: f('base'), contributed: f('contributed'), benchmark: f('benchmark') };
}

function profileNumber(column: string, tables: PerRole<Table>): NumberColumnProfile {
  const v = perRole((role) => numberValues(tables[role], column));
  const edges = decileEdgesOf(v.base.values, v.base);
  let min = Infinity;
  let max = -Infinity;
  for (const role of DATASET_ROLES) {
    if (v[role].min < min) min = v[role].min;
    if (v[role].max > max) max = v[role].max;
  }
  // The histogram's bins are counted in the PSI bins' pass over each table's values.
  const k = min < max ? HISTOGRAM_BINS : 1;
  const width = min <= max ? (max - min) / k : 0;
  const histogramCounts = perRole(() => new Float64Array(k));
  const bins = perRole((role) => numberBinCounts(v[role].values, v[role].missing, edges, min <= max ? { min, width, counts: histogramCounts[role] } : undefined));
  let histogram: NumberColumnProfile['histogram'] = null;
  if (min <= max) {
    const histEdges = Array.from({ length: k + 1 }, (_, i) => (i === k ? max : min + i * width));
    const shares = perRole((role) => {
      const total = v[role].values.length;
      return Array.from(histogramCounts[role], (c) => (total === 0 ? 0 : c / total));
    });
    histogram = { edges: histEdges, shares };
  }
  return {
    column,
    kind: 'number',
    rows: perRole((role) => tables[role].numRows),
    missing_share: perRole((role) => share(v[role].missing, tables[role].numRows)),
    psi: { contributed: psiFromCounts(bins.base, bins.contributed), benchmark: psiFromCounts(bins.base, bins.benchmark) },
    histogram,
  };
}

const byValue = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function profileCategory(column: string, tables: PerRole<Table>, withhold: boolean): CategoryColumnProfile {
  const v = perRole((role) => categoryValues(tables[role], column));
  const psiBins = psiCategories(v.base.counts);
  const bins = perRole((role) => categoryBinCounts(v[role].counts, v[role].missing, psiBins));
  const all = new Set<string>();
  for (const role of DATASET_ROLES) for (const key of v[role].counts.keys()) all.add(key);
  const shown = !withhold && all.size <= MAX_SHOWN_CATEGORIES;
  const fresh = (role: DatasetRole): { count: number; values: string[] | null } => {
    const values = [...v[role].counts.keys()].filter((key) => !v.base.counts.has(key)).sort(byValue);
    return { count: values.length, values: shown ? values : null };
  };
  let categories: CategoryColumnProfile['categories'] = null;
  if (shown) {
    const order = [...all].sort((a, b) => (v.base.counts.get(b) ?? 0) - (v.base.counts.get(a) ?? 0) || byValue(a, b));
    categories = {
      values: order,
      shares: perRole((role) => {
        const total = tables[role].numRows - v[role].missing;
        return order.map((key) => (total === 0 ? 0 : (v[role].counts.get(key) ?? 0) / total));
      }),
    };
  }
  return {
    column,
    kind: 'category',
    rows: perRole((role) => tables[role].numRows),
    missing_share: perRole((role) => share(v[role].missing, tables[role].numRows)),
    psi: { contributed: psiFromCounts(bins.base, bins.contributed), benchmark: psiFromCounts(bins.base, bins.benchmark) },
    distinct: perRole((role) => v[role].counts.size),
    categories,
    new_categories: { contributed: fresh('contributed'), benchmark: fresh('benchmark') },
  };
}

/**
 * Per feature column of the PII-treated tables: distributions, missing shares, PSI against base
 * and new categories. PII, excluded and target columns are left out; category values of free-text
 * columns and of high-cardinality columns are never copied (counts only).
 */
export function profileColumns(
  tables: PerRole<Table>,
  options: { target: string; leaveOut: string[]; withholdValues: string[] },
): ColumnProfile[] {
  const leaveOut = new Set([options.target, ...options.leaveOut]);
  const withhold = new Set(options.withholdValues);
  const profiles: ColumnProfile[] = [];
  for (const field of tables.base.schema.fields) {
    if (leaveOut.has(field.name)) continue;
    const t = field.type;
    if (DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t)) profiles.push(profileNumber(field.name, tables));
    else if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isDictionary(t) || DataType.isBool(t)) profiles.push(profileCategory(field.name, tables, withhold.has(field.name)));
  }
  return profiles;
}
