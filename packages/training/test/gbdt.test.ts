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

function logLoss(p: Float64Array, k: number, y: Int32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(p[i * k + (y[i] as number)] as number, 1e-15));
  return s / y.length;
}

describe('gradient-boosted trees', () => {
  const train = syntheticTable({ rows: 3000, seed: 21, nullRate: 0.05 });
  const test = syntheticTable({ rows: 1000, seed: 22, nullRate: 0.05 });
  const yTest = test.getChild('churned')!.toArray() as Int32Array;
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('beats the base rate on held-out rows and matches onnxruntime (TreeEnsembleRegressor) to 1e-5', async () => {
    const model = await trainModel(train, { target: 'churned', seed: 1, family: 'gbdt', params: { nTrees: 30, maxDepth: 4 } });
    expect(model.metadata.family).toBe('gbdt');
    const p = model.predictProba(test);
    let pos = 0;
    for (const v of yTest) pos += v;
    const rate = pos / yTest.length;
    const baseLoss = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
    expect(logLoss(p, 2, yTest)).toBeLessThan(baseLoss * 0.85);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      expect(maxAbsDiff(p, await onnx.predictProba(test))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('handles multiclass targets in and out of ONNX', async () => {
    const t3 = syntheticTable({ rows: 2000, seed: 23, classes: 3 });
    const model = await trainModel(t3, { target: 'churned', seed: 1, family: 'gbdt', params: { nTrees: 10, maxDepth: 3 } });
    expect(model.metadata.classes).toEqual([0, 1, 2]);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      expect(maxAbsDiff(model.predictProba(t3), await onnx.predictProba(t3))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('is deterministic with row subsampling for a given seed, and the seed matters', async () => {
    const opts = { target: 'churned', family: 'gbdt', params: { nTrees: 8, maxDepth: 3, subsample: 0.7 } };
    const a = await trainModel(train, { ...opts, seed: 5 });
    const b = await trainModel(train, { ...opts, seed: 5 });
    const c = await trainModel(train, { ...opts, seed: 6 });
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(Buffer.from(a.onnx).equals(Buffer.from(c.onnx))).toBe(false);
  });

  it('resumes a killed run from its last checkpoint and ends with the same model, pruning old checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-gbdt-ckpt-'));
    dirs.push(dir);
    const params = { nTrees: 12, maxDepth: 3, subsample: 0.8 };
    const options = { target: 'churned', seed: 9, family: 'gbdt', params };
    const whole = await trainModel(train, options);

    const files = await fileCheckpoints({ dir, every: 3, keep: 2 }, 'run-a');
    // The first run is killed right after its round-6 checkpoint reaches the disk.
    const killing: CheckpointSink = {
      ...files,
      async save(step, state) {
        await files.save(step, state);
        if (step === 6) throw new Error('killed');
      },
    };
    await expect(trainModel(train, options, { checkpoints: killing })).rejects.toThrow('killed');
    expect(readdirSync(dir).sort()).toEqual(['ckpt-run-a-00000003.bin', 'ckpt-run-a-00000006.bin']);

    let resumedFrom = -1;
    const watching: CheckpointSink = {
      ...files,
      async latest() {
        const l = await files.latest();
        resumedFrom = l?.step ?? 0;
        return l;
      },
    };
    const resumed = await trainModel(train, options, { checkpoints: watching });
    expect(resumedFrom).toBe(6);
    expect(Buffer.from(resumed.onnx).equals(Buffer.from(whole.onnx))).toBe(true);
    // Round 9 was saved by the resumed run and round 3 pruned.
    expect(readdirSync(dir).sort()).toEqual(['ckpt-run-a-00000006.bin', 'ckpt-run-a-00000009.bin']);
  });

  it('checkpoints through params.checkpoint without changing the model bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hokusai-gbdt-ckpt-'));
    dirs.push(dir);
    const params = { nTrees: 10, maxDepth: 3 };
    const plain = await trainModel(train, { target: 'churned', seed: 4, family: 'gbdt', params });
    const withCkpt = await trainModel(train, { target: 'churned', seed: 4, family: 'gbdt', params: { ...params, checkpoint: { dir, every: 2, keep: 1 } } });
    expect(Buffer.from(withCkpt.onnx).equals(Buffer.from(plain.onnx))).toBe(true);
    expect(withCkpt.metadata.params).not.toHaveProperty('checkpoint');
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
  });
});
