import { describe, expect, it } from 'vitest';
// The package as its users get it (dist), with the documented example family registered.
import { loadOnnxModel, registerModel, registeredModels, trainModel, TrainingError } from '@hokusai/training';
import { nearestCentroid } from '../examples/nearest-centroid-model.js';
import { syntheticTable } from './synthetic-table.js';

describe('custom model registry', () => {
  it('trains a registered family selected by name and exports it with the featurization to ONNX', async () => {
    expect(registeredModels()).toContain('nearest_centroid');
    const train = syntheticTable({ rows: 1500, seed: 51 });
    const test = syntheticTable({ rows: 400, seed: 52, nullRate: 0.1 });
    const model = await trainModel(train, { target: 'churned', seed: 1, family: 'nearest_centroid', params: { temperature: 4 } });
    expect(model.metadata.family).toBe('nearest_centroid');
    expect(model.metadata.params).toEqual({ temperature: 4 });
    const p = model.predictProba(test);
    const y = test.getChild('churned')!.toArray() as Int32Array;
    let right = 0;
    for (let i = 0; i < y.length; i++) if (((p[i * 2 + 1] as number) > 0.5 ? 1 : 0) === y[i]) right++;
    expect(right / y.length).toBeGreaterThan(0.6);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const q = await onnx.predictProba(test);
      let m = 0;
      for (let i = 0; i < p.length; i++) m = Math.max(m, Math.abs((p[i] as number) - (q[i] as number)));
      expect(m).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('refuses to silently replace a registered family or accept a malformed name', () => {
    expect(() => registerModel('nearest_centroid', () => nearestCentroid)).toThrow(TrainingError);
    expect(() => registerModel('Bad Name', () => nearestCentroid)).toThrow(TrainingError);
    registerModel('nearest_centroid', () => nearestCentroid, { replace: true });
  });
});
