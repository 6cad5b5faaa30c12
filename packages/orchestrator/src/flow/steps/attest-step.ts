import { basename } from 'node:path';
import type { Table } from 'apache-arrow';
import { buildAttestation, INFERENCE_PROOF_FILE, INFERENCE_PROOF_FORMAT, inferenceStatementSha256, sha256Hex, type AttestationInput, type InferenceProofFile } from '@hokusai/attestation';
import { benchmarkColumns } from '../inference-benchmark.js';
import { inferenceRequested, proveRunInference, type AttestedInference } from '../run-inference-proof.js';
import type { DatasetManifest } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import { attestedConfig } from '../attested-config.js';
import { planMemory } from '../memory-plan.js';
import { dataProfile } from '../data-profile/data-profile.js';
import type { FlowContext } from '../flow-context.js';
import { encodePredictions, predictionBitsOf } from '../predictions-file.js';
import type { DeltaReport } from '@hokusai/evaluation';
import type { EvaluateOutput } from './evaluate-step.js';
import type { IntegrateOutput } from './integrate-step.js';
import { DATASET_ROLES, type ManifestsOutput } from './manifests-step.js';
import type { TrainOutput } from './train-step.js';
import type { SearchOutput } from './search-step.js';

export interface AttestOutput {
  /** Output files covered by the attestation, by name, with their exact bytes. */
  files: Record<string, Uint8Array>;
  built: Awaited<ReturnType<typeof buildAttestation>>;
  runId: string;
}

/** What the attestation covers: the three inputs' manifests and every result. */
/**
 * What the attestation reads of integrate: the report, the PII columns, the feature plan and
 * profiles when there are any, and the benchmark table when it is in memory (a streaming run's
 * benchmark is on disk, and its inference is then recorded as not proven).
 */
export type AttestedData = Pick<IntegrateOutput, 'report' | 'piiColumns' | 'featurePlan' | 'columnProfiles'> & { benchmark?: Table };

/** Why a streaming run's inference is not proven. */
const STREAMED_INFERENCE_REASON = 'the run streamed its data (inputs over resources.memory), and proving inference needs the benchmark in memory';

export type AttestReads = {
  manifests: Step<ManifestsOutput>;
  integrate: Step<AttestedData>;
  search: Step<SearchOutput>;
  baseline: Step<TrainOutput>;
  candidate: Step<TrainOutput>;
  evaluation: Step<EvaluateOutput>;
  delta: Step<DeltaReport>;
};

/** The manifest as published: the file is named without the folders of this machine. */
function publicManifest(manifest: DatasetManifest): DatasetManifest {
  return { ...manifest, source_path: basename(manifest.source_path) };
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/** Hashes every input and output, builds the Merkle root and, by default, the Groth16 proof. */
export function attestStep(flow: FlowContext, reads: AttestReads): Step<AttestOutput> {
  return defineStep({
    name: 'attest',
    reads,
    memoryMb: 1000,
    run: async (ctx): Promise<AttestOutput> => {
      const { manifests, integrate: data, search, baseline, candidate, evaluation, delta } = ctx.inputs;
      // Base, contributed, benchmark: the order the attested inputs have always been listed in.
      const loads = DATASET_ROLES.map((role) => ({ role, manifest: manifests[role] }));
      const threshold = evaluation.baselineMetrics.threshold;

      const files: Record<string, Uint8Array> = {
        'model.onnx': candidate.onnx,
        'baseline.onnx': baseline.onnx,
        'predictions.json': encodePredictions({ ...evaluation, threshold }),
        'data_report.json': json(data.report),
        // Per-column distributions, drift and the new model's permutation importance (PII columns left out).
        ...(data.columnProfiles === undefined ? {} : { 'data_profile.json': json(dataProfile(data.columnProfiles, evaluation.importance ?? null)) }),
        // Manifests of the inputs as given. Manifests of the PII-treated tables are left out:
        // their content hashes depend on the HMAC key, which may be ephemeral.
        ...Object.fromEntries(loads.map((l) => [`manifests/${l.role}.json`, json(publicManifest(l.manifest))])),
      };
      let inference: AttestedInference | undefined;
      if (inferenceRequested(flow.config)) {
        // Its statement is attested (results.inference.statement_sha256), not its bytes: the
        // proofs in it are randomized. It says why when inference is not proven.
        const made = data.benchmark === undefined ? streamedInference() : await proveRunInference(flow.config, {
          baselineOnnx: baseline.onnx,
          modelOnnx: candidate.onnx,
          table: benchmarkColumns(data.benchmark),
          labels: evaluation.labels,
          baselineScores: evaluation.baselineScores,
          newScores: evaluation.newScores,
          threshold,
          onChunk: (done, of) => ctx.emit({ type: 'progress', unit: 'inference chunks', done, total: of, message: `inference proof: chunk ${done} of ${of}` }),
          onNote: (note) => ctx.emit({ type: 'progress', message: `inference proof: ${note}` }),
        });
        files[INFERENCE_PROOF_FILE] = json(made.file);
        inference = made.attested;
      }
      // The same plan the run was started under: decided from the input files' sizes and the budget.
      const memoryPlan = await planMemory(flow.config);
      const input: AttestationInput = {
        run_id: ctx.runId,
        pipeline_version: flow.pipelineVersion,
        inputs: Object.fromEntries(
          loads.map((l) => [
            l.role,
            { file_name: basename(l.manifest.source_path), format: l.manifest.format, file_sha256: l.manifest.file_sha256, content_hash: l.manifest.content_hash, row_count: l.manifest.row_count },
          ]),
        ),
        config: attestedConfig(flow.config),
        models: {
          baseline: { onnx_sha256: sha256Hex(baseline.onnx), family: baseline.metadata?.family ?? 'supplied' },
          new: { onnx_sha256: sha256Hex(candidate.onnx), family: candidate.metadata?.family ?? 'supplied' },
        },
        results: {
          baseline_metrics: evaluation.baselineMetrics,
          new_metrics: evaluation.newMetrics,
          delta,
          training: { params: search.params, search },
          // The feature plan is attested with the results it led to (null for a run stored before plans).
          feature_plan: data.featurePlan ?? null,
          // In memory or streaming, under which budget; only when the config sets one, so runs
          // without a budget keep their bytes.
          ...(memoryPlan === null ? {} : { execution: memoryPlan }),
          // Whether inference is proven (or why not) and the registry entry B matched; only when attempted.
          ...(inference === undefined ? {} : { inference }),
          data: {
            pii_columns: data.piiColumns,
            // The rows of the tables integrate handed on, as its report counts them.
            merged_rows: data.report.rows.merged,
            base_rows: data.report.rows.base,
            benchmark_rows: data.report.rows.benchmark,
          },
        },
        // Every output by its hash, but for inference_proof.json, whose randomized proofs would make
        // the body differ run after run: its statement is attested in results.inference.
        files: Object.fromEntries(Object.entries(files).filter(([name]) => name !== INFERENCE_PROOF_FILE).map(([name, bytes]) => [name, sha256Hex(bytes)])),
        // What zk_output_v1.json publishes about the contributor, attested so it cannot be swapped.
        // The MLflow run is created after the attestation, so zk_output_v1.json names none.
        publication: {
          contributor_id: flow.config.contributor.id ?? null,
          wallet_address: flow.config.contributor.wallet ?? null,
          benchmark_type: `${flow.config.task}_classification`,
          mlflow_run_id: null,
        },
        predictions: predictionBitsOf(evaluation, threshold),
      };
      const request = await flow.hooks.apply('pre_attestation', input);
      const proof = flow.config.proof;
      const built = await buildAttestation(request, {
        prove: proof.enabled,
        // Started by the evaluate step in this process; used only if they are of these predictions.
        commitments: flow.earlyCommitments?.take(),
        ...(proof.circuitN === undefined ? {} : { circuitN: proof.circuitN }),
        ...(proof.ptau === undefined ? {} : { ptauPath: proof.ptau }),
        // Proving phases (circuit, setup, then witness, prove and verify per chunk) as one bar.
        onProgress: (p) => ctx.emit({ type: 'progress', unit: 'proof phases', done: p.done, total: p.total, message: `${p.phase}${p.state === 'end' ? ' done' : ''}: ${p.message}` }),
      });
      await flow.hooks.apply('post_attestation', built);
      return { files, built, runId: ctx.runId };
    },
  });
}

/** Inference recorded as not proven, with why, for a run whose benchmark stayed on disk. */
function streamedInference(): { file: InferenceProofFile; attested: AttestedInference } {
  const file: InferenceProofFile = { format: INFERENCE_PROOF_FORMAT, status: 'not_proven', reason: STREAMED_INFERENCE_REASON };
  return { file, attested: { status: 'not_proven', reason: STREAMED_INFERENCE_REASON, benchmark_commitment: null, registered: null, statement_sha256: inferenceStatementSha256(file) } };
}
