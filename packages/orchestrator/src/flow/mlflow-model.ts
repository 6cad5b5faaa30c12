import { readFile } from 'node:fs/promises';
import { DataType, type Table } from 'apache-arrow';
import { writeOnnxModelFolder, type OnnxColumnInput } from '@hokusai/tracking';
import { loadOnnxModel } from '@hokusai/training';

/** Rows of the benchmark kept as the model folder's input example. */
export const EXAMPLE_ROWS = 5;

/**
 * Writes an MLflow model folder for one of the run's ONNX models: the signature is the model's
 * own inputs (one column each, float or string, as the featurizer built them) and the input
 * example is the treated benchmark's first rows (`example`, up to EXAMPLE_ROWS) of those columns:
 * PII columns are never model inputs (integration omits them) and PII inside free text is
 * treated, so the example holds none. Returns false for a model that takes one feature matrix
 * (a supplied baseline): it has no per-column signature to describe.
 */
export async function writeRunModelFolder(input: { onnxPath: string; example: Table; dir: string }): Promise<boolean> {
  const onnx = new Uint8Array(await readFile(input.onnxPath));
  const model = await loadOnnxModel(onnx);
  let inputs: OnnxColumnInput[];
  try {
    if (model.inputs.some((i) => i.columns !== undefined)) return false;
    inputs = model.inputs.map((i) => ({ name: i.name, type: i.type }));
  } finally {
    await model.close();
  }
  const table = input.example;
  const rows = Math.min(EXAMPLE_ROWS, table.numRows);
  const example: Array<Array<number | string | null>> = [];
  for (let r = 0; r < rows; r++) {
    example.push(
      inputs.map((i) => {
        const value: unknown = table.getChild(i.name)?.get(r);
        if (value === null || value === undefined) return null;
        if (i.type === 'string') return String(value);
        // A date column feeds the model as whole days since 1970-01-01 (the featurizer's date input).
        const type = table.getChild(i.name)?.type;
        const n = type !== undefined && (DataType.isTimestamp(type) || DataType.isDate(type)) ? Math.floor(Number(value) / 86_400_000) : Number(value);
        return Number.isFinite(n) ? n : null;
      }),
    );
  }
  await writeOnnxModelFolder(input.dir, { onnx, inputs, ...(example.length > 0 ? { inputExample: example } : {}) });
  return true;
}
