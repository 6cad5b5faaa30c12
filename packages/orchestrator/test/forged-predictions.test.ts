import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, verifyRun } from '../src/index.js';
import { forgeNewModelScores } from './fixtures/forge-predictions.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

const failing = (v: { checks: { name: string; ok: boolean }[] }): string[] => v.checks.filter((c) => !c.ok).map((c) => c.name);

// The full 1,000-row benchmark with the counting proof and the inference proof turned off (it is
// proven in inference-proof.test.ts on a small benchmark), so a forger has no inference proof to drop.
describe('verify --benchmark', () => {
  let out: string;
  const benchmark = join(QUICKSTART, 'benchmark.csv');

  beforeAll(async () => {
    out = join(await mkdtemp(join(tmpdir(), 'hokusai-forged-')), 'out');
    await runPipeline(quickstartConfig(out, { delta: { bootstrapResamples: 200 }, proof: { enabled: true, inference: false } }), { store: join(out, '..', 'store') });
  }, 300_000);

  it('re-runs both ONNX models on the benchmark and agrees with an honest run', async () => {
    const verification = await verifyRun(out, { benchmark, requireProof: true, allowUnprovenInference: true });
    expect(failing(verification)).toEqual([]);
    expect(verification.checks.find((c) => c.name === 'benchmark re-run')?.detail).toMatch(/both models re-run on 1000 rows/);
  });

  it('says in report.json what the proof covers, and flags the development setup the attestation records', async () => {
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { context: { proof: { system: string; circuit: { name: string } | null; covers: string[]; does_not_cover: string[]; insecure_setup: boolean; setup_note: string | null } } };
    const attested = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { predictions: { setup: { insecure: boolean; note: string } } } };
    const proof = report.context.proof;
    expect(proof.system).toBe('groth16');
    expect(proof.circuit?.name).toBe('hokusai_accuracy');
    expect(proof.covers.join(' ')).toMatch(/correct-prediction counts on the 1000 benchmark rows/);
    expect(proof.does_not_cover.join(' ')).toMatch(/the inference is not proved/);
    expect(proof.does_not_cover.join(' ')).toMatch(/The inference proof was turned off for this run \(proof\.inference: false/);
    expect(proof.insecure_setup).toBe(attested.body.predictions.setup.insecure);
    expect(proof.setup_note).toBe(attested.body.predictions.setup.note);
  });

  it('refuses a benchmark file that is not the attested one', async () => {
    const verification = await verifyRun(out, { benchmark: join(QUICKSTART, 'contributed.csv'), allowUnprovenInference: true });
    expect(failing(verification)).toEqual(['benchmark re-run']);
    expect(verification.checks.find((c) => c.name === 'benchmark re-run')?.detail).toMatch(/content hash .* the attested benchmark/);
  });

  it('fails re-proved predictions that the model does not give without any flag (linear models, no inference proof), and --benchmark names the rows', async () => {
    expect(await forgeNewModelScores(out, 40)).toBe(40);
    // Every hash, the Merkle root, the proof under the pinned key, metrics, delta and report are consistent...
    const plain = await verifyRun(out);
    expect(failing(plain)).toEqual(['inference proof expected']);
    expect(plain.checks.find((c) => c.name === 'inference proof expected')?.detail).toMatch(/no inference_proof\.json.*both models are linear and the counts are proven/);
    // ...so only the missing inference proof, or re-running the models, tells.
    expect(failing(await verifyRun(out, { allowUnprovenInference: true }))).toEqual([]);
    const verification = await verifyRun(out, { benchmark, allowUnprovenInference: true });
    expect(failing(verification)).toEqual(['benchmark re-run']);
    expect(verification.checks.find((c) => c.name === 'benchmark re-run')?.detail).toMatch(/model\.onnx: 40 row\(s\) with another label than predictions\.json/);
  }, 120_000);
});
