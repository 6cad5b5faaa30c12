import { labelText } from './label-text.js';
import { DataType, type Table } from 'apache-arrow';
import { TrainingError } from './errors.js';
import { readCodedStrings, readNumeric, requireColumn, nullMask } from './features/arrow-columns.js';

export type ClassLabel = string | number | boolean;

/** Target cells as distinct labels plus one code per row (-1 for null). */
interface CodedLabels {
  kind: 'number' | 'string' | 'boolean';
  distinct: ClassLabel[];
  codes: Int32Array;
}

function readLabels(table: Table, target: string): CodedLabels {
  const col = requireColumn(table, target, 'target');
  const type = col.type as DataType;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) {
    const coded = readCodedStrings(col);
    return { kind: 'string', distinct: coded.values, codes: coded.codes };
  }
  if (DataType.isBool(type) || DataType.isInt(type) || DataType.isFloat(type)) {
    const values = readNumeric(col);
    const nulls = nullMask(col);
    const codes = new Int32Array(values.length);
    const index = new Map<number, number>();
    const distinct: ClassLabel[] = [];
    const isBool = DataType.isBool(type);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (nulls[i] === 1 || Number.isNaN(v)) {
        codes[i] = -1;
        continue;
      }
      let c = index.get(v);
      if (c === undefined) {
        c = distinct.length;
        distinct.push(isBool ? v === 1 : v);
        index.set(v, c);
      }
      codes[i] = c;
    }
    return { kind: isBool ? 'boolean' : 'number', distinct, codes };
  }
  throw new TrainingError(
    'HOKUSAI_LABEL_TYPE_MISMATCH',
    `The target column "${target}" has type ${String(type)}; a classification target must be strings, integers or booleans.`,
    { column: target },
  );
}

/** Numbers ascending, strings by code unit, false before true: a stable order on every machine. */
export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function firstNull(codes: Int32Array): number {
  for (let i = 0; i < codes.length; i++) if (codes[i] === -1) return i;
  return -1;
}

export interface DiscoveredLabels {
  classes: ClassLabel[];
  y: Int32Array;
}

/** The label among `classes` that `chosen` names: the same value, or the same text ("1" names 1, "true" names true). */
export function findClass(classes: readonly ClassLabel[], chosen: ClassLabel): ClassLabel | undefined {
  return classes.find((c) => c === chosen) ?? classes.find((c) => String(c) === String(chosen));
}

/**
 * Finds the class set of a training target and encodes it; rejects targets that are not a
 * classification task. Classes are sorted; a chosen positive class of a binary target goes last
 * (classes[1] is the positive class everywhere downstream).
 */
export function discoverClasses(table: Table, target: string, task?: 'binary' | 'multiclass', positiveClass?: ClassLabel): DiscoveredLabels {
  const coded = readLabels(table, target);
  const nullRow = firstNull(coded.codes);
  if (nullRow >= 0) {
    throw new TrainingError('HOKUSAI_LABEL_NULL', `The target column "${target}" is null at row ${nullRow}. Drop or fill unlabeled rows before training.`, { column: target, row: nullRow });
  }
  const order = classOrder(coded, target, table.numRows, task, positiveClass);
  const rank = new Int32Array(order.length);
  order.forEach((codeIndex, r) => (rank[codeIndex] = r));
  const y = new Int32Array(coded.codes.length);
  for (let i = 0; i < y.length; i++) y[i] = rank[coded.codes[i] as number] as number;
  return { classes: order.map((i) => coded.distinct[i] as ClassLabel), y };
}

/**
 * The classes of a target read in batches (one pass), with the checks and the order of
 * discoverClasses on the whole column; rows are numbered from the first batch's first row.
 */
export async function discoverClassesOverBatches(batches: AsyncIterable<Table>, target: string, task?: 'binary' | 'multiclass', positiveClass?: ClassLabel): Promise<ClassLabel[]> {
  const distinct: ClassLabel[] = [];
  const seen = new Set<ClassLabel>();
  let kind: CodedLabels['kind'] | undefined;
  let rows = 0;
  for await (const batch of batches) {
    const coded = readLabels(batch, target);
    const nullRow = firstNull(coded.codes);
    if (nullRow >= 0) {
      throw new TrainingError('HOKUSAI_LABEL_NULL', `The target column "${target}" is null at row ${rows + nullRow}. Drop or fill unlabeled rows before training.`, { column: target, row: rows + nullRow });
    }
    if (kind !== undefined && kind !== coded.kind) {
      throw new TrainingError('HOKUSAI_LABEL_TYPE_MISMATCH', `The target column "${target}" holds ${kind} labels in one batch and ${coded.kind} labels in another (from row ${rows}).`, { column: target, row: rows });
    }
    kind = coded.kind;
    for (const label of coded.distinct) {
      if (seen.has(label)) continue;
      seen.add(label);
      distinct.push(label);
    }
    rows += batch.numRows;
  }
  const order = classOrder({ kind: kind ?? 'string', distinct, codes: new Int32Array(0) }, target, rows, task, positiveClass);
  return order.map((i) => distinct[i] as ClassLabel);
}

/** Indexes into coded.distinct in class order, after the checks every classification target passes. */
function classOrder(coded: CodedLabels, target: string, rows: number, task: 'binary' | 'multiclass' | undefined, positiveClass: ClassLabel | undefined): number[] {
  if (coded.kind === 'number') {
    const nonInteger = coded.distinct.find((v) => !Number.isInteger(v));
    if (nonInteger !== undefined) {
      throw new TrainingError(
        'HOKUSAI_LABEL_TYPE_MISMATCH',
        `The target column "${target}" holds the non-integer value ${labelText(nonInteger)}; this looks like a regression target but the task is classification. Use class labels (integers, strings or booleans).`,
        { column: target },
      );
    }
  }
  if (coded.distinct.length < 2) {
    throw new TrainingError(
      'HOKUSAI_SINGLE_CLASS',
      `The target column "${target}" has a single class (${labelText(coded.distinct[0])}) in ${rows} rows; a classifier needs at least two. Check the target column and the data filter.`,
      { column: target },
    );
  }
  if (task === 'binary' && coded.distinct.length !== 2) {
    throw new TrainingError(
      'HOKUSAI_LABEL_TYPE_MISMATCH',
      `The task is binary but the target column "${target}" has ${coded.distinct.length} classes. Declare a multiclass task or fix the target.`,
      { column: target },
    );
  }
  const order = coded.distinct.map((_, i) => i).sort((a, b) => compareLabels(coded.distinct[a] as ClassLabel, coded.distinct[b] as ClassLabel));
  if (positiveClass !== undefined) {
    const sorted = order.map((i) => coded.distinct[i] as ClassLabel);
    const chosen = findClass(sorted, positiveClass);
    if (coded.distinct.length !== 2 || chosen === undefined) {
      throw new TrainingError(
        'HOKUSAI_TRAINING_INVALID_OPTIONS',
        coded.distinct.length !== 2
          ? `A positive class (${labelText(positiveClass)}) applies to a binary target, but "${target}" has ${coded.distinct.length} classes.`
          : `The positive class ${labelText(positiveClass)} is not a label of the target column "${target}" (its labels: ${sorted.map(labelText).join(', ')}).`,
        { column: target },
      );
    }
    if (sorted[0] === chosen) order.reverse();
  }
  return order;
}

/** Labels of `target` as indexes into `classes`; a null or a label outside `classes` is a typed error. */
export function encodeLabels(table: Table, target: string, classes: ClassLabel[]): Int32Array {
  const coded = readLabels(table, target);
  const lookup = new Int32Array(coded.distinct.length);
  coded.distinct.forEach((label, code) => {
    const at = classes.findIndex((c) => c === label);
    if (at < 0) {
      const typeHint = classes.length > 0 && typeof classes[0] !== typeof label ? ` The model's classes are ${typeof classes[0]}s but the column holds ${typeof label}s.` : '';
      throw new TrainingError(
        typeHint === '' ? 'HOKUSAI_LABEL_UNSEEN' : 'HOKUSAI_LABEL_TYPE_MISMATCH',
        `The target column "${target}" holds the label ${labelText(label)} (first at row ${coded.codes.indexOf(code)}) which is not one of the model's classes ${classes.length <= 20 ? classes.map(labelText).join(', ') : `(${classes.length} classes)`}.${typeHint} Train on data that covers every label or filter the rows.`,
        { column: target },
      );
    }
    lookup[code] = at;
  });
  const out = new Int32Array(coded.codes.length);
  for (let i = 0; i < out.length; i++) {
    const c = coded.codes[i] as number;
    if (c < 0) {
      throw new TrainingError('HOKUSAI_LABEL_NULL', `The target column "${target}" is null at row ${i}. Every scored row needs a label.`, { column: target, row: i });
    }
    out[i] = lookup[c] as number;
  }
  return out;
}
