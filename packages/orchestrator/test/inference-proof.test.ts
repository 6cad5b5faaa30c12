import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '@hokusai/data-integration';
import { decodePredictions, inferenceCommitment, runPipeline, verifyRun } from '../src/index.js';
import { checkRunInference } from '../src/flow/verify-inference.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

const failing = (v: { checks: { name: string; ok: boolean }[] }): string[] => v.checks.filter((c) => !c.ok).map((c) => c.name);
const detail = (v: { checks: { name: string; detail: string }[] }): string => v.checks.find((c) => c.name === 'inference proof')?.detail ?? '';

// The first 30 quickstart benchmark rows (5 chunks), so the inference proof takes seconds.
describe('inference proof in a run (linear family)', { timeout: 600_000 }, () => {
  let work: string;
  let out: string;
  let benchmark: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-inference-'));
    benchmark = join(work, 'benchmark.csv');
    const lines = (await readFile(join(QUICKSTART, 'benchmark.csv'), 'utf8')).trim().split('\n');
    await writeFile(benchmark, `${lines.slice(0, 31).join('\n')}\n`);
    out = join(work, 'out');
    await runPipeline(quickstartConfig(out, { benchmark, delta: { bootstrapResamples: 50 }, proof: { enabled: true, inference: true } }), { store: join(work, 'store') });
  }, 600_000);

  it('proves both models\' labels and counts and verify checks them against the ONNX files and the benchmark', async () => {
    const file = JSON.parse(await readFile(join(out, 'inference_proof.json'), 'utf8')) as { status: string; counts: { rows: number }; chunks: unknown[]; mismatch: { baseline: { rows: number[] }; new: { rows: number[] } } };
    expect(file.status).toBe('proven');
    expect(file.counts.rows).toBe(30);
    expect(file.chunks).toHaveLength(5);
    expect([file.mismatch.baseline.rows, file.mismatch.new.rows]).toEqual([[], []]);
    const v = await verifyRun(out, { benchmark, requireProof: true });
    expect(failing(v)).toEqual([]);
    expect(detail(v)).toMatch(/5 chunk proofs: both models' labels on all 30 rows .* and the rows of the benchmark file; 0 row\(s\)/);
  });

  it('fails when the models are not the ones the proof was made for, whatever the file hashes say', async () => {
    // Exchanged models: the hash check catches it too, so the inference check is asked directly,
    // as for a forger who rebuilt every hash and the attestation around other models.
    const other = join(work, 'swapped');
    await cp(out, other, { recursive: true });
    await writeFile(join(other, 'model.onnx'), await readFile(join(out, 'baseline.onnx')));
    await writeFile(join(other, 'baseline.onnx'), await readFile(join(out, 'model.onnx')));
    const predictions = decodePredictions(new Uint8Array(await readFile(join(out, 'predictions.json'))), 'predictions.json');
    const [check] = await checkRunInference(other, { ...predictions, threshold: predictions.file.threshold });
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
    const ok = await checkRunInference(out, { ...predictions, threshold: predictions.file.threshold }, undefined, { id: 'churn', version: '1', commitment: registered.commitment });
    expect(ok.map((c) => c.ok)).toEqual([true, true]);
    const other = inferenceCommitment(table.slice(0, 29), 'churned', ['age', 'income', 'tenure_months', 'monthly_spend', 'support_calls', 'region', 'plan']);
    const bad = await checkRunInference(out, { ...predictions, threshold: predictions.file.threshold }, undefined, { id: 'churn', version: '1', commitment: other.commitment });
    expect(bad[0]).toMatchObject({ name: 'inference benchmark registered', ok: false });
  });
});
