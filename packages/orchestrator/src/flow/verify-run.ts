import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson, verifyAttestation, type VerificationCheck } from '@hokusai/attestation';
import { checkRunInference, registeredCommitment, requireInferenceCheck } from './verify-inference.js';
import { attestedInferenceCheck, expectedInferenceCheck } from './inference-expectation.js';
import { binaryMetrics, type DeltaReport } from '@hokusai/evaluation';
import { PipelineConfigSchema } from './config.js';
import { decodePredictions, predictedBits } from './predictions-file.js';
import { buildReportDocument, reportJsonText } from './report-document.js';
import { deltaFor } from './steps/delta-step.js';
import { rerunBenchmark } from './benchmark-rerun.js';
import { inspectOutputFolder } from './safe-folder-read.js';

export interface RunVerification {
  ok: boolean;
  checks: VerificationCheck[];
  /**
   * What the folder proves, when every check passed: the counts (a Groth16 proof over the
   * committed predictions) and the inference (both models' labels on every row). A folder without
   * a proof can pass every check and prove nothing: the CLI says so.
   */
  proven: { counts: boolean; inference: boolean };
}

const NOTHING_PROVEN = { counts: false, inference: false };

/** The verification of these checks, with what the folder proves when every one passed. */
async function withProven(dir: string, checks: VerificationCheck[]): Promise<RunVerification> {
  const ok = checks.every((c) => c.ok);
  if (!ok) return { ok, checks, proven: NOTHING_PROVEN };
  const { body } = JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as { body: { predictions?: { proof_system?: string } | null; results: { inference?: { status?: string } } } };
  return { ok, checks, proven: { counts: body.predictions?.proof_system === 'groth16', inference: body.results.inference?.status === 'proven' } };
}

/** The MLflow link report.json names, if any (never attested: see ReportContext.mlflow). */
function mlflowOfReport(text: string): { run_id: string; url: string } | null {
  try {
    const link = z.object({ run_id: z.string().regex(/^[A-Za-z0-9_-]+$/), url: z.string().regex(/^https?:\/\/[^\s"'<>]+$/) }).refine((l) => l.url.endsWith(`/#/runs/${l.run_id}`));
    const parsed = z.object({ context: z.object({ mlflow: link.nullable() }) }).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.context.mlflow : null;
  } catch {
    return null;
  }
}

interface AttestedResults {
  baseline_metrics: unknown;
  new_metrics: unknown;
  delta: DeltaReport;
  feature_plan?: unknown;
  inference?: unknown;
}

/**
 * Everything a stranger can check from the output folder alone: the attestation (hashes, Merkle
 * root, proof), every metric and the delta recomputed from predictions.json, and report.json
 * (and report.html, given the renderer) rebuilt from the attested results.
 */
export async function verifyRun(
  dir: string,
  options: {
    renderReport?: (report: unknown) => string;
    /** SHA-256 of a verification key the verifier trusts; without it the key shipped for the circuit is pinned. */
    trustedVerificationKeySha256?: string;
    /** The benchmark file: both ONNX models are re-run on it and must give predictions.json. */
    benchmark?: string;
    /** Fail when the counts were not proved. */
    requireProof?: boolean;
    /** Fail when the folder carries no inference proof covering both models on every row. */
    requireInference?: boolean;
    /**
     * Accept a folder with proven counts and two linear models but no inference proof covering
     * both on every row (by default such a folder fails: a run proves inference for it).
     */
    allowUnprovenInference?: boolean;
    /** Fail unless the proof is under a public ceremony ptau and a pinned key. */
    strict?: boolean;
    /** Benchmark registry: the inference proof's B must equal the one registered for the run's benchmark id. */
    registry?: string;
  } = {},
): Promise<RunVerification> {
  const checks: VerificationCheck[] = [];
  const check = (name: string, ok: boolean, detail: string): void => {
    checks.push({ name, ok, detail });
  };
  // Nothing is parsed from a folder with links, special files, oversized or mis-hashed files.
  const safety = await inspectOutputFolder(dir);
  if (!safety.ok) return { ...safety, proven: NOTHING_PROVEN };
  checks.push(...safety.checks);
  const attestationPath = join(dir, 'attestation.json');
  if (!existsSync(attestationPath)) {
    check('attestation present', false, `${attestationPath} is missing`);
    return { ok: false, checks, proven: NOTHING_PROVEN };
  }
  let predictions: ReturnType<typeof decodePredictions> | undefined;
  try {
    predictions = decodePredictions(new Uint8Array(await readFile(join(dir, 'predictions.json'))), 'predictions.json');
    check('predictions readable', true, `${predictions.file.n} rows`);
  } catch (error) {
    check('predictions readable', false, (error as Error).message);
  }
  const threshold = predictions?.file.threshold ?? 0.5;
  const attested = await verifyAttestation(dir, {
    ...(options.trustedVerificationKeySha256 === undefined ? {} : { verificationKeySha256: options.trustedVerificationKeySha256 }),
    ...(options.requireProof === undefined ? {} : { requireProof: options.requireProof }),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    ...(predictions === undefined ? {} : { predictions: {
      labels: Uint8Array.from(predictions.labels),
      baseline: predictedBits(predictions.baselineScores, threshold),
      new: predictedBits(predictions.newScores, threshold),
    } }),
  });
  checks.push(...attested.checks);

  try {
    const attestation = JSON.parse(await readFile(attestationPath, 'utf8')) as {
      body: { results: AttestedResults; config: Record<string, unknown>; run_id: string; inputs: { benchmark: { content_hash: string } }; predictions?: { proof_system?: string } | null };
      merkle_root: string;
      body_sha256: string;
    };
    const body = attestation.body;
    if (predictions !== undefined) {
      const recomputed = { baseline: binaryMetrics(predictions.labels, predictions.baselineScores, { threshold }), new: binaryMetrics(predictions.labels, predictions.newScores, { threshold }) };
      check('baseline metrics recomputed', canonicalJson(recomputed.baseline) === canonicalJson(body.results.baseline_metrics), 'from predictions.json');
      check('new metrics recomputed', canonicalJson(recomputed.new) === canonicalJson(body.results.new_metrics), 'from predictions.json');
      const config = body.config as { seed: number; delta: unknown; acceptance?: unknown };
      const attestedBenchmark = body.results.delta.benchmark;
      // How the models were made is attested, not recomputable from predictions; the decision it leads to is.
      const attestedRecipe = body.results.delta.recipe ?? null;
      const delta = deltaFor(
        predictions,
        { config: PipelineConfigSchema.parse({ base: '-', contributed: '-', benchmark: '-', target: '-', out: '-', seed: config.seed, delta: config.delta, ...(config.acceptance === undefined ? {} : { acceptance: config.acceptance }) }) },
        attestedBenchmark === null
          ? undefined
          : { id: attestedBenchmark.id, version: attestedBenchmark.version ?? '', registeredHash: attestedBenchmark.registered_hash, actualHash: body.inputs.benchmark.content_hash },
        attestedRecipe === null ? undefined : { same: attestedRecipe.same, baseline: attestedRecipe.baseline, new: attestedRecipe.new, detail: attestedRecipe.detail },
      );
      check('delta recomputed', canonicalJson(delta) === canonicalJson(body.results.delta), 'per-metric deltas, significance and the DeltaOne decision');
      if (options.benchmark !== undefined) {
        try {
          checks.push(...(await rerunBenchmark(dir, options.benchmark, attestation, { ...predictions, threshold })));
        } catch (error) {
          check('benchmark re-run', false, (error as Error).message);
        }
      }
    } else if (options.benchmark !== undefined) {
      check('benchmark re-run', false, 'predictions.json is unreadable, so there is nothing to compare the models with');
    }
    if (options.requireInference === true) checks.push(await requireInferenceCheck(dir, predictions?.labels.length));
    else if (options.allowUnprovenInference !== true) {
      const expected = await expectedInferenceCheck(dir, body.predictions?.proof_system, predictions?.labels.length);
      if (expected !== null) checks.push(expected);
    }
    const stated = await attestedInferenceCheck(dir, body.results.inference);
    if (stated !== null) checks.push(stated);
    if (predictions !== undefined) checks.push(...(await checkRunInference(dir, { ...predictions, threshold }, body.predictions?.proof_system === 'groth16', options.benchmark, registeredCommitment(options.registry, body.results.delta.benchmark))));
    const reportPath = join(dir, 'report.json');
    if (existsSync(reportPath) && predictions !== undefined) {
      const dataReport = JSON.parse(await readFile(join(dir, 'data_report.json'), 'utf8')) as unknown;
      const text = await readFile(reportPath, 'utf8');
      const expected = buildReportDocument({
        runId: body.run_id,
        delta: body.results.delta,
        baselineMetrics: body.results.baseline_metrics as never,
        newMetrics: body.results.new_metrics as never,
        predictions: { ...predictions, strata: predictions.file.strata },
        dataReport,
        featurePlan: body.results.feature_plan ?? null,
        merkleRoot: attestation.merkle_root,
        bodySha256: attestation.body_sha256,
        proved: existsSync(join(dir, 'verification_key.json')),
        attestationBody: body,
        // The MLflow run is made after the attestation, so its link is the one fact taken as written.
        mlflow: mlflowOfReport(text),
        ...(existsSync(join(dir, 'inference_proof.json')) ? { inferenceProof: JSON.parse(await readFile(join(dir, 'inference_proof.json'), 'utf8')) as unknown } : {}),
        ...(existsSync(join(dir, 'data_profile.json')) ? { dataProfile: JSON.parse(await readFile(join(dir, 'data_profile.json'), 'utf8')) as unknown } : {}),
      });
      check('report.json matches the attested results', text === reportJsonText(expected), 'rebuilt from attestation.json and data_report.json');
      const htmlPath = join(dir, 'report.html');
      if (options.renderReport && existsSync(htmlPath)) {
        check('report.html matches report.json', (await readFile(htmlPath, 'utf8')) === options.renderReport(JSON.parse(text)), 're-rendered');
      }
    } else {
      check('report.json present', false, `${reportPath} is missing`);
    }
  } catch (error) {
    check('attested results readable', false, (error as Error).message);
  }
  return withProven(dir, checks);
}
