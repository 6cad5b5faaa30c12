import { readFileSync } from 'node:fs';
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { TrainingError } from '../src/index.js';
import { loadOnnxModel } from '../src/index.js';

// Fixtures made by scikit-learn + skl2onnx (test/fixtures/make_sklearn_baselines.py), not by this package.
const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);
const expected = JSON.parse(readFileSync(fixture('sklearn-expected.json'), 'utf8')) as { lr: number[][]; gbdt3: number[][]; gbdt3_classes: number[] };
const lines = readFileSync(fixture('sklearn-rows.csv'), 'utf8').trim().split('\n').slice(1);
const cells = lines.map((l) => l.split(',').map(Number));
const rows = tableFromArrays({
  age: Float64Array.from(cells, (c) => c[0] as number),
  tenure: Float64Array.from(cells, (c) => c[1] as number),
  calls: Int32Array.from(cells, (c) => c[2] as number),
  label: Int32Array.from(cells, (c) => c[3] as number),
});

function maxAbsDiff(a: Float64Array, b: number[][]): number {
  const k = (b[0] as number[]).length;
  let m = 0;
  b.forEach((row, i) => row.forEach((v, c) => (m = Math.max(m, Math.abs((a[i * k + c] as number) - v)))));
  return m;
}

describe('external ONNX baselines (skl2onnx exports with one [N, F] float_input)', () => {
  it('scores a LogisticRegression export like scikit-learn does, columns mapped in order', async () => {
    const model = await loadOnnxModel(readFileSync(fixture('sklearn-lr.onnx')), { featureColumns: ['age', 'tenure', 'calls'] });
    try {
      expect(model.inputs).toEqual([{ name: 'float_input', type: 'float', columns: ['age', 'tenure', 'calls'] }]);
      expect(model.classes).toEqual([0, 1]);
      model.checkInputs(rows);
      expect(maxAbsDiff(await model.predictProba(rows), expected.lr)).toBeLessThan(1e-5);
    } finally {
      await model.close();
    }
  });

  it('reads class labels from a TreeEnsembleClassifier and scores a multiclass export', async () => {
    const model = await loadOnnxModel(readFileSync(fixture('sklearn-gbdt3.onnx')), { featureColumns: ['age', 'tenure', 'calls'] });
    try {
      expect(model.classes).toEqual(expected.gbdt3_classes);
      expect(maxAbsDiff(await model.predictProba(rows), expected.gbdt3)).toBeLessThan(1e-5);
    } finally {
      await model.close();
    }
  });

  it('explains what is missing when the matrix columns are not named or do not fit', async () => {
    const bytes = readFileSync(fixture('sklearn-lr.onnx'));
    await expect(loadOnnxModel(bytes)).rejects.toThrow(/hokusai\.feature_columns/);
    await expect(loadOnnxModel(bytes, { featureColumns: ['age', 'tenure'] })).rejects.toThrow(/3 features but 2/);
    const model = await loadOnnxModel(bytes, { featureColumns: ['age', 'tenure', 'support_calls'] });
    try {
      expect(() => model.checkInputs(rows)).toThrow(expect.objectContaining({ code: 'HOKUSAI_MODEL_INPUT_MISMATCH', message: expect.stringMatching(/"support_calls" is missing/) as string }) as TrainingError);
    } finally {
      await model.close();
    }
  });
});
