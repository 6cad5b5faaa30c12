import type { Table } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import { columnKind, nullMask, readNumeric, requireColumn, type ColumnKind } from './arrow-columns.js';
import { DATE_PARTS } from './date-parts.js';
import { Utf8ValueSet } from './utf8-value-set.js';
import { datePartColumns, ID_DISTINCT_SHARE, type CategoricalFeature, type DateFeature, type ExcludedColumn, type Featurizer, type FeaturizerOptions, type HashedFeature, type NumericFeature } from './featurizer.js';

/** Running sums of one numeric series (a column, or one part of a date), in row order. */
interface Moments {
  sum: number;
  count: number;
  mean: number;
  ss: number;
}

interface ColumnStats {
  name: string;
  kind: ColumnKind;
  /** One series for a numeric column, one per date part for a date. */
  moments: Moments[];
  /** A text column's distinct values (see Utf8ValueSet), its non-null and null rows. */
  text: Utf8ValueSet;
  rows: number;
}

const newMoments = (): Moments => ({ sum: 0, count: 0, mean: 0, ss: 0 });

/**
 * fitFeaturizer over a table read in batches: two passes (sums, then squared deviations from
 * the mean), each summing in row order as the in-memory fit does, so the featurizer is the same
 * to the bit. A text column keeps its distinct values, as UTF-8 in one buffer (Utf8ValueSet): an
 * identifier column of 16M values holds about 400 MB until it is found to be one; naming it in
 * `exclude` spares that.
 */
export async function fitFeaturizerOverBatches(read: () => AsyncIterable<Table>, options: FeaturizerOptions): Promise<Featurizer> {
  const excludeSet = new Set(options.exclude);
  const explicit = options.features !== undefined;
  // Column order, so `excluded` lists identifiers among the other left-out columns as fitFeaturizer does.
  const columns: (ColumnStats | ExcludedColumn)[] = [];
  const stats: ColumnStats[] = [];
  let first = true;
  let rowBase = 0;
  for await (const batch of read()) {
    if (first) {
      first = false;
      const names = explicit ? [...(options.features as readonly string[])] : batch.schema.fields.map((f) => f.name);
      for (const name of names) {
        if (name === options.target) {
          if (explicit) throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `The target column "${name}" is also listed as a feature. Remove it from options.features.`, { column: name });
          continue;
        }
        if (excludeSet.has(name)) {
          columns.push({ name, reason: 'excluded' });
          continue;
        }
        const kind = columnKind(requireColumn(batch, name, 'feature').type);
        if (kind === null) {
          if (explicit) {
            throw new TrainingError('HOKUSAI_FEATURE_TYPE_UNSUPPORTED', `The feature column "${name}" has type ${String(requireColumn(batch, name, 'feature').type)}; only numbers, booleans, dates and strings can be features. Exclude it or convert it.`, { column: name });
          }
          columns.push({ name, reason: 'unsupported-type' });
          continue;
        }
        const s: ColumnStats = { name, kind, moments: kind === 'date' ? DATE_PARTS.map(newMoments) : [newMoments()], text: new Utf8ValueSet(), rows: 0 };
        stats.push(s);
        columns.push(s);
      }
    }
    for (const s of stats) firstPass(s, batch, rowBase);
    rowBase += batch.numRows;
  }
  for (const s of stats) for (const m of s.moments) m.mean = m.count === 0 ? 0 : m.sum / m.count;
  if (stats.some((s) => s.kind !== 'string')) {
    for await (const batch of read()) for (const s of stats) if (s.kind !== 'string') secondPass(s, batch);
  }
  return assemble(columns, options, explicit);
}

function firstPass(s: ColumnStats, batch: Table, rowBase: number): void {
  const col = requireColumn(batch, s.name, 'feature');
  s.rows += col.length;
  if (s.kind === 'string') {
    s.text.addColumn(col);
    return;
  }
  if (s.kind === 'date') {
    datePartColumns(col).forEach((values, p) => {
      const m = s.moments[p] as Moments;
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (v !== v) continue;
        m.sum += Math.fround(v);
        m.count++;
      }
    });
    return;
  }
  const values = readNumeric(col);
  const nulls = nullMask(col);
  const m = s.moments[0] as Moments;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (nulls[i] === 1) continue;
    if (!Number.isFinite(v)) {
      const row = rowBase + i;
      throw new TrainingError('HOKUSAI_FEATURE_NAN', `The feature column "${s.name}" holds ${String(v)} at row ${row}. Store a missing value as null (it is imputed with the training mean) or drop the row.`, { column: s.name, row });
    }
    m.sum += Math.fround(v);
    m.count++;
  }
}

function secondPass(s: ColumnStats, batch: Table): void {
  const col = requireColumn(batch, s.name, 'feature');
  if (s.kind === 'date') {
    datePartColumns(col).forEach((values, p) => {
      const m = s.moments[p] as Moments;
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (v !== v) continue;
        const dlt = Math.fround(v) - m.mean;
        m.ss += dlt * dlt;
      }
    });
    return;
  }
  const values = readNumeric(col);
  const nulls = nullMask(col);
  const m = s.moments[0] as Moments;
  for (let i = 0; i < values.length; i++) {
    if (nulls[i] === 1) continue;
    const dlt = Math.fround(values[i] as number) - m.mean;
    m.ss += dlt * dlt;
  }
}

/** Mean and scale as fitFeaturizer rounds them. */
function scaled(m: Moments): { mean: number; scale: number } {
  const std = m.count === 0 ? 0 : Math.sqrt(m.ss / m.count);
  return { mean: Math.fround(m.mean), scale: Math.fround(std > 1e-12 && Number.isFinite(std) ? 1 / std : 1) };
}

function allMissing(s: ColumnStats): TrainingError {
  return new TrainingError('HOKUSAI_FEATURE_ALL_MISSING', `The feature column "${s.name}" is null in every one of its ${s.rows} rows. Exclude it with options.exclude.`, { column: s.name });
}

function assemble(columns: (ColumnStats | ExcludedColumn)[], options: FeaturizerOptions, explicit: boolean): Featurizer {
  const excluded: ExcludedColumn[] = [];
  const numeric: NumericFeature[] = [];
  const dates: DateFeature[] = [];
  const categorical: CategoricalFeature[] = [];
  const hashed: HashedFeature[] = [];
  for (const s of columns) {
    if (!('kind' in s)) {
      excluded.push(s);
    } else if (s.kind === 'date') {
      if ((s.moments[0] as Moments).count === 0) throw allMissing(s);
      dates.push({ name: s.name, kind: 'date', parts: DATE_PARTS.map((part, p) => ({ part, ...scaled(s.moments[p] as Moments) })) });
    } else if (s.kind === 'numeric') {
      if ((s.moments[0] as Moments).count === 0) throw allMissing(s);
      numeric.push({ name: s.name, kind: 'numeric', ...scaled(s.moments[0] as Moments) });
    } else {
      const { text } = s;
      if (text.nonNull === 0) throw allMissing(s);
      if (text.size <= options.maxOneHot) {
        const cats = new Set(text.values());
        if (text.hasNull) cats.add('');
        categorical.push({ name: s.name, kind: 'categorical', categories: [...cats].sort() });
      } else if (!explicit && text.size >= ID_DISTINCT_SHARE * text.nonNull) {
        excluded.push({ name: s.name, reason: 'identifier' });
      } else {
        hashed.push({ name: s.name, kind: 'hashed', buckets: options.hashBuckets, seed: options.hashSeed });
      }
    }
  }
  const width = numeric.length + dates.length * DATE_PARTS.length + categorical.reduce((s, c) => s + c.categories.length, 0) + hashed.reduce((s, h) => s + h.buckets, 0);
  if (width === 0) {
    throw new TrainingError('HOKUSAI_NO_FEATURES', `No feature columns are left after excluding ${JSON.stringify(excluded)}. Provide at least one numeric, date or string column besides the target.`);
  }
  return { numeric, dates, categorical, hashed, excluded, width };
}
