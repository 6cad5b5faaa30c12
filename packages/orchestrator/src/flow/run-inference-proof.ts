import {
  AttestationError,
  benchmarkCommitment,
  benchmarkPlan,
  buildInferenceProof,
  inferenceColumns,
  inferenceStatementSha256,
  quantizeBenchmark,
  readLinearModel,
  type InferenceProofFile,
  type InferenceProofInput,
} from '@hokusai/attestation';
import { BenchmarkRegistry } from '@hokusai/evaluation';
import { OrchestratorError } from '../errors.js';
import type { PipelineConfig } from './config.js';
import { DEFAULT_BENCHMARK_REGISTRY } from './steps/delta-step.js';

/** The registry entry whose inference commitment B a run's benchmark matched. */
export interface RegisteredInferenceEntry {
  id: string;
  version: string;
  commitment: string;
}

/**
 * What the attestation states about the inference proof (results.inference): whether it was made,
 * why not when it was not, the benchmark commitment B it covers and the registry entry B matched.
 */
export interface AttestedInference {
  status: 'proven' | 'not_proven';
  reason: string | null;
  benchmark_commitment: string | null;
  registered: RegisteredInferenceEntry | null;
  /**
   * inferenceStatementSha256 of inference_proof.json: binds what the file states (counts, B, weights'
   * commitments, public signals) to the body, while its randomized proofs stay out of it.
   */
  statement_sha256: string;
}

/** What the run hands the inference proof: attestation's own input, unchanged. */
export type RunInferenceInput = InferenceProofInput;

/** Whether this run proves inference at all: only with the proof on and proof.inference not false. */
export function inferenceRequested(config: PipelineConfig): boolean {
  return config.proof.enabled && config.proof.inference !== false;
}

/**
 * B of the benchmark over the columns both models read, as the inference proof will commit to it,
 * or null when the models are outside what the circuit holds (then nothing is proven to compare).
 */
export function runBenchmarkCommitment(input: Pick<RunInferenceInput, 'baselineOnnx' | 'modelOnnx' | 'table' | 'labels'>): { commitment: string; columns: string[] } | null {
  try {
    const models = [readLinearModel(input.baselineOnnx, 'baseline.onnx'), readLinearModel(input.modelOnnx, 'model.onnx')];
    const plan = benchmarkPlan(input.table, inferenceColumns(models));
    return { commitment: benchmarkCommitment(quantizeBenchmark(plan, input.table, input.labels)), columns: [...plan.numeric, ...plan.categorical.map((c) => c.name)] };
  } catch (error) {
    if (error instanceof AttestationError && (error.code === 'HOKUSAI_INFERENCE_UNSUPPORTED' || error.code === 'HOKUSAI_QUANTIZATION')) return null;
    throw error;
  }
}

/**
 * The registered inference commitment of the run's benchmark (config.benchmarkId), or null when
 * the run names no registered benchmark or its entry was registered without one.
 */
export function registeredInference(config: PipelineConfig): RegisteredInferenceEntry | null {
  if (config.benchmarkId === undefined) return null;
  const [id, version] = config.benchmarkId.split('@') as [string, string];
  const record = new BenchmarkRegistry(registryFileOf(config)).get(id, version);
  if (record.inference_commitment === undefined) return null;
  return { id, version, commitment: record.inference_commitment.commitment };
}

const registryFileOf = (config: PipelineConfig): string => config.benchmarkRegistry ?? DEFAULT_BENCHMARK_REGISTRY;

/**
 * Refuses, before any proving, a run whose benchmark commitment B is not the one its owner
 * registered: the proof would otherwise cover rows nobody registered.
 */
export function assertRegisteredCommitment(registered: RegisteredInferenceEntry, actual: { commitment: string; columns: string[] }, files: { benchmark: string; registry: string }): void {
  if (actual.commitment === registered.commitment) return;
  throw new OrchestratorError(
    'HOKUSAI_BENCHMARK_COMMITMENT_MISMATCH',
    `the benchmark ${files.benchmark} gives the inference commitment B ${actual.commitment} over the columns the models read (${actual.columns.join(', ')}), but ${registered.id}@${registered.version} is registered in ${files.registry} with B ${registered.commitment}. ` +
      'Score against the registered rows, labels and feature columns, or register this benchmark as a new version (`hokusai benchmark register --inference-columns`).',
    { step: 'attest' },
  );
}

/**
 * The inference proof of a run (proof.inference auto or true): B checked against the registry,
 * then both models proven on every benchmark row, or a file saying why inference is not proven.
 * With proof.inference true, a run whose models cannot be proven fails instead.
 */
export async function proveRunInference(config: PipelineConfig, input: RunInferenceInput): Promise<{ file: InferenceProofFile; attested: AttestedInference }> {
  const registered = registeredInference(config);
  // B is checked before proving only against a registered benchmark: the proof chain computes it
  // again (a Poseidon chain over every row: 18 s at 20,000 rows), so a run without a registry
  // entry does not compute it twice.
  if (registered !== null) {
    const actual = runBenchmarkCommitment(input);
    if (actual !== null) assertRegisteredCommitment(registered, actual, { benchmark: config.benchmark, registry: registryFileOf(config) });
  }
  const file = await buildInferenceProof(input);
  if (file.status === 'not_proven') {
    if (config.proof.inference === true) {
      throw new OrchestratorError('HOKUSAI_INFERENCE_NOT_PROVABLE', `proof.inference is true (--prove-inference) but ${file.reason}. Use proof.inference "auto" to record that inference is not proven, or false to skip it.`, { step: 'attest' });
    }
    return { file, attested: { status: 'not_proven', reason: file.reason, benchmark_commitment: null, registered: null, statement_sha256: inferenceStatementSha256(file) } };
  }
  return { file, attested: { status: 'proven', reason: null, benchmark_commitment: file.benchmark_commitment, registered, statement_sha256: inferenceStatementSha256(file) } };
}
