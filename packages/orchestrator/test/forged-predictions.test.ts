import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAttestation, sha256Hex, writeAttestation, type Attestation, type AttestationInput } from '@hokusai/attestation';
import { binaryMetrics } from '@hokusai/evaluation';
import { PipelineConfigSchema, buildReportDocument, decodePredictions, encodePredictions, predictedBits, runPipeline, verifyRun } from '../src/index.js';
import { reportJsonText } from '../src/flow/report-document.js';
import { deltaFor } from '../src/flow/steps/delta-step.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

const failing = (v: { checks: { name: string; ok: boolean }[] }): string[] => v.checks.filter((c) => !c.ok).map((c) => c.name);

/**
 * The "re-proved predictions" forgery, made with the project's own functions: wrong rows of the
 * new model flipped to right in predictions.json, then metrics, delta, report and attestation
 * rebuilt and re-proved under the shipped key. Every hash and the proof are consistent, so only
 * re-running the models on the benchmark can catch it.
 */
async function forgeNewModelScores(dir: string, flips: number): Promise<number> {
  const predictions = decodePredictions(new Uint8Array(await readFile(join(dir, 'predictions.json'))), 'predictions.json');
  const { threshold } = predictions.file;
  let flipped = 0;
  const newScores = Float64Array.from(predictions.newScores);
  for (let i = 0; i < newScores.length && flipped < flips; i++) {
    const label = predictions.labels[i] as number;
    if (((newScores[i] as number) >= threshold ? 1 : 0) !== label) {
      newScores[i] = label === 1 ? 0.99 : 0.01;
      flipped++;
    }
  }
  const predictionsBytes = encodePredictions({ labels: predictions.labels, baselineScores: predictions.baselineScores, newScores, positiveClass: predictions.file.positive_class, threshold, strata: predictions.file.strata });
  await writeFile(join(dir, 'predictions.json'), predictionsBytes);

  const old = JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as Attestation;
  const body = old.body;
  const config = body.config as { seed: number; delta: unknown };
  const newMetrics = binaryMetrics(predictions.labels, newScores, { threshold });
  const delta = deltaFor(
    { labels: predictions.labels, baselineScores: predictions.baselineScores, newScores },
    { config: PipelineConfigSchema.parse({ base: '-', contributed: '-', benchmark: '-', target: '-', out: '-', seed: config.seed, delta: config.delta }) },
  );
  const input: AttestationInput = {
    run_id: body.run_id,
    pipeline_version: body.pipeline_version,
    inputs: body.inputs,
    config: body.config,
    models: body.models,
    results: { ...body.results, new_metrics: newMetrics, delta },
    files: { ...body.files, 'predictions.json': sha256Hex(predictionsBytes) },
    ...(body.publication === null ? {} : { publication: body.publication }),
    predictions: { labels: Uint8Array.from(predictions.labels), baseline: predictedBits(predictions.baselineScores, threshold), new: predictedBits(newScores, threshold) },
  };
  const built = await buildAttestation(input, { circuitN: body.predictions!.circuit_n });
  await writeAttestation(dir, built);
  const document = buildReportDocument({
    runId: body.run_id,
    delta,
    baselineMetrics: body.results.baseline_metrics as never,
    newMetrics,
    predictions: { labels: predictions.labels, baselineScores: predictions.baselineScores, newScores, strata: predictions.file.strata },
    dataReport: JSON.parse(await readFile(join(dir, 'data_report.json'), 'utf8')) as unknown,
    featurePlan: (body.results as { feature_plan?: unknown }).feature_plan,
    merkleRoot: built.attestation.merkle_root,
    bodySha256: built.attestation.body_sha256,
    proved: true,
    attestationBody: built.attestation.body,
    dataProfile: JSON.parse(await readFile(join(dir, 'data_profile.json'), 'utf8')) as unknown,
  });
  await writeFile(join(dir, 'report.json'), reportJsonText(document));
  return flipped;
}

describe('verify --benchmark', () => {
  let out: string;
  const benchmark = join(QUICKSTART, 'benchmark.csv');

  beforeAll(async () => {
    out = join(await mkdtemp(join(tmpdir(), 'hokusai-forged-')), 'out');
    await runPipeline(quickstartConfig(out, { delta: { bootstrapResamples: 200 }, proof: { enabled: true } }), { store: join(out, '..', 'store') });
  }, 300_000);

  it('re-runs both ONNX models on the benchmark and agrees with an honest run', async () => {
    const verification = await verifyRun(out, { benchmark, requireProof: true });
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
    expect(proof.insecure_setup).toBe(attested.body.predictions.setup.insecure);
    expect(proof.setup_note).toBe(attested.body.predictions.setup.note);
  });

  it('refuses a benchmark file that is not the attested one', async () => {
    const verification = await verifyRun(out, { benchmark: join(QUICKSTART, 'contributed.csv') });
    expect(failing(verification)).toEqual(['benchmark re-run']);
    expect(verification.checks.find((c) => c.name === 'benchmark re-run')?.detail).toMatch(/content hash .* the attested benchmark/);
  });

  it('catches re-proved predictions that the model does not give, which pass without the benchmark', async () => {
    expect(await forgeNewModelScores(out, 40)).toBe(40);
    // Every hash, the Merkle root, the proof under the pinned key, metrics, delta and report are consistent...
    expect(failing(await verifyRun(out))).toEqual([]);
    // ...but model.onnx does not give those scores.
    const verification = await verifyRun(out, { benchmark });
    expect(failing(verification)).toEqual(['benchmark re-run']);
    expect(verification.checks.find((c) => c.name === 'benchmark re-run')?.detail).toMatch(/model\.onnx: 40 row\(s\) with another label than predictions\.json/);
  }, 120_000);
});
