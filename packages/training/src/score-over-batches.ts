import type { Table } from 'apache-arrow';
import { TrainingError } from './errors.js';
import { encodeLabels, type ClassLabel } from './labels.js';
import type { OnnxModel } from './onnx-model.js';

export interface BatchScores {
  /** Rows scored, in the order the batches came. */
  rows: number;
  /** n x k class probabilities, row-major (k = model.classes.length). */
  proba: Float64Array;
  /** Class index of each row's label, when a target was given (else empty). */
  labels: Int32Array;
}

/**
 * Scores a table read in batches through onnxruntime, one batch at a time, keeping only the
 * probabilities (and the labels): 8·k bytes per row, so a benchmark of millions of rows is scored
 * without holding its columns. Each row's scores are those of the whole table scored at once.
 */
export async function scoreOverBatches(model: OnnxModel, batches: AsyncIterable<Table>, options: { target?: string } = {}): Promise<BatchScores> {
  const k = model.classes.length;
  const probaParts: Float64Array[] = [];
  const labelParts: Int32Array[] = [];
  let rows = 0;
  for await (const batch of batches) {
    model.checkInputs(batch);
    probaParts.push(await model.predictProba(batch));
    if (options.target !== undefined) labelParts.push(labelsAt(batch, options.target, model.classes, rows));
    rows += batch.numRows;
  }
  const proba = new Float64Array(rows * k);
  let at = 0;
  for (const p of probaParts) {
    proba.set(p, at);
    at += p.length;
  }
  const labels = new Int32Array(options.target === undefined ? 0 : rows);
  at = 0;
  for (const l of labelParts) {
    labels.set(l, at);
    at += l.length;
  }
  return { rows, proba, labels };
}

/** encodeLabels of one batch, an error's row counted from the first batch's first row. */
function labelsAt(batch: Table, target: string, classes: ClassLabel[], rowBase: number): Int32Array {
  try {
    return encodeLabels(batch, target, classes);
  } catch (error) {
    if (!(error instanceof TrainingError) || rowBase === 0) throw error;
    const row = error.details['row'];
    const message = error.message.replace(/at row (\d+)/, (_m, r: string) => `at row ${rowBase + Number(r)}`);
    throw new TrainingError(error.code, message, { ...error.details, ...(typeof row === 'number' ? { row: rowBase + row } : {}) });
  }
}
