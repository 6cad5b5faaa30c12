import type { Table, Vector } from 'apache-arrow';
import { TrainingError } from '../errors.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { columnKind, nullAt, numberChunks, readCodedStrings, readNumeric, requireColumn, type NumberChunk } from './arrow-columns.js';
import { DATE_PARTS, datePartsOf, emitDateParts, epochDays, type DatePart } from './date-parts.js';
import { featureColumn } from './feature-column.js';
import { murmur3 } from './murmur3.js';
import { utf8Distinct } from './utf8-distinct.js';

export interface NumericFeature {
  name: string;
  kind: 'numeric';
  /** float32-rounded so the in-process path and the ONNX graph use the same constants. */
  mean: number;
  scale: number;
}
export interface CategoricalFeature {
  name: string;
  kind: 'categorical';
  /** Sorted categories seen in training; "" stands for null. Unseen values encode as all zeros. */
  categories: string[];
}
export interface HashedFeature {
  name: string;
  kind: 'hashed';
  buckets: number;
  seed: number;
}
/** A date or timestamp column, fed to the model as whole days since 1970-01-01, split into parts. */
export interface DateFeature {
  name: string;
  kind: 'date';
  /** One standardized feature per part, in DATE_PARTS order; constants float32-rounded as for numbers. */
  parts: { part: DatePart; mean: number; scale: number }[];
}
export type FeatureSpec = NumericFeature | DateFeature | CategoricalFeature | HashedFeature;

export interface ExcludedColumn {
  name: string;
  reason: 'excluded' | 'identifier' | 'unsupported-type';
}

/** Everything needed to turn raw columns into the model's feature vector, in and out of ONNX. */
export interface Featurizer {
  numeric: NumericFeature[];
  dates: DateFeature[];
  categorical: CategoricalFeature[];
  hashed: HashedFeature[];
  excluded: ExcludedColumn[];
  width: number;
}

export interface FeaturizerOptions {
  target: string;
  exclude: readonly string[];
  features?: readonly string[] | undefined;
  /** String columns with at most this many distinct values are one-hot encoded; more are hashed. */
  maxOneHot: number;
  hashBuckets: number;
  hashSeed: number;
}

export const FEATURIZER_DEFAULTS = { maxOneHot: 32, hashBuckets: 64, hashSeed: 0 } as const;

/**
 * A text column with more distinct values than maxOneHot, and at least this share of its non-null
 * values distinct, is an identifier (an id, a key, free text): it carries no signal that
 * generalizes to new rows, so it is left out rather than hashed.
 */
export const ID_DISTINCT_SHARE = 0.95;

/** Mean and scale of float32-rounded values (NaN = missing), as the ONNX graph applies them. */
export function standardization(values: Float64Array): { mean: number; scale: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v !== v) continue;
    sum += Math.fround(v);
    count++;
  }
  const mean = count === 0 ? 0 : sum / count;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v !== v) continue;
    const dlt = Math.fround(v) - mean;
    ss += dlt * dlt;
  }
  const std = count === 0 ? 0 : Math.sqrt(ss / count);
  return { mean: Math.fround(mean), scale: Math.fround(std > 1e-12 && Number.isFinite(std) ? 1 / std : 1), count };
}

/** The four date parts of every row of a date column, one Float64Array per part (NaN where null). */
export function datePartColumns(col: Parameters<typeof readNumeric>[0]): Float64Array[] {
  const ms = readNumeric(col);
  const out = DATE_PARTS.map(() => new Float64Array(ms.length).fill(NaN));
  for (let i = 0; i < ms.length; i++) {
    const t = ms[i] as number;
    if (t !== t) continue;
    const parts = datePartsOf(epochDays(t));
    for (let p = 0; p < parts.length; p++) (out[p] as Float64Array)[i] = parts[p] as number;
  }
  return out;
}

/**
 * The mean and standard deviation (population) of a numeric feature's non-null values, each
 * rounded to float32 as the model reads it, summed in row order; a NaN or infinity is refused.
 * Read from the column's chunks in place: a float64 copy and a null mask of every column (36 MB
 * at 4M rows) were made only to be read twice, by the feature plan and by each training.
 */
function numericMoments(col: Vector, name: string): { mean: number; std: number } {
  const chunks = numberChunks(col);
  const sums = { sum: 0, count: 0, bad: -1 };
  let base = 0;
  for (const c of chunks) {
    const plain = plainFloat64(c);
    if (plain === null) addChunk(c, sums);
    else {
      sums.sum = float64Sum(plain, sums.sum);
      sums.count += plain.length;
      // A NaN or an infinity leaves the sum non-finite (so does a float32 overflow, which is no error).
      if (!Number.isFinite(sums.sum)) sums.bad = firstNonFinite(plain);
    }
    if (sums.bad >= 0) {
      const v = c.values[sums.bad] as number;
      throw new TrainingError(
        'HOKUSAI_FEATURE_NAN',
        `The feature column "${name}" holds ${String(v)} at row ${base + sums.bad}. Store a missing value as null (it is imputed with the training mean) or drop the row.`,
        { column: name, row: base + sums.bad },
      );
    }
    base += c.length;
  }
  if (sums.count === 0) {
    throw new TrainingError('HOKUSAI_FEATURE_ALL_MISSING', `The feature column "${name}" is null in every one of its ${col.length} rows. Exclude it with options.exclude.`, { column: name });
  }
  const mean = sums.sum / sums.count;
  let ss = 0;
  for (const c of chunks) {
    const plain = plainFloat64(c);
    ss = plain === null ? chunkSquares(c, mean, ss) : float64Squares(plain, mean, ss);
  }
  return { mean, std: Math.sqrt(ss / sums.count) };
}

/*
 * The moments' passes over one chunk, continuing the running sums in row order. A float64 chunk
 * without nulls (what CSV loading gives) has loops of its own: one array type and no null test
 * per value, twice as fast, with the same sums.
 */

/** The values of a chunk of float64 numbers without nulls (its rows only), else null. */
function plainFloat64(c: NumberChunk): Float64Array | null {
  if (c.nulls !== undefined || c.bitmap !== undefined || !(c.values instanceof Float64Array)) return null;
  return c.values.length === c.length ? c.values : c.values.subarray(0, c.length);
}

/** Adds the chunk's non-null values (as float32) to `s`; `s.bad` becomes the first non-finite row. */
function addChunk(c: NumberChunk, s: { sum: number; count: number; bad: number }): void {
  const values = c.values;
  let sum = s.sum;
  let count = s.count;
  for (let i = 0; i < c.length; i++) {
    if (nullAt(c, i)) continue;
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      s.bad = i;
      return;
    }
    sum += Math.fround(v);
    count++;
  }
  s.sum = sum;
  s.count = count;
}

/** `sum` plus the values' float32 roundings, in order (a pure loop: nothing but numbers leaves it). */
function float64Sum(values: Float64Array, sum: number): number {
  for (let i = 0; i < values.length; i++) sum += Math.fround(values[i] as number);
  return sum;
}

/** The first row holding a NaN or an infinity, or -1. */
function firstNonFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return i;
  return -1;
}

function chunkSquares(c: NumberChunk, mean: number, ss: number): number {
  const values = c.values;
  for (let i = 0; i < c.length; i++) {
    if (nullAt(c, i)) continue;
    const dlt = Math.fround(values[i] as number) - mean;
    ss += dlt * dlt;
  }
  return ss;
}

function float64Squares(values: Float64Array, mean: number, ss: number): number {
  for (let i = 0; i < values.length; i++) {
    const dlt = Math.fround(values[i] as number) - mean;
    ss += dlt * dlt;
  }
  return ss;
}

export function fitFeaturizer(table: Table, options: FeaturizerOptions): Featurizer {
  const excludeSet = new Set(options.exclude);
  const excluded: ExcludedColumn[] = [];
  const explicit = options.features !== undefined;
  const names = explicit ? [...(options.features as readonly string[])] : table.schema.fields.map((f) => f.name);
  const numeric: NumericFeature[] = [];
  const dates: DateFeature[] = [];
  const categorical: CategoricalFeature[] = [];
  const hashed: HashedFeature[] = [];
  for (const name of names) {
    if (name === options.target) {
      if (explicit) throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `The target column "${name}" is also listed as a feature. Remove it from options.features.`, { column: name });
      continue;
    }
    if (excludeSet.has(name)) {
      excluded.push({ name, reason: 'excluded' });
      continue;
    }
    const col = requireColumn(table, name, 'feature');
    const kind = columnKind(col.type);
    if (kind === null) {
      if (explicit) {
        throw new TrainingError('HOKUSAI_FEATURE_TYPE_UNSUPPORTED', `The feature column "${name}" has type ${String(col.type)}; only numbers, booleans, dates and strings can be features. Exclude it or convert it.`, { column: name });
      }
      excluded.push({ name, reason: 'unsupported-type' });
      continue;
    }
    if (kind === 'date') {
      const partValues = datePartColumns(col);
      const stats = partValues.map(standardization);
      if ((stats[0] as { count: number }).count === 0) {
        throw new TrainingError('HOKUSAI_FEATURE_ALL_MISSING', `The feature column "${name}" is null in every one of its ${col.length} rows. Exclude it with options.exclude.`, { column: name });
      }
      dates.push({ name, kind: 'date', parts: DATE_PARTS.map((part, p) => ({ part, mean: (stats[p] as { mean: number }).mean, scale: (stats[p] as { scale: number }).scale })) });
      continue;
    }
    if (kind === 'numeric') {
      const { mean, std } = numericMoments(col, name);
      numeric.push({ name, kind: 'numeric', mean: Math.fround(mean), scale: Math.fround(std > 1e-12 && Number.isFinite(std) ? 1 / std : 1) });
      continue;
    }
    // An identifier is told by its distinct count alone: it is left out without coding its strings.
    if (!explicit) {
      const quick = utf8Distinct(col, ID_DISTINCT_SHARE);
      if (quick !== null && quick.complete && quick.distinct > options.maxOneHot && quick.distinct >= ID_DISTINCT_SHARE * quick.nonNull) {
        excluded.push({ name, reason: 'identifier' });
        continue;
      }
    }
    const coded = readCodedStrings(col);
    let nonNull = 0;
    let hasNull = false;
    for (let i = 0; i < coded.codes.length; i++) {
      if (coded.codes[i] === -1) hasNull = true;
      else nonNull++;
    }
    if (nonNull === 0) {
      throw new TrainingError('HOKUSAI_FEATURE_ALL_MISSING', `The feature column "${name}" is null in every one of its ${coded.codes.length} rows. Exclude it with options.exclude.`, { column: name });
    }
    if (coded.values.length <= options.maxOneHot) {
      const cats = new Set(coded.values);
      if (hasNull) cats.add('');
      categorical.push({ name, kind: 'categorical', categories: [...cats].sort() });
    } else if (!explicit && coded.values.length >= ID_DISTINCT_SHARE * nonNull) {
      excluded.push({ name, reason: 'identifier' });
    } else {
      hashed.push({ name, kind: 'hashed', buckets: options.hashBuckets, seed: options.hashSeed });
    }
  }
  const width = numeric.length + dates.length * DATE_PARTS.length + categorical.reduce((s, c) => s + c.categories.length, 0) + hashed.reduce((s, h) => s + h.buckets, 0);
  if (width === 0) {
    throw new TrainingError('HOKUSAI_NO_FEATURES', `No feature columns are left after excluding ${JSON.stringify(excluded)}. Provide at least one numeric, date or string column besides the target.`);
  }
  return { numeric, dates, categorical, hashed, excluded, width };
}

/** Feature order: numeric columns, then each date's parts, then each one-hot block, then each hashed block. */
export function featureList(f: Featurizer): { name: string; kind: 'numeric' | 'date' | 'categorical' | 'hashed' }[] {
  return [...f.numeric, ...f.dates, ...f.categorical, ...f.hashed].map((x) => ({ name: x.name, kind: x.kind }));
}

/** Graph inputs: a date column is a float input of whole days since 1970-01-01. */
export function rawInputs(f: Featurizer): { name: string; type: 'float' | 'string' }[] {
  return [
    ...f.numeric.map((x) => ({ name: x.name, type: 'float' as const })),
    ...f.dates.map((x) => ({ name: x.name, type: 'float' as const })),
    ...f.categorical.map((x) => ({ name: x.name, type: 'string' as const })),
    ...f.hashed.map((x) => ({ name: x.name, type: 'string' as const })),
  ];
}

/**
 * Feature columns, one Float32Array per feature. Raw numbers are rounded to float32 first and the
 * arithmetic is float32 (Float32Array stores round), matching the ONNX graph step for step.
 */
export function transform(f: Featurizer, table: Table): Float32Array[] {
  const n = table.numRows;
  const out: Float32Array[] = [];
  const wrong = [
    ...f.numeric.map((x) => [x.name, 'numeric'] as const),
    ...f.dates.map((x) => [x.name, 'date'] as const),
    ...[...f.categorical, ...f.hashed].map((x) => [x.name, 'string'] as const),
  ].filter(([name, kind]) => columnKind(requireColumn(table, name, 'feature').type) !== kind);
  if (wrong.length > 0) {
    throw new TrainingError(
      'HOKUSAI_MODEL_INPUT_MISMATCH',
      `The model was trained with ${wrong.map(([name, kind]) => `"${name}" as ${kind === 'numeric' ? 'numbers' : kind === 'date' ? 'dates' : 'strings'}`).join(', ')} but the table holds another type there. Convert the columns or retrain.`,
      { columns: wrong.map(([name]) => name) },
    );
  }
  for (const feat of f.numeric) {
    const col = featureColumn(n);
    // Chunk by chunk from the table's own arrays: a float64 copy of each column (128 MB of fresh
    // memory for 20 columns of 800k rows) cost more than the scaling.
    let at = 0;
    for (const chunk of numberChunks(requireColumn(table, feat.name, 'feature'))) {
      scaleChunk(col, at, chunk, feat.mean, feat.scale);
      at += chunk.length;
    }
    out.push(col);
  }
  for (const feat of f.dates) {
    const partValues = datePartColumns(requireColumn(table, feat.name, 'feature'));
    feat.parts.forEach(({ mean, scale }, p) => {
      const values = partValues[p] as Float64Array;
      const col = featureColumn(n);
      for (let i = 0; i < n; i++) {
        const v = Math.fround(values[i] as number);
        if (v === v) col[i] = Math.fround(v - mean) * scale;
      }
      out.push(col);
    });
  }
  for (const feat of f.categorical) {
    const coded = readCodedStrings(requireColumn(table, feat.name, 'feature'));
    const slot = Int32Array.from(coded.values, (s) => feat.categories.indexOf(s));
    const nullSlot = feat.categories.indexOf('');
    const block = feat.categories.map(() => featureColumn(n));
    fillIndicators(block, coded.codes, slot, nullSlot);
    out.push(...block);
  }
  for (const feat of f.hashed) {
    const coded = readCodedStrings(requireColumn(table, feat.name, 'feature'));
    const bucket = Int32Array.from(coded.values, (s) => murmur3(s, feat.seed) % feat.buckets);
    const nullBucket = murmur3('', feat.seed) % feat.buckets;
    const block = Array.from({ length: feat.buckets }, () => featureColumn(n));
    fillIndicators(block, coded.codes, bucket, nullBucket);
    out.push(...block);
  }
  return out;
}

/**
 * Rows of one chunk of a numeric feature, from row `at` of `col`: each value rounded to float32,
 * centred and scaled in float32. A null or NaN is imputed with the mean, which scales to exactly
 * 0: the column's initial value, left as it is.
 */
function scaleChunk(col: Float32Array, at: number, chunk: NumberChunk, mean: number, scale: number): void {
  const { values, length } = chunk;
  const nullable = chunk.nulls !== undefined || chunk.bitmap !== undefined;
  for (let i = 0; i < length; i++) {
    const v = Math.fround(values[i] as number);
    if (v === v && !(nullable && nullAt(chunk, i))) col[at + i] = Math.fround(v - mean) * scale;
  }
}

function fillIndicators(block: Float32Array[], codes: Int32Array, slotOfCode: Int32Array, nullSlot: number): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    const s = c < 0 ? nullSlot : (slotOfCode[c] as number);
    if (s >= 0) (block[s] as Float32Array)[i] = 1;
  }
}

/** Writes the featurization into an ONNX graph over the raw column inputs; returns the [N, width] float tensor. */
export function emitFeaturizer(g: OnnxGraph, f: Featurizer): string {
  const blocks: string[] = [];
  if (f.numeric.length > 0) {
    const ins = f.numeric.map((x) => g.input(x.name, 'float', ['N', 1]));
    const p = f.numeric.length;
    // Stacking [N,1] columns end to end and transposing once is far cheaper in onnxruntime than
    // a Concat on axis 1, which copies one float at a time.
    const x =
      p === 1
        ? (ins[0] as string)
        : g.node('Transpose', [g.node('Reshape', [g.node('Concat', ins, [{ name: 'axis', i: 0 }]), g.constant('stack_shape', [2], { type: 'int64', values: [p, -1] })])], [{ name: 'perm', ints: [1, 0] }]);
    const mean = g.constant('mean', [p], { type: 'float', values: f.numeric.map((v) => v.mean) });
    const scale = g.constant('scale', [p], { type: 'float', values: f.numeric.map((v) => v.scale) });
    const missing = g.node('IsNaN', [x]);
    const imputed = g.node('Where', [missing, mean, x]);
    blocks.push(g.node('Mul', [g.node('Sub', [imputed, mean]), scale]));
  }
  for (const d of f.dates) {
    const parts = emitDateParts(g, g.input(d.name, 'float', ['N', 1]));
    const k = d.parts.length;
    const mean = g.constant('date_mean', [k], { type: 'float', values: d.parts.map((v) => v.mean) });
    const scale = g.constant('date_scale', [k], { type: 'float', values: d.parts.map((v) => v.scale) });
    const imputed = g.node('Where', [g.node('IsNaN', [parts]), mean, parts]);
    blocks.push(g.node('Mul', [g.node('Sub', [imputed, mean]), scale]));
  }
  for (const c of f.categorical) {
    const x = g.input(c.name, 'string', ['N', 1]);
    const onehot = g.node('OneHotEncoder', [x], [{ name: 'cats_strings', strings: c.categories }, { name: 'zeros', i: 1 }], { domain: 'ai.onnx.ml' });
    blocks.push(g.node('Flatten', [onehot], [{ name: 'axis', i: 1 }]));
  }
  for (const h of f.hashed) {
    const x = g.input(h.name, 'string', ['N', 1]);
    const hash = g.node('MurmurHash3', [x], [{ name: 'positive', i: 1 }, { name: 'seed', i: h.seed }], { domain: 'com.microsoft' });
    const wide = g.node('Cast', [hash], [{ name: 'to', i: 7 }]);
    const bucket = g.node('Mod', [wide, g.constant('buckets', [], { type: 'int64', values: [h.buckets] })]);
    const range = g.constant('bucket_ids', [1, h.buckets], { type: 'int64', values: Array.from({ length: h.buckets }, (_, i) => i) });
    blocks.push(g.node('Cast', [g.node('Equal', [bucket, range])], [{ name: 'to', i: 1 }]));
  }
  return blocks.length === 1 ? (blocks[0] as string) : g.node('Concat', blocks, [{ name: 'axis', i: 1 }]);
}
