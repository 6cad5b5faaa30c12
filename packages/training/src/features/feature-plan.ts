import { DataType, type Data, type Table, type Vector } from 'apache-arrow';
import { z } from 'zod';
import { DistinctScratch, distinctNumbers } from '@hokusai/core';
import { TrainingError } from '../errors.js';
import { labelText } from '../label-text.js';
import { discoverClasses, type ClassLabel } from '../labels.js';
import { parseTrainOptions } from '../train-options.js';
import { nullAt, numberChunks, readCodedStrings } from './arrow-columns.js';
import { DATE_PARTS } from './date-parts.js';
import { FEATURIZER_DEFAULTS, fitFeaturizer, ID_DISTINCT_SHARE } from './featurizer.js';
import { nearDuplicateValues } from './near-duplicates.js';
import { utf8Distinct } from './utf8-distinct.js';

/** Integer columns of at least this many rows, every value distinct, are flagged as possible identifiers. */
const ID_WARN_MIN_ROWS = 50;

const WarningSchema = z.object({
  code: z.enum(['id-like', 'constant', 'date', 'high-cardinality', 'near-duplicate-values']),
  message: z.string(),
  /** near-duplicate-values: each group of values that look like one value, most frequent first. */
  groups: z.array(z.array(z.string())).optional(),
});

const TreatmentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('standardized'), imputation: z.literal('mean') }),
  z.object({ kind: z.literal('one-hot'), levels: z.number().int() }),
  z.object({ kind: z.literal('hashed'), buckets: z.number().int() }),
  z.object({ kind: z.literal('date-parts'), parts: z.array(z.enum(DATE_PARTS)), imputation: z.literal('mean') }),
]);

const ColumnPlanSchema = z.object({
  name: z.string(),
  /** As loaded: number, integer, boolean, date, text, other, or unknown for a column left out of the table (PII). */
  type: z.enum(['number', 'integer', 'boolean', 'date', 'text', 'other', 'unknown']),
  role: z.enum(['feature', 'target', 'excluded']),
  /** Why an excluded column is excluded: the config's exclude list, PII, an identifier, a type no feature can have. */
  reason: z.enum(['config', 'pii', 'identifier', 'unsupported']).nullable(),
  treatment: TreatmentSchema.nullable(),
  /** Distinct non-null values and missing cells, over the rows the plan was made from (null when not read). */
  distinct: z.number().int().nullable(),
  missing: z.number().int().nullable(),
  warnings: z.array(WarningSchema),
});

/** What training will do with every column, decided before it runs and shown to the user. */
export const FeaturePlanSchema = z.object({
  version: z.literal(1),
  target: z.string(),
  rows: z.number().int(),
  /** Width of the model's feature vector. */
  width: z.number().int(),
  columns: z.array(ColumnPlanSchema),
  /** Binary targets: which label counts as positive (classes[1]), how that was decided, and how to change it. */
  positive_class: z
    .object({
      value: z.union([z.string(), z.number(), z.boolean()]),
      classes: z.array(z.union([z.string(), z.number(), z.boolean()])),
      chosen_by: z.enum(['config', 'sort order']),
      how_to_change: z.string(),
    })
    .nullable(),
});
export type FeaturePlan = z.infer<typeof FeaturePlanSchema>;
export type ColumnPlan = z.infer<typeof ColumnPlanSchema>;
export type FeatureWarning = z.infer<typeof WarningSchema>;

const PlanOptionsSchema = z.object({
  /** Columns found to hold personal data; they may already be missing from the table. */
  pii: z.array(z.string()).default([]),
  /** The config's own exclude list (told apart from PII in the plan). */
  configExclude: z.array(z.string()).default([]),
});

export interface FeaturePlanOptions {
  pii?: string[];
  configExclude?: string[];
}

function typeOf(type: DataType): ColumnPlan['type'] {
  if (DataType.isInt(type)) return 'integer';
  if (DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isTimestamp(type) || DataType.isDate(type)) return 'date';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) return 'text';
  return 'other';
}

/**
 * Distinct non-null values, missing cells and, for a text feature, per-value counts; `scratch`
 * serves every column's count. A text column that is not a feature (an identifier, an excluded
 * one) is counted by its bytes, without a string per value.
 */
function profile(table: Table, name: string, type: ColumnPlan['type'], scratch: DistinctScratch, feature: boolean): { distinct: number; missing: number; counts?: Map<string, number> } {
  const col = table.getChild(name);
  if (col === null) return { distinct: 0, missing: 0 };
  const counted = type === 'text' && !feature ? utf8Distinct(col) : null;
  if (counted !== null) return { distinct: counted.distinct, missing: col.length - counted.nonNull };
  if (type === 'text') {
    const coded = readCodedStrings(col);
    const perCode = new Int32Array(coded.values.length);
    let missing = 0;
    for (let i = 0; i < coded.codes.length; i++) {
      const c = coded.codes[i] as number;
      if (c < 0) missing++;
      else perCode[c] = (perCode[c] as number) + 1;
    }
    return { distinct: coded.values.length, missing, counts: new Map(coded.values.map((v, c) => [v, perCode[c] as number])) };
  }
  // A float64 column in one chunk without nulls or NaN (what CSV loading gives) is counted in
  // place: the two copies below were 14 bytes of garbage per row and column.
  const whole = wholeFloat64(col);
  if (whole !== null) return { distinct: distinctNumbers(whole, whole.length, undefined, scratch), missing: 0 };
  // The present values gathered from the chunks in place (the merged table has two): one copy
  // instead of a float64 copy, a null mask and then this one.
  const present = scratch.floats(col.length);
  let m = 0;
  for (const c of numberChunks(col)) {
    const values = c.values;
    for (let i = 0; i < c.length; i++) {
      if (nullAt(c, i)) continue;
      const v = values[i] as number;
      if (v === v) present[m++] = v;
    }
  }
  return { distinct: distinctNumbers(present, m, undefined, scratch), missing: col.length - m };
}

/** The values of a float64 column of one chunk with no null and no NaN, as they are; else null. */
function wholeFloat64(col: Vector): Float64Array | null {
  if (col.data.length !== 1) return null;
  const d = col.data[0] as Data;
  if (!DataType.isFloat(d.type) || d.offset !== 0 || d.nullCount > 0 || !(d.values instanceof Float64Array)) return null;
  const values = d.values.subarray(0, d.length);
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) return null;
  return values;
}

const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/**
 * The feature plan of `table` under the training options (target, exclude, features, params,
 * positiveClass): per column its type, role, treatment and warnings, and the positive class. It is
 * made by the same featurizer fit that training runs, so it says what training does; training
 * errors (an all-missing feature, no features left) surface here, before any model is trained.
 */
export function planFeatures(table: Table, trainOptions: unknown, planOptions: FeaturePlanOptions = {}): FeaturePlan {
  const opts = parseTrainOptions(trainOptions);
  const parsed = PlanOptionsSchema.safeParse(planOptions);
  if (!parsed.success) throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `Invalid feature plan options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const pii = new Set(parsed.data.pii);
  const configExclude = new Set(parsed.data.configExclude);
  const maxOneHot = typeof opts.params['maxOneHot'] === 'number' ? opts.params['maxOneHot'] : FEATURIZER_DEFAULTS.maxOneHot;
  const hashBuckets = typeof opts.params['hashBuckets'] === 'number' ? opts.params['hashBuckets'] : FEATURIZER_DEFAULTS.hashBuckets;
  const f = fitFeaturizer(table, { target: opts.target, exclude: opts.exclude, features: opts.features, maxOneHot, hashBuckets, hashSeed: FEATURIZER_DEFAULTS.hashSeed });
  // A single class is training's error to report (the plan of a contribution alone may have one).
  let classes: ClassLabel[] = [];
  try {
    classes = discoverClasses(table, opts.target, opts.task, opts.positiveClass).classes;
  } catch (error) {
    if (!(error instanceof TrainingError && error.code === 'HOKUSAI_SINGLE_CLASS')) throw error;
  }

  const present = table.schema.fields.map((field) => field.name);
  const absent = [...new Set([...pii, ...configExclude, ...opts.exclude])].filter((n) => !present.includes(n)).sort();
  const columns: ColumnPlan[] = [];
  const scratch = new DistinctScratch();
  for (const name of [...present, ...absent]) {
    const field = table.schema.fields.find((x) => x.name === name);
    const type = field === undefined ? 'unknown' : typeOf(field.type as DataType);
    const plan: ColumnPlan = { name, type, role: 'feature', reason: null, treatment: null, distinct: null, missing: null, warnings: [] };
    columns.push(plan);
    if (name === opts.target) {
      plan.role = 'target';
      continue;
    }
    const excluded = f.excluded.find((e) => e.name === name);
    const listed = opts.features !== undefined && !opts.features.includes(name);
    if (field === undefined || excluded !== undefined || listed) {
      plan.role = 'excluded';
      plan.reason = pii.has(name) ? 'pii' : excluded?.reason === 'identifier' ? 'identifier' : excluded?.reason === 'unsupported-type' ? 'unsupported' : 'config';
    }
    // Values of PII columns are never read here: they are not the plan's to describe.
    if (field === undefined || plan.reason === 'pii') continue;
    const p = profile(table, name, type, scratch, plan.role === 'feature');
    plan.distinct = p.distinct;
    plan.missing = p.missing;
    const rows = table.numRows;
    if (plan.reason === 'identifier') {
      plan.warnings.push({ code: 'id-like', message: `${count(p.distinct, 'distinct value')} in ${count(rows - p.missing, 'row')}: looks like an identifier, so it is not a feature (name it in features to use it anyway).` });
    }
    if (plan.role !== 'feature') continue;
    if (f.numeric.some((x) => x.name === name)) {
      plan.treatment = { kind: 'standardized', imputation: 'mean' };
      if (type === 'integer' && rows >= ID_WARN_MIN_ROWS && p.distinct === rows) {
        plan.warnings.push({ code: 'id-like', message: `every one of its ${count(rows, 'value')} is distinct: if it is an identifier, exclude it (exclude in the config, --exclude on the command line).` });
      }
    } else if (f.dates.some((x) => x.name === name)) {
      plan.treatment = { kind: 'date-parts', parts: [...DATE_PARTS], imputation: 'mean' };
      plan.warnings.push({ code: 'date', message: 'the model reads its year, month, day of week and days since 1970-01-01. A date recorded after the outcome (a cancellation date) leaks the label; exclude such a column.' });
    } else {
      const cat = f.categorical.find((x) => x.name === name);
      const hashed = f.hashed.find((x) => x.name === name);
      if (cat !== undefined) plan.treatment = { kind: 'one-hot', levels: cat.categories.length };
      if (hashed !== undefined) {
        plan.treatment = { kind: 'hashed', buckets: hashed.buckets };
        const idLike = p.distinct >= ID_DISTINCT_SHARE * (rows - p.missing);
        plan.warnings.push(
          idLike
            ? { code: 'id-like', message: `${count(p.distinct, 'distinct value')} in ${count(rows - p.missing, 'row')}: looks like an identifier but is a listed feature, so it is hashed into ${hashed.buckets} buckets.` }
            : { code: 'high-cardinality', message: `${count(p.distinct, 'distinct value')} (more than ${maxOneHot}): hashed into ${hashed.buckets} buckets, where unrelated values share a bucket.` },
        );
      }
      const groups = p.counts === undefined ? [] : nearDuplicateValues([...p.counts.keys()], p.counts);
      if (groups.length > 0) {
        plan.warnings.push({
          code: 'near-duplicate-values',
          message: `values that look like one value written differently become separate ${cat === undefined ? 'hash inputs' : 'levels'}: ${groups.map((g) => `${g.values.map((v) => JSON.stringify(v)).join(' / ')} (${g.kind})`).join(', ')}. Clean them in the data.`,
          groups: groups.map((g) => g.values),
        });
      }
    }
    if (p.distinct <= 1) plan.warnings.push({ code: 'constant', message: `${p.distinct === 0 ? 'no values' : 'one value'} in every row: it carries no information.` });
  }
  const positive =
    classes.length === 2
      ? {
          value: classes[1] as ClassLabel,
          classes,
          chosen_by: opts.positiveClass === undefined ? ('sort order' as const) : ('config' as const),
          how_to_change: `positiveClass in the config or --positive-class ${labelText(classes[0] as ClassLabel)} makes the other label positive.`,
        }
      : null;
  return FeaturePlanSchema.parse({ version: 1, target: opts.target, rows: table.numRows, width: f.width, columns, positive_class: positive });
}
