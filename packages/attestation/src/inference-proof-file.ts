import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './sha256.js';
import { AttestationError } from './errors.js';
import { linearCircuitHash, LINEAR_CIRCUIT_NAME, LINEAR_FEATURES, LINEAR_LOGIT_BITS, LINEAR_ROWS } from './linear-circuit.js';
import { LINEAR_VERIFICATION_KEY_SHA256, proveLinear, verifyLinearProofs } from './linear-prover.js';
import {
  benchmarkCommitment,
  benchmarkPlan,
  circuitLabels,
  labelMismatch,
  modelCommitment,
  quantizeBenchmark,
  quantizeModel,
  FEATURE_SCALE_BITS,
  QUANTIZATION_SCHEME,
  WEIGHT_SCALE_BITS,
  type BenchmarkColumns,
  type BenchmarkPlan,
} from './linear-quantizer.js';
import { onnxModelFamily, readLinearModel, type LinearModel } from './onnx-linear-model.js';
import type { VerificationCheck } from './verify-attestation.js';

/**
 * The output file holding the inference proof (or the reason there is none). Its Groth16 proofs
 * are randomized, so the attestation binds its statement (inferenceStatementSha256), not its bytes.
 */
export const INFERENCE_PROOF_FILE = 'inference_proof.json';
export const INFERENCE_PROOF_FORMAT = 'hokusai.inference-proof/v1';

const MismatchSchema = z.object({ rows: z.array(z.number().int()), at_threshold: z.array(z.number().int()) }).strict();

export const InferenceProofFileSchema = z.discriminatedUnion('status', [
  z.object({ format: z.literal(INFERENCE_PROOF_FORMAT), status: z.literal('not_proven'), reason: z.string() }).strict(),
  z
    .object({
      format: z.literal(INFERENCE_PROOF_FORMAT),
      status: z.literal('proven'),
      statement: z.string(),
      circuit: z.object({ name: z.string(), hash: z.string(), rows_per_chunk: z.number().int(), features: z.number().int(), logit_bits: z.number().int(), verification_key_sha256: z.string() }).strict(),
      quantization: z.object({ scheme: z.string(), feature_scale_bits: z.number().int(), weight_scale_bits: z.number().int(), threshold: z.number() }).strict(),
      plan: z.object({ numeric: z.array(z.string()), categorical: z.array(z.object({ name: z.string(), categories: z.array(z.string()) }).strict()) }).strict(),
      benchmark_commitment: z.string(),
      model_commitments: z.object({ baseline: z.string(), new: z.string() }).strict(),
      counts: z.object({ rows: z.number().int(), baseline_correct: z.number().int(), new_correct: z.number().int() }).strict(),
      /** Rows where the circuit's label differs from the float pipeline's, per model. */
      mismatch: z.object({ baseline: MismatchSchema, new: MismatchSchema }).strict(),
      chunks: z.array(z.object({ proof: z.unknown(), publicSignals: z.array(z.string()) }).strict()),
    })
    .strict(),
]);
export type InferenceProofFile = z.infer<typeof InferenceProofFileSchema>;

/**
 * SHA-256 of what an inference proof file states: canonical JSON of the file with each chunk's
 * Groth16 proof left out (its public signals kept). Proofs are randomized, so two runs of the same
 * inputs write different bytes but the same statement; the attestation body records this hash,
 * which keeps the body (and its Merkle root) identical run after run, and the proofs are checked
 * against the statement's public signals.
 */
export function inferenceStatementSha256(file: InferenceProofFile): string {
  const statement = file.status === 'proven' ? { ...file, chunks: file.chunks.map((c) => ({ publicSignals: c.publicSignals })) } : file;
  return sha256Hex(canonicalJson(statement));
}

export interface InferenceProofInput {
  baselineOnnx: Uint8Array;
  modelOnnx: Uint8Array;
  /** The benchmark's columns the models read (numbers, or strings for categorical columns; null when empty). */
  table: BenchmarkColumns;
  /** 0/1 labels (1 = positive class), as predictions.json holds them. */
  labels: ArrayLike<number>;
  baselineScores: ArrayLike<number>;
  newScores: ArrayLike<number>;
  threshold: number;
  onChunk?: (done: number, of: number) => void;
  /** Hears what the run should know but that does not stop it (the native prover falling back to snarkjs). */
  onNote?: (note: string) => void;
}

/** The columns both models read: numeric first, then categorical, baseline's order first. */
export function inferenceColumns(models: LinearModel[]): string[] {
  const out: string[] = [];
  for (const kind of ['numeric', 'categorical'] as const) for (const m of models) for (const c of m[kind]) if (!out.includes(c.name)) out.push(c.name);
  return out;
}

function notProven(reason: string): InferenceProofFile {
  return { format: INFERENCE_PROOF_FORMAT, status: 'not_proven', reason };
}

/**
 * Proves, for a linear baseline and new model, each model's hard label on each benchmark row and
 * both correct counts (see hokusai_linear.circom). Other families, and linear models whose
 * featurization the circuit cannot hold, get a file that says plainly why inference is not proven.
 */
export async function buildInferenceProof(input: InferenceProofInput): Promise<InferenceProofFile> {
  let m0: LinearModel;
  let m1: LinearModel;
  let plan: BenchmarkPlan;
  try {
    m0 = readLinearModel(input.baselineOnnx, 'baseline.onnx');
    m1 = readLinearModel(input.modelOnnx, 'model.onnx');
    plan = benchmarkPlan(input.table, inferenceColumns([m0, m1]));
  } catch (error) {
    if (error instanceof AttestationError && error.code === 'HOKUSAI_INFERENCE_UNSUPPORTED') {
      const families = [onnxModelFamily(input.baselineOnnx, 'baseline.onnx'), onnxModelFamily(input.modelOnnx, 'model.onnx')].filter((f) => f !== 'logistic_regression');
      return notProven(families.length > 0 ? `inference not proven for ${[...new Set(families.map((f) => f ?? 'a model without Hokusai metadata'))].join(' and ')}: the circuit covers the linear family (logistic_regression) only` : `inference not proven: ${error.message}`);
    }
    throw error;
  }
  const q = quantizeBenchmark(plan, input.table, input.labels);
  const qm0 = quantizeModel(m0, plan, input.threshold, 'baseline.onnx');
  const qm1 = quantizeModel(m1, plan, input.threshold, 'model.onnx');
  let l0: Uint8Array;
  let l1: Uint8Array;
  try {
    l0 = circuitLabels(qm0, q, 'baseline.onnx');
    l1 = circuitLabels(qm1, q, 'model.onnx');
  } catch (error) {
    if (error instanceof AttestationError && error.code === 'HOKUSAI_QUANTIZATION') return notProven(`inference not proven: ${error.message}`);
    throw error;
  }
  const { chunks, proofs } = await proveLinear(q, qm0, qm1, l0, l1, { ...(input.onChunk === undefined ? {} : { onChunk: input.onChunk }), ...(input.onNote === undefined ? {} : { onNote: input.onNote }) });
  const last = chunks[chunks.length - 1];
  return {
    format: INFERENCE_PROOF_FORMAT,
    status: 'proven',
    statement: 'each model, evaluated in the circuit on each committed benchmark row (features and label as committed in benchmark_commitment), gives the hard label that is counted (score >= threshold, applied in the circuit), and the counts of correct labels are counts.baseline_correct and counts.new_correct',
    circuit: { name: LINEAR_CIRCUIT_NAME, hash: linearCircuitHash(), rows_per_chunk: LINEAR_ROWS, features: LINEAR_FEATURES, logit_bits: LINEAR_LOGIT_BITS, verification_key_sha256: LINEAR_VERIFICATION_KEY_SHA256 },
    quantization: { scheme: QUANTIZATION_SCHEME, feature_scale_bits: FEATURE_SCALE_BITS, weight_scale_bits: WEIGHT_SCALE_BITS, threshold: input.threshold },
    plan,
    benchmark_commitment: last?.benchmark ?? '0',
    model_commitments: { baseline: modelCommitment(qm0), new: modelCommitment(qm1) },
    counts: { rows: q.rows, baseline_correct: chunks.reduce((s, c) => s + c.baseline_correct, 0), new_correct: chunks.reduce((s, c) => s + c.new_correct, 0) },
    mismatch: { baseline: labelMismatch(l0, input.baselineScores, input.threshold), new: labelMismatch(l1, input.newScores, input.threshold) },
    chunks: proofs.map((p) => ({ proof: p.proof, publicSignals: p.publicSignals })),
  };
}

/**
 * Checks an inference proof file against the folder's ONNX files (weights and M0/M1 recomputed),
 * the attested correct counts, and, when given, the benchmark (B recomputed from its rows).
 */
export async function checkInferenceProof(
  raw: unknown,
  context: { baselineOnnx: Uint8Array; modelOnnx: Uint8Array; counts: { rows: number; baseline_correct: number; new_correct: number }; benchmark?: { table: BenchmarkColumns; labels: ArrayLike<number> } },
): Promise<VerificationCheck[]> {
  const name = 'inference proof';
  const parsed = InferenceProofFileSchema.safeParse(raw);
  if (!parsed.success) return [{ name, ok: false, detail: `${INFERENCE_PROOF_FILE} is malformed: ${parsed.error.issues[0]?.message ?? 'unknown'}` }];
  const file = parsed.data;
  if (file.status === 'not_proven') return [{ name, ok: true, detail: file.reason }];
  const problems: string[] = [];
  if (file.circuit.hash !== linearCircuitHash() || file.circuit.verification_key_sha256 !== LINEAR_VERIFICATION_KEY_SHA256) problems.push('the proof names another circuit or key than the one this package ships');
  let expected: { baseline: ReturnType<typeof quantizeModel>; model: ReturnType<typeof quantizeModel> } | undefined;
  try {
    expected = {
      baseline: quantizeModel(readLinearModel(context.baselineOnnx, 'baseline.onnx'), file.plan, file.quantization.threshold, 'baseline.onnx'),
      model: quantizeModel(readLinearModel(context.modelOnnx, 'model.onnx'), file.plan, file.quantization.threshold, 'model.onnx'),
    };
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (expected !== undefined) {
    if (modelCommitment(expected.baseline) !== file.model_commitments.baseline) problems.push('M0 recomputed from baseline.onnx differs from the recorded commitment');
    if (modelCommitment(expected.model) !== file.model_commitments.new) problems.push('M1 recomputed from model.onnx differs from the recorded commitment');
    let benchmark: string | undefined = file.benchmark_commitment;
    if (context.benchmark !== undefined) {
      benchmark = benchmarkCommitment(quantizeBenchmark(file.plan, context.benchmark.table, context.benchmark.labels));
      if (benchmark !== file.benchmark_commitment) problems.push('B recomputed from the benchmark file differs from the recorded benchmark commitment');
    }
    const v = await verifyLinearProofs(file.chunks, { ...expected, benchmark, rows: context.counts.rows });
    problems.push(...v.problems);
    if (v.baseline_correct !== file.counts.baseline_correct || v.new_correct !== file.counts.new_correct || v.rows !== file.counts.rows) problems.push('the recorded counts are not the proven ones');
    if (v.baseline_correct !== context.counts.baseline_correct || v.new_correct !== context.counts.new_correct) {
      problems.push(`the proven correct counts (${v.baseline_correct}, ${v.new_correct}) are not the attested ones (${context.counts.baseline_correct}, ${context.counts.new_correct})`);
    }
  }
  const mismatches = file.mismatch.baseline.rows.length + file.mismatch.new.rows.length;
  return [
    {
      name,
      ok: problems.length === 0,
      detail:
        problems.length === 0
          ? `${file.chunks.length} chunk proofs: both models' labels on all ${file.counts.rows} rows and the counts ${file.counts.baseline_correct} / ${file.counts.new_correct} proven for the weights in baseline.onnx and model.onnx${context.benchmark === undefined ? '' : ' and the rows of the benchmark file'}; ${mismatches} row(s) where the circuit's label differs from the float pipeline's`
          : problems.join('; '),
    },
  ];
}
