import { canonicalJson } from '@hokusai/attestation';
import {
  calibrationCurve,
  rocAndPrCurves,
  stratifiedDelta,
  type BinaryMetrics,
  type CalibrationBin,
  type DeltaReport,
  type PrCurve,
  type RocCurve,
  type StratifiedDeltaResult,
} from '@hokusai/evaluation';
import { OrchestratorError } from '../errors.js';
import { buildReportContext, type ReportContext } from './report-context.js';
import { ReportDocumentSchema } from './report-schema.js';

/** Points per curve in the report: enough for a smooth chart, small enough for a light page. */
const CURVE_POINTS = 200;
const CALIBRATION_BINS = 10;

export interface ModelCurves {
  roc: RocCurve | null;
  pr: PrCurve | null;
  calibration: CalibrationBin[];
}

/**
 * report.json: every fact the HTML report shows, for machines. Built only from the attested
 * results, data_report.json and predictions.json, so the verifier rebuilds it and compares bytes.
 */
export interface ReportDocument {
  format: 'hokusai.report/v1';
  run_id: string;
  verdict: {
    accepted: boolean;
    reasons: DeltaReport['decision']['reasons'];
    /** The acceptance rule as applied, in words. */
    rule: string;
    /** 'same recipe' when only the data differ between the models, 'different recipe' otherwise; null when unknown. */
    comparison: 'same recipe' | 'different recipe' | null;
    recipe: DeltaReport['recipe'];
  };
  delta_one: number | null;
  primary_metric: string;
  n: number;
  threshold: number;
  metrics: DeltaReport['metrics'];
  tests: DeltaReport['tests'];
  baseline_metrics: BinaryMetrics;
  new_metrics: BinaryMetrics;
  curves: { baseline: ModelCurves; new: ModelCurves };
  strata: StratifiedDeltaResult[];
  /** What training did with every column (the attested `results.feature_plan`); null for older runs. */
  feature_plan: unknown;
  data: unknown;
  /** Target, models, input files, seed, the acceptance rule and what the proof covers. */
  context: ReportContext;
  /** data_profile.json as written (distributions, drift, importance); absent when the run has none. */
  data_profile?: unknown;
  attestation: { merkle_root: string; body_sha256: string; proof_system: string; verify_command: string };
}

export interface ReportPredictions {
  labels: Int32Array;
  baselineScores: Float64Array;
  newScores: Float64Array;
  strata: Record<string, (string | null)[]>;
}

function curvesOf(labels: Int32Array, scores: Float64Array): ModelCurves {
  const { roc, pr } = rocAndPrCurves(labels, scores, { roc: { maxPoints: CURVE_POINTS }, pr: { maxPoints: CURVE_POINTS } });
  return { roc, pr, calibration: calibrationCurve(labels, scores, { bins: CALIBRATION_BINS }) };
}

export function buildReportDocument(input: {
  runId: string;
  delta: DeltaReport;
  baselineMetrics: BinaryMetrics;
  newMetrics: BinaryMetrics;
  predictions: ReportPredictions;
  dataReport: unknown;
  featurePlan?: unknown;
  merkleRoot: string;
  bodySha256: string;
  proved: boolean;
  /** The attestation body: the context is read from it, so the verifier rebuilds the same one. */
  attestationBody: unknown;
  /** The MLflow run, known only once the run is tracked (after the attestation): not attested. */
  mlflow?: ReportContext['mlflow'];
  /** The parsed data_profile.json of the run, if it has one. */
  dataProfile?: unknown;
  /** The parsed inference_proof.json of the run, if it has one (used only when the body attests it). */
  inferenceProof?: unknown;
}): ReportDocument {
  const p = input.predictions;
  const threshold = input.newMetrics.threshold;
  return {
    format: 'hokusai.report/v1',
    run_id: input.runId,
    verdict: {
      accepted: input.delta.decision.accepted,
      reasons: input.delta.decision.reasons,
      rule: input.delta.decision.rule,
      comparison: input.delta.recipe === null ? null : input.delta.recipe.same ? 'same recipe' : 'different recipe',
      recipe: input.delta.recipe,
    },
    delta_one: input.delta.delta_one,
    primary_metric: input.delta.primary_metric,
    n: input.delta.n,
    threshold,
    metrics: input.delta.metrics,
    tests: input.delta.tests,
    baseline_metrics: input.baselineMetrics,
    new_metrics: input.newMetrics,
    curves: { baseline: curvesOf(p.labels, p.baselineScores), new: curvesOf(p.labels, p.newScores) },
    strata: Object.entries(p.strata)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([column, values]) => stratifiedDelta(p.labels, p.baselineScores, p.newScores, values, { column, threshold })),
    feature_plan: input.featurePlan ?? null,
    data: input.dataReport,
    context: buildReportContext(input.attestationBody, input.mlflow ?? null, input.inferenceProof),
    ...(input.dataProfile === undefined ? {} : { data_profile: input.dataProfile }),
    attestation: {
      merkle_root: input.merkleRoot,
      body_sha256: input.bodySha256,
      proof_system: input.proved ? 'groth16' : 'none',
      verify_command: 'hokusai verify <this folder>',
    },
  };
}

/**
 * The exact text of report.json: keys in canonical order, so the report built during the run
 * and the one the verifier rebuilds from attested (canonical) results are byte-identical.
 */
export function reportJsonText(document: ReportDocument): string {
  // Checked against the schema readers use, so a field the builder changes cannot leave the CLI,
  // the server or a test reading a report.json it refuses.
  const checked = ReportDocumentSchema.safeParse(document);
  if (!checked.success) {
    const issues = checked.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new OrchestratorError('HOKUSAI_REPORT_DOCUMENT_INVALID', `The report document built for run ${document.run_id} does not match the report.json schema (${issues}); report.json was not written.`);
  }
  return `${JSON.stringify(JSON.parse(canonicalJson(document)), null, 2)}\n`;
}
