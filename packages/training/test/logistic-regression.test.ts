import { describe, expect, it } from 'vitest';
import { loadOnnxModel, trainModel } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function accuracy(proba: Float64Array, k: number, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((proba[i * k + c] as number) > (proba[i * k + best] as number)) best = c;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}

describe('logistic regression', () => {
  const train = syntheticTable({ rows: 4000, seed: 7, nullRate: 0.05 });
  const test = syntheticTable({ rows: 1500, seed: 8, nullRate: 0.05 });
  const labels = test.getChild('churned')!.toArray() as Int32Array;

  it('learns the signal, records its featurization and excludes the id column', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 1 });
    expect(model.metadata.classes).toEqual([0, 1]);
    expect(model.metadata.backend).toBe('typed-array');
    expect(model.metadata.excluded).toEqual([{ name: 'customer_id', reason: 'identifier' }]);
    expect(model.metadata.features.map((f) => `${f.name}:${f.kind}`)).toEqual(['age:numeric', 'income:numeric', 'support_calls:numeric', 'region:categorical', 'plan:categorical']);
    expect(model.metadata.inputs).toContainEqual({ name: 'plan', type: 'string' });
    const proba = model.predictProba(test);
    // The label noise caps accuracy near 0.8 for this generator; a constant guess gets ~0.6.
    expect(accuracy(proba, 2, labels)).toBeGreaterThan(0.72);
    for (let i = 0; i < test.numRows; i++) expect((proba[i * 2] as number) + (proba[i * 2 + 1] as number)).toBeCloseTo(1, 12);
  });

  it('gives the same probabilities in process and in onnxruntime, nulls and unseen categories included', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 1, exclude: ['customer_id'] });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      expect(onnx.classes).toEqual([0, 1]);
      expect(onnx.target).toBe('churned');
      expect(maxAbsDiff(model.predictProba(test), await onnx.predictProba(test))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('is deterministic: the same data and seed give the same ONNX bytes', async () => {
    const a = await trainModel(train, { target: 'churned', seed: 3 });
    const b = await trainModel(train, { target: 'churned', seed: 3 });
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
  });

  it('a stronger L2 penalty shrinks the predictions toward the base rate', async () => {
    const loose = await trainModel(train, { target: 'churned', seed: 1, params: { l2: 1e-6 } });
    const tight = await trainModel(train, { target: 'churned', seed: 1, params: { l2: 1 } });
    const spread = (p: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < p.length; i += 2) s += Math.abs((p[i + 1] as number) - 0.5);
      return s;
    };
    expect(spread(tight.predictProba(test))).toBeLessThan(spread(loose.predictProba(test)) * 0.7);
    expect(tight.metadata.params).toMatchObject({ l2: 1 });
  });

  it('balanced class weights raise the predicted rate of the minority class', async () => {
    const plain = await trainModel(train, { target: 'churned', seed: 1 });
    const balanced = await trainModel(train, { target: 'churned', seed: 1, params: { classWeight: 'balanced' } });
    const mean = (p: Float64Array, c: number): number => {
      let s = 0;
      for (let i = c; i < p.length; i += 2) s += p[i] as number;
      return s / (p.length / 2);
    };
    const pos = mean(plain.predictProba(train), 1);
    const minority = pos < 0.5 ? 1 : 0;
    expect(mean(balanced.predictProba(train), minority)).toBeGreaterThan(mean(plain.predictProba(train), minority) + 0.02);
  });

  it('fits a multiclass softmax that onnxruntime reproduces', async () => {
    const train3 = syntheticTable({ rows: 3000, seed: 11, classes: 3 });
    const test3 = syntheticTable({ rows: 800, seed: 12, classes: 3 });
    const model = await trainModel(train3, { target: 'churned', seed: 1 });
    expect(model.metadata.classes).toEqual([0, 1, 2]);
    const proba = model.predictProba(test3);
    expect(accuracy(proba, 3, test3.getChild('churned')!.toArray() as Int32Array)).toBeGreaterThan(0.75);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      expect(maxAbsDiff(proba, await onnx.predictProba(test3))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });
});
