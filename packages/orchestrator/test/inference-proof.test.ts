import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAttestation, inferenceStatementSha256, writeAttestation, type Attestation, type AttestationInput, type InferenceProofFile } from '@hokusai/attestation';
import { loadDataset } from '@hokusai/data-integration';
import { BenchmarkRegistry } from '@hokusai/evaluation';
import { inferenceCommitment, runPipeline, verifyRun } from '../src/index.js';
import { buildReportDocument } from '../src/flow/report-document.js';
import { decodePredictions, predictedBits } from '../src/flow/predictions-file.js';
import { reportJsonText } from '../src/flow/report-document.js';
import { checkRunInference, requireInferenceCheck } from '../src/flow/verify-inference.js';
import { forgeNewModelScores } from './fixtures/forge-predictions.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

/** A forger's copy: inference_proof.json dropped, the attestation re-proved and the report rebuilt without it. */
async function dropInferenceProof(dir: string): Promise<void> {
  await rm(join(dir, 'inference_proof.json'));
  const predictions = decodePredictions(new Uint8Array(await readFile(join(dir, 'predictions.json'))), 'predictions.json');
  const { threshold } = predictions.file;
  const body = (JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as Attestation).body;
  const files = Object.fromEntries(Object.entries(body.files).filter(([name]) => name !== 'inference_proof.json'));
  const { inference: _inference, ...results } = body.results as Record<string, unknown>;
  const input: AttestationInput = {
    run_id: body.run_id,
    pipeline_version: body.pipeline_version,
    inputs: body.inputs,
    config: body.config,
    models: body.models,
    results,
    files,
    ...(body.publication === null ? {} : { publication: body.publication }),
    predictions: { labels: Uint8Array.from(predictions.labels), baseline: predictedBits(predictions.baselineScores, threshold), new: predictedBits(predictions.newScores, threshold) },
  };
  const built = await buildAttestation(input, { circuitN: body.predictions!.circuit_n });
  await writeAttestation(dir, built);
  const attested = body.results as { delta: never; baseline_metrics: never; new_metrics: never; feature_plan?: unknown };
  const document = buildReportDocument({
    runId: body.run_id,
    delta: attested.delta,
    baselineMetrics: attested.baseline_metrics,
    newMetrics: attested.new_metrics,
    predictions: { ...predictions, strata: predictions.file.strata },
    dataReport: JSON.parse(await readFile(join(dir, 'data_report.json'), 'utf8')) as unknown,
    featurePlan: attested.feature_plan ?? null,
    merkleRoot: built.attestation.merkle_root,
    bodySha256: built.attestation.body_sha256,
    proved: true,
    attestationBody: built.attestation.body,
    mlflow: null,
    dataProfile: JSON.parse(await readFile(join(dir, 'data_profile.json'), 'utf8')) as unknown,
  });
  await writeFile(join(dir, 'report.json'), reportJsonText(document));
}

const failing = (v: { checks: { name: string; ok: boolean }[] }): string[] => v.checks.filter((c) => !c.ok).map((c) => c.name);
const detail = (v: { checks: { name: string; detail: string }[] }): string => v.checks.find((c) => c.name === 'inference proof')?.detail ?? '';

/** The columns the quickstart's linear models read (customer_id is excluded), in no particular order. */
const MODEL_COLUMNS = ['plan', 'region', 'support_calls', 'monthly_spend', 'tenure_months', 'income', 'age'];

/** Registers the benchmark file as id@1 in a new registry, with the inference commitment B of the given rows. */
async function registerBenchmark(registry: string, id: string, benchmark: string, rowsForB?: number): Promise<string> {
  const { table, manifest } = await loadDataset(benchmark);
  const b = inferenceCommitment(rowsForB === undefined ? table : table.slice(0, rowsForB), 'churned', MODEL_COLUMNS);
  new BenchmarkRegistry(registry).register({ id, version: '1', content_hash: manifest.content_hash, target: 'churned', task: 'binary', rows: manifest.row_count, inference_commitment: b });
  return b.commitment;
}

// The first 30 quickstart benchmark rows (5 chunks), so the inference proof takes seconds. The
// config says nothing about inference: it is proven by default for the linear family.
describe('inference proof in a run (linear family)', { timeout: 600_000 }, () => {
  let work: string;
  let out: string;
  let benchmark: string;
  let registry: string;
  let registeredB: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-inference-'));
    benchmark = join(work, 'benchmark.csv');
    const lines = (await readFile(join(QUICKSTART, 'benchmark.csv'), 'utf8')).trim().split('\n');
    await writeFile(benchmark, `${lines.slice(0, 31).join('\n')}\n`);
    registry = join(work, 'benchmarks.json');
    registeredB = await registerBenchmark(registry, 'churn-small', benchmark);
    out = join(work, 'out');
    await runPipeline(quickstartConfig(out, { benchmark, benchmarkId: 'churn-small@1', benchmarkRegistry: registry, delta: { bootstrapResamples: 50 }, proof: { enabled: true } }), { store: join(work, 'store') });
  }, 600_000);

  it('proves both models\' labels and counts by default and verify checks them against the ONNX files and the benchmark', async () => {
    const file = JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as { status: string; counts: { rows: number }; chunks: unknown[]; mismatch: { baseline: { rows: number[] }; new: { rows: number[] } } };
    expect(file.status).toBe('proven');
    expect(file.counts.rows).toBe(30);
    expect(file.chunks).toHaveLength(5);
    expect([file.mismatch.baseline.rows, file.mismatch.new.rows]).toEqual([[], []]);
    const v = await verifyRun(out, { benchmark, requireProof: true });
    expect(failing(v)).toEqual([]);
    expect(v.proven).toEqual({ counts: true, inference: true });
    expect(detail(v)).toMatch(/5 chunk proofs: both models' labels on all 30 rows .* and the rows of the benchmark file; 0 row\(s\)/);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { context: { proof: { covers: string[]; does_not_cover: string[] } } };
    expect(report.context.proof.covers.join(' ')).toMatch(/Each linear model's hard label \(0\/1\) on each of the 30 benchmark rows .* \(5 chunk proofs/);
    expect(report.context.proof.does_not_cover.join(' ')).not.toMatch(/inference is not proved/);
    // The registry entry whose B the run matched before proving is attested, and the report says so.
    const attestation = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as Attestation;
    expect((attestation.body.results as { inference?: unknown }).inference).toEqual({ status: 'proven', reason: null, benchmark_commitment: registeredB, registered: { id: 'churn-small', version: '1', commitment: registeredB }, statement_sha256: inferenceStatementSha256(file as InferenceProofFile) });
    expect(report.context.proof.covers.join(' ')).toMatch(/the ones registered as churn-small@1: the run found its commitment B equal to the registered one before proving/);
    expect(v.checks.find((c) => c.name === 'inference stated in the attestation')?.detail).toMatch(/B matched the commitment registered for churn-small@1/);
    expect(v.checks.find((c) => c.name === 'inference proof expected')).toMatchObject({ ok: true });
  });

  it('refuses, before proving, a run whose benchmark commitment B is not the registered one, naming both', async () => {
    const otherRegistry = join(work, 'other-benchmarks.json');
    // Registered by its owner over the first 29 rows: the file now has one row more.
    const registered = await registerBenchmark(otherRegistry, 'churn-small', benchmark, 29);
    const units: string[] = [];
    const refused = join(work, 'refused');
    const error = await runPipeline(quickstartConfig(refused, { benchmark, benchmarkId: 'churn-small@1', benchmarkRegistry: otherRegistry, delta: { bootstrapResamples: 50 }, proof: { enabled: true } }), { store: join(work, 'store'), onEvent: (e) => {
        if (e.type === 'progress') units.push(e.unit ?? '');
      } }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; kind?: string; message: string },
    );
    expect(error).toMatchObject({ code: 'HOKUSAI_BENCHMARK_COMMITMENT_MISMATCH', kind: 'input' });
    expect(error?.message).toContain(`B ${registeredB} over the columns the models read (age, income, monthly_spend, support_calls, tenure_months, plan, region)`);
    expect(error?.message).toContain(`churn-small@1 is registered in ${otherRegistry} with B ${registered}`);
    expect(units).not.toContain('inference chunks');
    expect(existsSync(join(refused, 'attestation.json'))).toBe(false);
  });

  it('attests the same body and Merkle root on a second run, though its randomized proofs differ', async () => {
    const again = join(work, 'again');
    await runPipeline(quickstartConfig(again, { benchmark, benchmarkId: 'churn-small@1', benchmarkRegistry: registry, delta: { bootstrapResamples: 50 }, proof: { enabled: true } }), { store: join(work, 'store-again') });
    const read = async (dir: string): Promise<{ body: { files: Record<string, string>; results: { inference: { statement_sha256: string } } }; merkle_root: string }> => JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as never;
    const [first, second] = [await read(out), await read(again)];
    expect(await readFile(join(again, 'inference_proof.json'), 'utf8')).not.toBe(await readFile(join(out, 'inference_proof.json'), 'utf8'));
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    expect(second.merkle_root).toBe(first.merkle_root);
    expect(first.body.files['inference_proof.json']).toBeUndefined();
    expect(first.body.results.inference.statement_sha256).toBe(inferenceStatementSha256(JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as InferenceProofFile));
    // The other run's proofs, valid for the same statement, pass verify in this folder.
    const swapped = join(work, 'proofs-of-the-other-run');
    await cp(out, swapped, { recursive: true });
    await cp(join(again, 'inference_proof.json'), join(swapped, 'inference_proof.json'));
    expect(failing(await verifyRun(swapped))).toEqual([]);
  });

  it('fails an inference_proof.json whose statement is not the attested one', async () => {
    const edited = join(work, 'edited-statement');
    await cp(out, edited, { recursive: true });
    const file = JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as { mismatch: { new: { rows: number[] } } };
    file.mismatch.new.rows = [3];
    await writeFile(join(edited, 'inference_proof.json'), JSON.stringify(file));
    const v = await verifyRun(edited);
    expect(failing(v)).toContain('inference stated in the attestation');
    expect(v.checks.find((c) => c.name === 'inference stated in the attestation')?.detail).toMatch(/states something else than the attestation/);
  });

  it('fails re-proved predictions with inference_proof.json dropped, without any flag', async () => {
    const forged = join(work, 'forged');
    await cp(out, forged, { recursive: true });
    expect(await forgeNewModelScores(forged, 40)).toBeGreaterThan(0);
    const plain = await verifyRun(forged);
    expect(failing(plain)).toEqual(['inference proof expected']);
    expect(failing(await verifyRun(forged, { allowUnprovenInference: true }))).toEqual([]);
  });

  it('with requireInference, passes the proven folder and fails one without inference_proof.json or with a partial proof', async () => {
    const required = await verifyRun(out, { requireInference: true });
    expect(failing(required)).toEqual([]);
    expect(required.checks.find((c) => c.name === 'inference proof required')?.detail).toMatch(/all 30 benchmark rows/);
    // A forger who rebuilds the attestation without the file: only the required check can notice.
    const missing = join(work, 'no-inference');
    await cp(out, missing, { recursive: true });
    await dropInferenceProof(missing);
    // By default verify expects the proof of two linear models whose counts are proven...
    expect(failing(await verifyRun(missing))).toEqual(['inference proof expected']);
    // ...and accepts the folder only when told to, saying inference is not proven.
    const lenient = await verifyRun(missing, { allowUnprovenInference: true });
    expect(failing(lenient)).toEqual([]);
    expect(lenient.proven).toEqual({ counts: true, inference: false });
    expect(detail(lenient)).toMatch(/inference not proven \(no inference_proof\.json\): the counts are proven/);
    expect(failing(await verifyRun(missing, { requireInference: true }))).toEqual(['inference proof required']);
    const notProven = join(work, 'not-proven');
    await cp(out, notProven, { recursive: true });
    await writeFile(join(notProven, 'inference_proof.json'), JSON.stringify({ format: 'hokusai.inference-proof/v1', status: 'not_proven', reason: 'inference not proven for mlp' }));
    // A changed file fails the attested statement anyway; the required check is asked directly, as for a forger.
    expect(await requireInferenceCheck(notProven, 30)).toMatchObject({ ok: false, detail: expect.stringMatching(/proves nothing: inference not proven for mlp/) });
    const partial = join(work, 'partial');
    await cp(out, partial, { recursive: true });
    const file = JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as { counts: { rows: number } };
    file.counts.rows = 24;
    await writeFile(join(partial, 'inference_proof.json'), JSON.stringify(file));
    expect(await requireInferenceCheck(partial, 30)).toMatchObject({ ok: false, detail: expect.stringMatching(/covers 24 row\(s\), predictions.json has 30/) });
  });

  it('fails when the models are not the ones the proof was made for, whatever the file hashes say', async () => {
    // Exchanged models: the hash check catches it too, so the inference check is asked directly,
    // as for a forger who rebuilt every hash and the attestation around other models.
    const other = join(work, 'swapped');
    await cp(out, other, { recursive: true });
    await writeFile(join(other, 'model.onnx'), await readFile(join(out, 'baseline.onnx')));
    await writeFile(join(other, 'baseline.onnx'), await readFile(join(out, 'model.onnx')));
    const predictions = decodePredictions(new Uint8Array(await readFile(join(out, 'predictions.json'))), 'predictions.json');
    const [check] = await checkRunInference(other, { ...predictions, threshold: predictions.file.threshold }, true);
    expect(check?.ok).toBe(false);
    expect(check?.detail).toMatch(/M0 recomputed from baseline.onnx differs/);
    expect(check?.detail).toMatch(/other weights than model.onnx's/);
  });

  it('fails for a benchmark file whose rows differ from the committed ones', async () => {
    const changed = join(work, 'changed.csv');
    const lines = (await readFile(benchmark, 'utf8')).trim().split('\n');
    lines[5] = (lines[5] as string).replace(/,(\d+),/, (_m, age: string) => `,${Number(age) + 1},`);
    await writeFile(changed, `${lines.join('\n')}\n`);
    const v = await verifyRun(out, { benchmark: changed });
    expect(failing(v)).toContain('inference proof');
    expect(detail(v)).toContain('B recomputed from the benchmark file differs');
  });

  it('gives the B the benchmark owner registers (columns in any order), and fails against another registered B', async () => {
    const file = JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as { benchmark_commitment: string };
    const { table } = await loadDataset(benchmark);
    const registered = inferenceCommitment(table, 'churned', ['plan', 'region', 'support_calls', 'monthly_spend', 'tenure_months', 'income', 'age']);
    expect(registered.commitment).toBe(file.benchmark_commitment);
    const predictions = decodePredictions(new Uint8Array(await readFile(join(out, 'predictions.json'))), 'predictions.json');
    const ok = await checkRunInference(out, { ...predictions, threshold: predictions.file.threshold }, true, undefined, { id: 'churn', version: '1', commitment: registered.commitment });
    expect(ok.map((c) => c.ok)).toEqual([true, true]);
    const other = inferenceCommitment(table.slice(0, 29), 'churned', ['age', 'income', 'tenure_months', 'monthly_spend', 'support_calls', 'region', 'plan']);
    const bad = await checkRunInference(out, { ...predictions, threshold: predictions.file.threshold }, true, undefined, { id: 'churn', version: '1', commitment: other.commitment });
    expect(bad[0]).toMatchObject({ name: 'inference benchmark registered', ok: false });
  });
});
