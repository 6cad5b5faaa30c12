import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileCheckpoints, loadOnnxModel, trainModel, type CheckpointSink } from '../src/index.js';
import { syntheticTable } from './synthetic-table.js';

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('multi-layer perceptron on TensorFlow.js', () => {
  const train = syntheticTable({ rows: 2000, seed: 31 });
  const test = syntheticTable({ rows: 600, seed: 32 });
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const params = { hidden: [16, 8], epochs: 6, batchSize: 128, learningRate: 0.01 };

  it('learns, records the backend it ran on and matches onnxruntime to 1e-5', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 1, family: 'mlp', params });
    expect(['tfjs-node', 'tfjs-wasm', 'tfjs-cpu']).toContain(model.metadata.backend);
    const p = model.predictProba(test);
    const y = test.getChild('churned')!.toArray() as Int32Array;
    let right = 0;
    for (let i = 0; i < y.length; i++) if (((p[i * 2 + 1] as number) > 0.5 ? 1 : 0) === y[i]) right++;
    expect(right / y.length).toBeGreaterThan(0.7);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      expect(maxAbsDiff(p, await onnx.predictProba(test))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('gives the same weights for the same seed and different ones for another seed', async () => {
    const a = await trainModel(train, { target: 'churned', seed: 2, family: 'mlp', params: { ...params, epochs: 2 } });
    const b = await trainModel(train, { target: 'churned', seed: 2, family: 'mlp', params: { ...params, epochs: 2 } });
    const c = await trainModel(train, { target: 'churned', seed: 3, family: 'mlp', params: { ...params, epochs: 2 } });
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(Buffer.from(a.onnx).equals(Buffer.from(c.onnx))).toBe(false);
  });

  it('resumes from an epoch checkpoint (weights and Adam state) to the same model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-mlp-ckpt-'));
    dirs.push(dir);
    const options = { target: 'churned', seed: 4, family: 'mlp', params: { ...params, epochs: 4 } };
    const whole = await trainModel(train, options);
    const files = await fileCheckpoints({ dir, every: 1, keep: 2 }, 'mlp-run');
    const killing: CheckpointSink = {
      ...files,
      async save(step, state) {
        await files.save(step, state);
        if (step === 2) throw new Error('killed');
      },
    };
    await expect(trainModel(train, options, { checkpoints: killing })).rejects.toThrow('killed');
    const resumed = await trainModel(train, options, { checkpoints: files });
    expect(Buffer.from(resumed.onnx).equals(Buffer.from(whole.onnx))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['ckpt-mlp-run-00000002.bin', 'ckpt-mlp-run-00000003.bin']);
  });
});
