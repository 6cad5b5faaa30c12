import { describe, expect, it } from 'vitest';
import type { AttestationError } from '../src/errors.js';
import { LINEAR_FEATURES } from '../src/linear-circuit.js';
import { benchmarkCommitment, benchmarkPlan, circuitLabels, labelMismatch, modelCommitment, quantizeBenchmark, quantizeModel, FEATURE_SCALE_BITS, WEIGHT_SCALE_BITS } from '../src/linear-quantizer.js';
import { readLinearModel } from '../src/onnx-linear-model.js';
import { buildInferenceProof } from '../src/inference-proof-file.js';
import { firstRows, linearFixture, quickstartBenchmark, QUICKSTART_COLUMNS as COLUMNS } from './linear-fixture.js';


describe('linear model quantizer', () => {
  it('reads the featurizer and weights of a linear ONNX file', () => {
    const m = readLinearModel(linearFixture.model(), 'model.onnx');
    expect(m.numeric.map((n) => n.name)).toEqual(COLUMNS.slice(0, 5));
    expect(m.categorical.map((c) => c.name)).toEqual(['region', 'plan']);
    for (const n of m.numeric) {
      expect(Number.isFinite(n.mean) && n.scale > 0 && Number.isFinite(n.weight)).toBe(true);
    }
    // Ages average in the forties: a misread tensor would not.
    expect(m.numeric[0]?.mean).toBeGreaterThan(30);
    expect(m.numeric[0]?.mean).toBeLessThan(60);
  });

  it('gives the float pipeline\'s label on every quickstart row, for both models (0 mismatches)', () => {
    const { table, labels } = quickstartBenchmark();
    const scores = linearFixture.scores();
    expect(labels).toEqual(scores.labels);
    const plan = benchmarkPlan(table, COLUMNS);
    // 5 numeric columns x (value, present) + 4 regions + 3 plans.
    expect(2 * plan.numeric.length + plan.categorical.reduce((s, c) => s + c.categories.length, 0)).toBe(17);
    const q = quantizeBenchmark(plan, table, labels);
    const counts: number[] = [];
    for (const [bytes, floats] of [[linearFixture.baseline(), scores.baseline_scores], [linearFixture.model(), scores.new_scores]] as const) {
      const qm = quantizeModel(readLinearModel(bytes), plan, scores.threshold);
      const l = circuitLabels(qm, q);
      expect(labelMismatch(l, floats, scores.threshold)).toEqual({ rows: [], at_threshold: [] });
      counts.push(l.reduce((s, v, i) => s + (v === q.y[i] ? 1 : 0), 0));
    }
    // The accuracies the quickstart run reports: 0.639 and 0.801.
    expect(counts).toEqual([639, 801]);
  });

  it('folds imputation and standardization into the weights (fixed point, half away from zero)', () => {
    const model = { numeric: [{ name: 'a', mean: 2, scale: 0.5, weight: 3 }], categorical: [{ name: 'c', categories: [{ value: 'x', weight: -1.25 }] }], bias: 0.75 };
    const table = { a: [4, null], c: ['x', 'y'] };
    const plan = benchmarkPlan(table, ['a', 'c']);
    expect(plan).toEqual({ numeric: ['a'], categorical: [{ name: 'c', categories: ['x', 'y'] }] });
    const m = quantizeModel(model, plan);
    const W = 2 ** WEIGHT_SCALE_BITS;
    expect(m.weights.slice(0, 4)).toEqual([BigInt(1.5 * W), BigInt(-3 * W), BigInt(-1.25 * W), 0n]);
    expect(m.weights).toHaveLength(LINEAR_FEATURES);
    expect(m.bias).toBe(BigInt(0.75 * 2 ** (FEATURE_SCALE_BITS + WEIGHT_SCALE_BITS)));
    const q = quantizeBenchmark(plan, table, [1, 0]);
    const X = 2n ** BigInt(FEATURE_SCALE_BITS);
    expect(q.x[0]?.slice(0, 4)).toEqual([4n * X, X, X, 0n]);
    // Missing value: imputed with the mean, i.e. contributes nothing.
    expect(q.x[1]?.slice(0, 4)).toEqual([0n, 0n, 0n, X]);
    // Row 0: 0.75 + 1.5 * (4 - 2) * ... = 0.75 + 3 * 0.5 * 2 - 1.25 = 2.5 > 0; row 1: 0.75 > 0.
    expect([...circuitLabels(m, q)]).toEqual([1, 1]);
    // A threshold of 0.9 moves the cut to logit ln 9 = 2.197: row 0 stays 1, row 1 becomes 0.
    expect([...circuitLabels(quantizeModel(model, plan, 0.9), q)]).toEqual([1, 0]);
  });

  it("labels logits up to the circuit's 62-bit range and refuses larger ones with a typed error", () => {
    // Logit = weight 1 on feature a (mean 0, scale 1) plus bias 0: the logit is the value itself.
    const plan = benchmarkPlan({ a: [0] }, ['a']);
    const m = quantizeModel({ numeric: [{ name: 'a', mean: 0, scale: 1, weight: 1 }], categorical: [], bias: 0 }, plan);
    // |logit| < 2^(62-1) / 2^48 = 8,192 in logit units.
    const labels = (v: number): number[] => [...circuitLabels(m, quantizeBenchmark(plan, { a: [v] }, [1]))];
    expect(labels(8191.5)).toEqual([1]);
    expect(labels(-8191.5)).toEqual([0]);
    for (const v of [8192, -8192.5]) {
      expect(() => labels(v)).toThrow(expect.objectContaining({ code: 'HOKUSAI_QUANTIZATION', message: expect.stringMatching(/benchmark row 0.*62 bits/) }) as Error);
    }
  });

  it('commits to every feature and label (B) and every weight (M)', () => {
    const { table, labels } = quickstartBenchmark();
    const plan = benchmarkPlan(table, COLUMNS);
    const small = firstRows(table, 12);
    const b = benchmarkCommitment(quantizeBenchmark(plan, small, labels.slice(0, 12)));
    expect(benchmarkCommitment(quantizeBenchmark(plan, small, labels.slice(0, 12)))).toBe(b);
    const changed = { ...small, income: (small['income'] as number[]).map((v, i) => (i === 7 ? v + 0.01 : v)) };
    expect(benchmarkCommitment(quantizeBenchmark(plan, changed, labels.slice(0, 12)))).not.toBe(b);
    const relabelled = labels.slice(0, 12).map((v, i) => (i === 3 ? 1 - v : v));
    expect(benchmarkCommitment(quantizeBenchmark(plan, small, relabelled))).not.toBe(b);

    const m = quantizeModel(readLinearModel(linearFixture.model()), plan);
    const moved = { ...m, weights: m.weights.map((w, i) => (i === 2 ? w + 1n : w)) };
    expect(modelCommitment(moved)).not.toBe(modelCommitment(m));
  });

  it('refuses models outside the linear family and features beyond the circuit, with typed errors', () => {
    const bytes = Buffer.from(linearFixture.model());
    const at = bytes.indexOf('logistic_regression');
    bytes.write('gbdt_______________', at);
    expect(() => readLinearModel(bytes, 'model.onnx')).toThrow(expect.objectContaining({ code: 'HOKUSAI_INFERENCE_UNSUPPORTED', message: expect.stringContaining('not for gbdt_') }) as AttestationError);
    const wide = { c: Array.from({ length: 30 }, (_, i) => `v${i}`) };
    expect(() => benchmarkPlan(wide, ['c'])).toThrow(expect.objectContaining({ code: 'HOKUSAI_INFERENCE_UNSUPPORTED' }) as AttestationError);
  });

  it('writes a plain "inference not proven for <family>" file for another family, without proving', async () => {
    const bytes = Buffer.from(linearFixture.baseline());
    bytes.write('mlp________________', bytes.indexOf('logistic_regression'));
    const { table, labels } = quickstartBenchmark();
    const scores = linearFixture.scores();
    const file = await buildInferenceProof({ baselineOnnx: bytes, modelOnnx: linearFixture.model(), table, labels, baselineScores: scores.baseline_scores, newScores: scores.new_scores, threshold: 0.5 });
    expect(file).toEqual({ format: 'hokusai.inference-proof/v1', status: 'not_proven', reason: 'inference not proven for mlp________________: the circuit covers the linear family (logistic_regression) only' });
  });
});
