import { describe, expect, it } from 'vitest';
import { acceptanceRuleText, buildReportContext, mlflowRunUrl } from '../src/flow/report-context.js';

const H = (c: string): string => c.repeat(64);

/** An attestation body with the fields the context reads (as attestStep writes them). */
function body(over: { config?: Record<string, unknown>; predictions?: unknown; family?: string; files?: Record<string, string> } = {}): unknown {
  return {
    inputs: {
      benchmark: { file_name: 'benchmark.csv', format: 'csv', file_sha256: H('c'), content_hash: H('d'), row_count: 1000 },
      base: { file_name: 'base.csv', format: 'csv', file_sha256: H('a'), content_hash: H('b'), row_count: 4000 },
      contributed: { file_name: 'contributed.csv', format: 'csv', file_sha256: H('e'), content_hash: H('f'), row_count: 1500 },
    },
    config: {
      task: 'binary',
      target: 'churned',
      seed: 7,
      delta: { primaryMetric: 'accuracy', thresholdPp: 1, alpha: 0.05, minSamples: 100, bootstrapResamples: 1000, significanceAgainst: 'zero' },
      acceptance: { allowDifferentRecipe: false },
      benchmark_id: null,
      ...over.config,
    },
    models: { baseline: { family: 'logistic_regression', onnx_sha256: H('1') }, new: { family: over.family ?? 'logistic_regression', onnx_sha256: H('2') } },
    ...(over.files === undefined ? {} : { files: over.files }),
    predictions: over.predictions === undefined ? { proof_system: 'none', setup: null } : over.predictions,
  };
}

const setup = (name: string, insecure: boolean): unknown => ({
  proof_system: 'groth16',
  setup: { circuit: { name, n: 1024, hash: H('9'), constraints: 10 }, insecure, note: insecure ? 'Local insecure powers of tau.' : 'Hermez ceremony.' },
});

describe('the report context', () => {
  it('states the acceptance rule from the attested settings', () => {
    const defaults = buildReportContext(body(), null);
    expect(defaults.acceptance_rule).toBe(
      'Accepted when DeltaOne ≥ 1 pp on accuracy, p < 0.05 with the 95% interval above 0, n ≥ 100 benchmark rows, benchmark not registered (no registered hash to match), both models trained with the same recipe when the baseline records one.',
    );
    const strict = acceptanceRuleText({
      task: 'binary',
      target: 'y',
      seed: 1,
      delta: { primaryMetric: 'auroc', thresholdPp: 2.5, alpha: 0.01, minSamples: 500, significanceAgainst: 'threshold' },
      acceptance: { allowDifferentRecipe: true },
      benchmark_id: 'churn@2',
    });
    expect(strict).toBe(
      "Accepted when DeltaOne ≥ 2.5 pp on auroc, the 99% interval's worse end ≥ 2.5 pp, n ≥ 500 benchmark rows, benchmark churn@2 unchanged since registered, a different baseline recipe allowed.",
    );
  });

  it('names target, models, seed and every input file with its hash, base first', () => {
    const c = buildReportContext(body(), null);
    expect(c).toMatchObject({ task: 'binary', target: 'churned', seed: 7, models: { baseline: { family: 'logistic_regression' }, new: { onnx_sha256: H('2') } }, mlflow: null });
    expect(c.inputs).toEqual([
      { role: 'base', file_name: 'base.csv', file_sha256: H('a'), rows: 4000 },
      { role: 'contributed', file_name: 'contributed.csv', file_sha256: H('e'), rows: 1500 },
      { role: 'benchmark', file_name: 'benchmark.csv', file_sha256: H('c'), rows: 1000 },
    ]);
  });

  it('says what the proof covers and what it does not, from the attested circuit', () => {
    const none = buildReportContext(body(), null).proof;
    expect(none).toMatchObject({ system: 'none', circuit: null, covers: [], insecure_setup: false, setup_note: null });
    expect(none.does_not_cover.join(' ')).toMatch(/No zero-knowledge proof was made/);

    const counts = buildReportContext(body({ predictions: setup('hokusai_accuracy', true) }), null).proof;
    expect(counts.circuit).toEqual({ name: 'hokusai_accuracy', rows_per_chunk: 1024, hash: H('9') });
    expect(counts.covers.join(' ')).toMatch(/correct-prediction counts on the 1000 benchmark rows .* committed labels and 0\/1 predictions/);
    expect(counts.does_not_cover.join(' ')).toMatch(/inference is not proved/);
    expect(counts).toMatchObject({ insecure_setup: true, setup_note: 'Local insecure powers of tau.' });

    // A circuit the report does not know is described by its name and hash only, never as the counts.
    const other = buildReportContext(body({ predictions: setup('hokusai_inference', false) }), null).proof;
    expect(other.covers).toEqual([`The statement of circuit hokusai_inference (hash ${H('9')}), over the 1000 benchmark rows in chunks of 1024.`]);
    expect(other.does_not_cover.join(' ')).not.toMatch(/inference/);
    expect(other.insecure_setup).toBe(false);
  });

  it('says what the inference proof covers when the attestation lists it, and that inference is not proven otherwise', () => {
    const mismatch = { rows: [], at_threshold: [] };
    const proven = {
      format: 'hokusai.inference-proof/v1',
      status: 'proven',
      statement: 's',
      circuit: { name: 'hokusai_linear_inference', hash: H('8'), rows_per_chunk: 6, features: 12, logit_bits: 64, verification_key_sha256: H('7') },
      quantization: { scheme: 'fixed', feature_scale_bits: 16, weight_scale_bits: 16, threshold: 0.5 },
      plan: { numeric: ['age'], categorical: [] },
      benchmark_commitment: '1',
      model_commitments: { baseline: '2', new: '3' },
      counts: { rows: 1000, baseline_correct: 801, new_correct: 834 },
      mismatch: { baseline: { rows: [4], at_threshold: [] }, new: mismatch },
      chunks: [{ proof: {}, publicSignals: ['1'] }],
    };
    const files = { 'inference_proof.json': H('5') };
    const attested = buildReportContext(body({ predictions: setup('hokusai_accuracy', true), files }), null, proven).proof;
    expect(attested.covers).toHaveLength(2);
    expect(attested.covers[1]).toMatch(/Each linear model's hard label \(0\/1\) on each of the 1000 benchmark rows .* baseline 801 of 1000, new 834 of 1000\./);
    expect(attested.does_not_cover.join(' ')).not.toMatch(/inference is not proved/);
    expect(attested.does_not_cover[0]).toMatch(/That the committed benchmark rows \(commitment B\) are a registered benchmark's: the run names none registered/);
    expect(attested.does_not_cover[1]).toMatch(/differ on 1 row\(s\) for the baseline and 0 for the new model/);
    // The registry entry the run matched, from results.inference of the attestation.
    const registered = { inference: { status: 'proven', reason: null, benchmark_commitment: '1', registered: { id: 'churn', version: '2', commitment: '1' } } };
    const matched = buildReportContext({ ...(body({ predictions: setup('hokusai_accuracy', true), files }) as object), results: registered }, null, proven).proof;
    expect(matched.covers[2]).toBe('The committed benchmark rows are the ones registered as churn@2: the run found its commitment B equal to the registered one before proving.');
    expect(matched.does_not_cover.join(' ')).not.toMatch(/are a registered benchmark's/);

    // A file the attestation does not list proves nothing the report may claim.
    const unlisted = buildReportContext(body({ predictions: setup('hokusai_accuracy', true) }), null, proven).proof;
    expect(unlisted.covers).toHaveLength(1);
    expect(unlisted.does_not_cover.join(' ')).toMatch(/inference is not proved/);

    const notProven = { format: 'hokusai.inference-proof/v1', status: 'not_proven', reason: 'inference not proven for mlp' };
    const mlp = buildReportContext(body({ predictions: setup('hokusai_accuracy', true), family: 'mlp', files }), null, notProven).proof;
    expect(mlp.covers).toHaveLength(1);
    expect(mlp.does_not_cover.slice(0, 2)).toEqual([
      expect.stringMatching(/inference is not proved/),
      'Inference cannot be proven yet for mlp: the inference circuit covers the linear family (logistic_regression) only.',
    ]);
    const linear = buildReportContext(body({ predictions: setup('hokusai_accuracy', true) }), null).proof;
    expect(linear.does_not_cover.join(' ')).not.toMatch(/cannot be proven yet/);
  });

  it('says why inference is not proven for linear models: the run\'s reason, or the setting that turned it off', () => {
    const files = { 'inference_proof.json': H('5') };
    const overflow = { format: 'hokusai.inference-proof/v1', status: 'not_proven', reason: 'inference not proven: model.onnx: a logit does not fit in 64 bits' };
    const why = buildReportContext(body({ predictions: setup('hokusai_accuracy', true), files }), null, overflow).proof;
    expect(why.does_not_cover).toContain('Why inference is not proven for these linear models: inference not proven: model.onnx: a logit does not fit in 64 bits.');
    const off = buildReportContext(body({ predictions: setup('hokusai_accuracy', true), config: { proof: { enabled: true, circuit_n: null, inference: false } } }), null).proof;
    expect(off.does_not_cover).toContain('The inference proof was turned off for this run (proof.inference: false, --no-prove-inference).');
    // Without any proof there is nothing to turn off: the context says no proof was made.
    const none = buildReportContext(body({ config: { proof: { enabled: false, circuit_n: null, inference: false } } }), null).proof;
    expect(none.does_not_cover.join(' ')).not.toMatch(/turned off/);
  });

  it('links the MLflow UI page of a run', () => {
    expect(mlflowRunUrl('http://127.0.0.1:5000/', 'abc123')).toBe('http://127.0.0.1:5000/#/runs/abc123');
    expect(buildReportContext(body(), { run_id: 'abc123', url: 'http://h/#/runs/abc123' }).mlflow).toEqual({ run_id: 'abc123', url: 'http://h/#/runs/abc123' });
  });
});
