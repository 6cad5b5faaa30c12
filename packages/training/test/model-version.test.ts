import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelVersion, TrainingError } from '../src/index.js';

describe('modelVersion', () => {
  const onnx = new TextEncoder().encode('pretend onnx bytes');
  const hash = 'a'.repeat(64);
  const base = { semver: '1.2.0', dataManifestHashes: [hash, 'b'.repeat(64)], config: { model: { family: 'gbdt', params: { nTrees: 10 } }, seed: 1 }, seed: 1, backend: 'typed-array' };

  it('combines the SHA-256 of the ONNX bytes with the semver and the training metadata', () => {
    const v = modelVersion(onnx, base);
    const sha = createHash('sha256').update(onnx).digest('hex');
    expect(v.onnxSha256).toBe(sha);
    expect(v.id).toBe(`1.2.0+sha256.${sha.slice(0, 12)}`);
    expect(v.training.seed).toBe(1);
    expect(v.training.backend).toBe('typed-array');
    expect(v.training.configHash).toMatch(/^[a-f0-9]{64}$/);
  });

  it('hashes the config independently of key order and changes with any value', () => {
    const a = modelVersion(onnx, base);
    const reordered = modelVersion(onnx, { ...base, config: { seed: 1, model: { params: { nTrees: 10 }, family: 'gbdt' } }, dataManifestHashes: ['b'.repeat(64), hash] });
    expect(reordered).toEqual(a);
    const changed = modelVersion(onnx, { ...base, config: { ...base.config, seed: 2 } });
    expect(changed.training.configHash).not.toBe(a.training.configHash);
  });

  it('rejects a malformed semver or manifest hash', () => {
    expect(() => modelVersion(onnx, { ...base, semver: 'v1' })).toThrow(TrainingError);
    expect(() => modelVersion(onnx, { ...base, dataManifestHashes: ['xyz'] })).toThrow(TrainingError);
  });
});
