import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationError } from '../src/errors.js';
import { benchmarkCommitment, benchmarkPlan, circuitLabels, quantizeBenchmark, quantizeModel, type BenchmarkColumns, type QuantizedBenchmark, type QuantizedModel } from '../src/linear-quantizer.js';
import { proveLinear, verifyLinearProofs, type LinearProofChunk } from '../src/linear-prover.js';
import { readLinearModel } from '../src/onnx-linear-model.js';
import { linearFixture, quickstartBenchmark } from './linear-fixture.js';

// Ten quickstart rows: one full chunk of six and one padded chunk of four, proven once with the
// shipped key (no compile, no setup), then every forgery is checked against the real proofs.
const ROWS = 10;
const COLUMNS = ['age', 'income', 'tenure_months', 'monthly_spend', 'support_calls', 'region', 'plan'];

function firstRows(table: BenchmarkColumns, n: number): BenchmarkColumns {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, Array.from(v as ArrayLike<number | string | null>).slice(0, n)])) as BenchmarkColumns;
}

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
});
