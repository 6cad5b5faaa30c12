import { z } from 'zod';
import { INFERENCE_PROOF_FILE, InferenceProofFileSchema, inferenceStatementSha256, type InferenceProofFile } from '@hokusai/attestation';
import { MemoryPlanSchema, type MemoryPlan } from './memory-plan.js';

/**
 * The run's context as the report shows it: what was predicted, by which models, from which
 * files, under which rule, and what the proof does and does not establish. Built from the
 * attestation body alone (plus the MLflow link, which is not attested), so the verifier
 * rebuilds it from attestation.json.
 */
export interface ReportContext {
  task: string;
  target: string;
  seed: number;
  models: { baseline: { family: string; onnx_sha256: string }; new: { family: string; onnx_sha256: string } };
  inputs: { role: string; file_name: string; file_sha256: string; rows: number }[];
  /** The acceptance rule in one line, from the attested settings. */
  acceptance_rule: string;
  proof: {
    system: string;
    circuit: { name: string; rows_per_chunk: number; hash: string } | null;
    covers: string[];
    does_not_cover: string[];
    /** True when the proving setup is not from a public ceremony (anyone could forge proofs). */
    insecure_setup: boolean;
    setup_note: string | null;
  };
  /** The MLflow run of this pipeline run; null when it was not logged to a server. Not attested. */
  mlflow: { run_id: string; url: string } | null;
  /** In memory or streaming under the config's `resources.memory` (attested); absent when no budget was set. */
  execution?: MemoryPlan;
}

const hash = z.string();
/** The parts of an attestation body the context reads; anything else is ignored. */
const attestedBody = z.object({
  inputs: z.record(z.string(), z.object({ file_name: z.string(), file_sha256: hash, row_count: z.number() })),
  config: z.object({
    task: z.string(),
    target: z.string(),
    seed: z.number(),
    delta: z.object({ primaryMetric: z.string(), thresholdPp: z.number(), alpha: z.number(), minSamples: z.number(), significanceAgainst: z.enum(['zero', 'threshold']).optional() }),
    acceptance: z.object({ allowDifferentRecipe: z.boolean() }).optional(),
    benchmark_id: z.string().nullable().optional(),
    proof: z.object({ inference: z.union([z.literal('auto'), z.boolean()]).optional() }).optional(),
  }),
  models: z.object({ baseline: z.object({ family: z.string(), onnx_sha256: hash }), new: z.object({ family: z.string(), onnx_sha256: hash }) }),
  files: z.record(z.string(), hash).optional(),
  results: z
    .object({ execution: MemoryPlanSchema.optional(), inference: z.object({ registered: z.object({ id: z.string(), version: z.string() }).nullable(), statement_sha256: z.string().optional() }).optional() })
    .optional(),
  predictions: z
    .object({
      proof_system: z.string(),
      setup: z.object({ circuit: z.object({ name: z.string(), n: z.number(), hash: z.string() }), insecure: z.boolean(), note: z.string() }).nullable(),
    })
    .nullable()
    .optional(),
});

export type AttestedBodyFacts = z.infer<typeof attestedBody>;

const ROLE_ORDER = ['base', 'contributed', 'benchmark'];

/** Settings as written in the config: shortest form. */
const setting = (v: number): string => String(v);

export function acceptanceRuleText(config: AttestedBodyFacts['config']): string {
  const d = config.delta;
  const level = `${Math.round((1 - d.alpha) * 1000) / 10}%`;
  const significance =
    d.significanceAgainst === 'threshold'
      ? `the ${level} interval's worse end ≥ ${setting(d.thresholdPp)} pp`
      : `p < ${setting(d.alpha)} with the ${level} interval above 0`;
  const benchmark = config.benchmark_id === undefined || config.benchmark_id === null ? 'benchmark not registered (no registered hash to match)' : `benchmark ${config.benchmark_id} unchanged since registered`;
  const recipe = config.acceptance?.allowDifferentRecipe === true ? 'a different baseline recipe allowed' : 'both models trained with the same recipe when the baseline records one';
  return `Accepted when DeltaOne ≥ ${setting(d.thresholdPp)} pp on ${d.primaryMetric}, ${significance}, n ≥ ${setting(d.minSamples)} benchmark rows, ${benchmark}, ${recipe}.`;
}

/** The family the inference circuit covers. */
const LINEAR_FAMILY = 'logistic_regression';
const NOT_PROVEN = 'That the committed predictions are what the ONNX models compute (the inference is not proved): `hokusai verify --benchmark <file>` re-runs both models to check it.';

/**
 * What a proof under a given circuit establishes, by circuit name. A circuit this table does not
 * know is described only by its name and hash, which stays true whatever it proves.
 */
function proofScope(circuit: { name: string; n: number; hash: string } | null, rows: number): { covers: string[]; does_not_cover: string[] } {
  const notTraining = 'How the models were trained: the attestation binds the data and the models by hash, but no proof relates one to the other.';
  if (circuit === null) {
    return {
      covers: [],
      does_not_cover: [
        'No zero-knowledge proof was made: the hashes and the Merkle root bind the inputs, both models and every figure, and `hokusai verify` recomputes the figures from predictions.json.',
        notTraining,
      ],
    };
  }
  if (circuit.name === 'hokusai_accuracy') {
    return {
      covers: [
        `Both models' correct-prediction counts on the ${rows} benchmark rows (hence both accuracies and the accuracy delta) follow from the committed labels and 0/1 predictions (Poseidon commitments in attestation.json), in chunks of ${circuit.n} rows.`,
      ],
      does_not_cover: [
        NOT_PROVEN,
        'The other metrics (AUROC, log loss, ...) and the significance tests: `hokusai verify` recomputes them from predictions.json.',
        notTraining,
      ],
    };
  }
  return {
    covers: [`The statement of circuit ${circuit.name} (hash ${circuit.hash}), over the ${rows} benchmark rows in chunks of ${circuit.n}.`],
    does_not_cover: [notTraining],
  };
}

/**
 * What the inference proof adds to the scope. Its file counts only when the attestation binds it
 * (see attestedInferenceFile); otherwise inference is not proven, and for a model outside
 * the linear family it cannot be yet.
 */
function inferenceScope(b: AttestedBodyFacts, file: InferenceProofFile | null): { covers: string[]; does_not_cover: string[] } {
  if (file !== null && file.status === 'proven') {
    const m = file.mismatch;
    const registered = b.results?.inference?.registered ?? null;
    return {
      covers: [
        `Each linear model's hard label (0/1) on each of the ${file.counts.rows} benchmark rows is what its weights compute on that row, for the baseline and the new model (${file.chunks.length} chunk proofs of circuit ${file.circuit.name}, weights and rows bound by commitments); proven correct labels: baseline ${file.counts.baseline_correct} of ${file.counts.rows}, new ${file.counts.new_correct} of ${file.counts.rows}.`,
        ...(registered === null ? [] : [`The committed benchmark rows are the ones registered as ${registered.id}@${registered.version}: the run found its commitment B equal to the registered one before proving.`]),
      ],
      does_not_cover: [
        ...(registered === null ? ['That the committed benchmark rows (commitment B) are a registered benchmark\'s: the run names none registered with its inference commitment (`hokusai benchmark register --inference-columns`); `hokusai verify --benchmark <file>` recomputes B from a benchmark file.'] : []),
        `That the fixed-point labels equal the float pipeline's on every row: they differ on ${m.baseline.rows.length} row(s) for the baseline and ${m.new.rows.length} for the new model (listed in ${INFERENCE_PROOF_FILE}).`,
      ],
    };
  }
  const families = [...new Set([b.models.baseline.family, b.models.new.family].filter((f) => f !== LINEAR_FAMILY))];
  const cannot = families.length > 0 ? [`Inference cannot be proven yet for ${families.join(' and ')}: the inference circuit covers the linear family (${LINEAR_FAMILY}) only.`] : [];
  // Why, from the attested facts: the run's own reason, or the setting that turned it off.
  const why =
    file !== null && file.status === 'not_proven' && families.length === 0
      ? [`Why inference is not proven for these linear models: ${file.reason}.`]
      : b.config.proof?.inference === false && b.predictions?.proof_system !== undefined && b.predictions.proof_system !== 'none'
        ? ['The inference proof was turned off for this run (proof.inference: false, --no-prove-inference).']
        : [];
  return { covers: [], does_not_cover: [NOT_PROVEN, ...cannot, ...why] };
}

/**
 * The counting proof's scope with the inference statements in place of its "inference is not
 * proved" line (a circuit without that line keeps its scope when inference is not proven).
 */
function withInference(scope: { covers: string[]; does_not_cover: string[] }, inference: { covers: string[]; does_not_cover: string[] }): { covers: string[]; does_not_cover: string[] } {
  const proven = inference.covers.length > 0;
  if (!proven && !scope.does_not_cover.includes(NOT_PROVEN)) return scope;
  const rest = scope.does_not_cover.filter((line) => line !== NOT_PROVEN);
  return { covers: [...scope.covers, ...inference.covers], does_not_cover: [...inference.does_not_cover, ...rest] };
}

/**
 * The inference proof file when the body binds it: by its statement (results.inference.
 * statement_sha256, as runs attest it) or by its bytes (listed in files). Else null: an unbound
 * file proves nothing the report may claim.
 */
function attestedInferenceFile(b: AttestedBodyFacts, file: InferenceProofFile): InferenceProofFile | null {
  const statement = b.results?.inference?.statement_sha256;
  if (statement !== undefined) return statement === inferenceStatementSha256(file) ? file : null;
  return b.files?.[INFERENCE_PROOF_FILE] !== undefined ? file : null;
}

/**
 * The report's context block from an attestation body; `mlflow` is passed through as given, and
 * `inferenceProof` is the parsed inference_proof.json, read only when the body attests it.
 */
export function buildReportContext(body: unknown, mlflow: ReportContext['mlflow'], inferenceProof?: unknown): ReportContext {
  const b = attestedBody.parse(body);
  const attestedInference = inferenceProof === undefined ? null : attestedInferenceFile(b, InferenceProofFileSchema.parse(inferenceProof));
  const setup = b.predictions?.setup ?? null;
  const system = b.predictions?.proof_system ?? 'none';
  const circuit = system === 'none' ? null : (setup?.circuit ?? null);
  const rows = b.inputs.benchmark?.row_count ?? 0;
  const roles = Object.keys(b.inputs).sort((x, y) => (ROLE_ORDER.indexOf(x) + 1 || 99) - (ROLE_ORDER.indexOf(y) + 1 || 99) || x.localeCompare(y));
  return {
    task: b.config.task,
    target: b.config.target,
    seed: b.config.seed,
    models: { baseline: b.models.baseline, new: b.models.new },
    inputs: roles.map((role) => {
      const i = b.inputs[role] as AttestedBodyFacts['inputs'][string];
      return { role, file_name: i.file_name, file_sha256: i.file_sha256, rows: i.row_count };
    }),
    acceptance_rule: acceptanceRuleText(b.config),
    proof: {
      system,
      circuit: circuit === null ? null : { name: circuit.name, rows_per_chunk: circuit.n, hash: circuit.hash },
      ...withInference(proofScope(circuit, rows), inferenceScope(b, attestedInference)),
      insecure_setup: circuit !== null && setup !== null && setup.insecure,
      setup_note: circuit === null || setup === null ? null : setup.note,
    },
    mlflow,
    ...(b.results?.execution === undefined ? {} : { execution: b.results.execution }),
  };
}

/** The MLflow UI's page of a run (its direct run route), with no credentials in the address. */
export function mlflowRunUrl(trackingUri: string, runId: string): string {
  return `${trackingUri.replace(/\/+$/, '')}/#/runs/${encodeURIComponent(runId)}`;
}
