import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/index.js';
import { inferenceStatementSha256 } from '@hokusai/attestation';
import { inferenceRequested, proveRunInference } from '../src/flow/run-inference-proof.js';

const minimal = { base: 'b.csv', contributed: 'c.csv', benchmark: 'k.csv', target: 'y', out: 'out' };
// An ONNX file without Hokusai metadata (an empty model): outside the linear family the circuit holds.
const foreign = { baselineOnnx: new Uint8Array(0), modelOnnx: new Uint8Array(0), table: { x: [1, 2] }, labels: [0, 1], baselineScores: [0.2, 0.7], newScores: [0.1, 0.9], threshold: 0.5 };

describe('the inference proof a run makes', () => {
  it('is attempted when the proof is on and proof.inference is auto or true', () => {
    expect(inferenceRequested(parseConfig(minimal))).toBe(true);
    expect(inferenceRequested(parseConfig({ ...minimal, proof: { inference: true } }))).toBe(true);
    expect(inferenceRequested(parseConfig({ ...minimal, proof: { inference: false } }))).toBe(false);
    expect(inferenceRequested(parseConfig({ ...minimal, proof: { enabled: false } }))).toBe(false);
  });

  it('with auto, records plainly why models outside the linear family are not proven', async () => {
    const made = await proveRunInference(parseConfig(minimal), foreign);
    expect(made.file).toMatchObject({ status: 'not_proven' });
    expect(made.attested).toEqual({ status: 'not_proven', reason: 'inference not proven for a model without Hokusai metadata: the circuit covers the linear family (logistic_regression) only', benchmark_commitment: null, registered: null, statement_sha256: inferenceStatementSha256(made.file) });
  });

  it('with true, fails such a run with a typed input error saying why and what to set instead', async () => {
    const error = await proveRunInference(parseConfig({ ...minimal, proof: { inference: true } }), foreign).then(
      () => undefined,
      (e: unknown) => e as { code?: string; kind?: string; message: string },
    );
    expect(error).toMatchObject({ code: 'HOKUSAI_INFERENCE_NOT_PROVABLE', kind: 'input' });
    expect(error?.message).toMatch(/proof\.inference is true \(--prove-inference\) but inference not proven for a model without Hokusai metadata.*Use proof\.inference "auto"/);
  });
});
