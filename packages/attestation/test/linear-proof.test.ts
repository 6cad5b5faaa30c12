import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationError } from '../src/errors.js';
import { benchmarkCommitment, benchmarkPlan, circuitLabels, quantizeBenchmark, quantizeModel, type BenchmarkColumns, type QuantizedBenchmark, type QuantizedModel } from '../src/linear-quantizer.js';
import { batchVerifyGroth16 } from '../src/groth16-batch-verify.js';
import { shippedLinearKey } from '../src/linear-circuit.js';
import { proveLinear, verifyLinearProofs, type LinearProofChunk } from '../src/linear-prover.js';
import { readLinearModel } from '../src/onnx-linear-model.js';
import { firstRows, linearFixture, quickstartBenchmark, QUICKSTART_COLUMNS as COLUMNS } from './linear-fixture.js';

// Ten quickstart rows: one full chunk of seven and one padded chunk of three, proven once with the
// shipped key (no compile, no setup), then every forgery is checked against the real proofs.
const ROWS = 10;
const execRun = promisify(execFile);
const snarkjsCli = join(dirname(createRequire(import.meta.url).resolve('snarkjs')), 'cli.cjs');

describe('inference proof of the linear family', { timeout: 300_000 }, () => {
  let q: QuantizedBenchmark;
  let m0: QuantizedModel;
  let m1: QuantizedModel;
  let B: string;
  let proofs: LinearProofChunk[];
  let plan: ReturnType<typeof benchmarkPlan>;
  let table: BenchmarkColumns;
  let labels: number[];

  beforeAll(async () => {
    const all = quickstartBenchmark();
    // The plan (categories) comes from the whole benchmark, as a run makes it.
    plan = benchmarkPlan(all.table, COLUMNS);
    table = firstRows(all.table, ROWS);
    labels = all.labels.slice(0, ROWS);
    q = quantizeBenchmark(plan, table, labels);
    B = benchmarkCommitment(q);
    m0 = quantizeModel(readLinearModel(linearFixture.baseline()), plan);
    m1 = quantizeModel(readLinearModel(linearFixture.model()), plan);
    ({ proofs } = await proveLinear(q, m0, m1, circuitLabels(m0, q), circuitLabels(m1, q)));
  }, 300_000);

  it('proves both models\' labels and counts over every row, chained to B', async () => {
    expect(proofs).toHaveLength(2);
    const v = await verifyLinearProofs(proofs, { baseline: m0, model: m1, benchmark: B, rows: ROWS });
    expect(v.problems).toEqual([]);
    const count = (m: QuantizedModel): number => circuitLabels(m, q).reduce((s, l, i) => s + (l === q.y[i] ? 1 : 0), 0);
    expect([v.rows, v.baseline_correct, v.new_correct, v.benchmark]).toEqual([ROWS, count(m0), count(m1), B]);
  });

  it('fails for a changed weight (model.onnx edited after proving)', async () => {
    const bytes = Buffer.from(linearFixture.model());
    const model = readLinearModel(bytes);
    const edited = { ...model, numeric: model.numeric.map((n, i) => (i === 1 ? { ...n, weight: n.weight * 1.01 } : n)) };
    const v = await verifyLinearProofs(proofs, { baseline: m0, model: quantizeModel(edited, plan), benchmark: B, rows: ROWS });
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toContain("other weights than model.onnx's");
  });

  it('fails for a model swapped for another (baseline and new exchanged, file hashes rebuilt)', async () => {
    const v = await verifyLinearProofs(proofs, { baseline: m1, model: m0, benchmark: B, rows: ROWS });
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toContain('other baseline weights');
  });

  it('fails for a changed benchmark row (B of the registered benchmark differs)', async () => {
    const changed = { ...table, age: (table['age'] as number[]).map((v, i) => (i === 8 ? v + 1 : v)) };
    const other = benchmarkCommitment(quantizeBenchmark(plan, changed, labels));
    const v = await verifyLinearProofs(proofs, { baseline: m0, model: m1, benchmark: other, rows: ROWS });
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toContain('cover a benchmark with commitment');
  });

  it('fails for counts from other predictions: edited public counts do not verify, and no proof exists for them', async () => {
    const forged = proofs.map((p, i) => (i === 0 ? { ...p, publicSignals: p.publicSignals.map((s, k) => (k === 5 ? String(Number(s) + 1) : s)) } : p));
    const v = await verifyLinearProofs(forged, { baseline: m0, model: m1, benchmark: B, rows: ROWS });
    expect(v.problems).toContain('inference proof 0 does not verify against the shipped key');
    // A prover that counts other labels than the model's (one flipped row) cannot make a proof.
    const honest = circuitLabels(m1, q);
    const flipped = honest.map((l, i) => (i === 2 ? 1 - l : l));
    await expect(proveLinear(q, m0, m1, circuitLabels(m0, q), flipped)).rejects.toMatchObject({ code: 'HOKUSAI_ZK_PROOF' } satisfies Partial<AttestationError>);
  });

  it('fails for a missing, repeated or reordered chunk', async () => {
    const reordered = await verifyLinearProofs([proofs[1] as LinearProofChunk, proofs[0] as LinearProofChunk], { baseline: m0, model: m1, benchmark: B, rows: ROWS });
    expect(reordered.problems.join('\n')).toContain('does not start where proof');
    const missing = await verifyLinearProofs([proofs[0] as LinearProofChunk], { baseline: m0, model: m1, benchmark: B, rows: ROWS });
    expect(missing.ok).toBe(false);
    expect(missing.problems.join('\n')).toContain(`not the benchmark's ${ROWS}`);
  });

  it('batch-verifies all chunks at once and names the bad proof when the batch fails', async () => {
    const vk = shippedLinearKey()?.verificationKey;
    const [p0, p1] = proofs as [LinearProofChunk, LinearProofChunk];
    expect(await batchVerifyGroth16(vk, [p0, p1, p0])).toEqual([]);
    // A valid-looking proof (real curve points) for chunk 1 with chunk 0's C: only it fails.
    const forged = { ...p1, proof: { ...(p1.proof as Record<string, unknown>), pi_c: (p0.proof as Record<string, unknown>)['pi_c'] } };
    expect(await batchVerifyGroth16(vk, [p0, forged, p1])).toEqual([1]);
    const moved = { ...p0, publicSignals: p1.publicSignals };
    expect(await batchVerifyGroth16(vk, [moved, p1, forged])).toEqual([0, 2]);
    // Not a point of the curve, or not a proof at all.
    const offCurve = { ...p0, proof: { ...(p0.proof as { pi_a: string[] }), pi_a: ['1', '3', '1'] } };
    expect(await batchVerifyGroth16(vk, [p1, offCurve, { proof: null, publicSignals: [] }])).toEqual([1, 2]);
    const v = await verifyLinearProofs([p0, forged], { baseline: m0, model: m1, benchmark: B, rows: ROWS });
    expect(v.problems).toEqual(['inference proof 1 does not verify against the shipped key']);
  });

  it('each chunk verifies alone with the snarkjs CLI and the shipped verification key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-linear-cli-'));
    try {
      await writeFile(join(dir, 'verification_key.json'), JSON.stringify(shippedLinearKey()?.verificationKey));
      for (const [i, p] of proofs.entries()) {
        await writeFile(join(dir, `chunk-${i}.json`), JSON.stringify(p.proof));
        await writeFile(join(dir, `chunk-${i}.public.json`), JSON.stringify(p.publicSignals));
        const { stdout } = await execRun(process.execPath, [snarkjsCli, 'groth16', 'verify', 'verification_key.json', `chunk-${i}.public.json`, `chunk-${i}.json`], { cwd: dir });
        expect(stdout).toMatch(/OK!/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
