import { canonicalJson } from '@hokusai/attestation';
import type { BinaryMetrics, DeltaReport } from '@hokusai/evaluation';

/**
 * report.json: every fact the HTML report shows, for machines. Built only from the attestation's
 * results and the predictions, so the verifier can rebuild it and compare.
 */
export interface ReportDocument {
  format: 'hokusai.report/v1';
  run_id: string;
  verdict: { accepted: boolean; reasons: DeltaReport['decision']['reasons'] };
  delta_one: number | null;
  primary_metric: string;
  n: number;
  metrics: DeltaReport['metrics'];
  baseline_metrics: BinaryMetrics;
  new_metrics: BinaryMetrics;
  data: unknown;
  attestation: { merkle_root: string; body_sha256: string; proof_system: string; verify_command: string };
}

export function buildReportDocument(input: {
  runId: string;
  delta: DeltaReport;
  baselineMetrics: BinaryMetrics;
  newMetrics: BinaryMetrics;
  dataReport: unknown;
  merkleRoot: string;
  bodySha256: string;
  proved: boolean;
}): ReportDocument {
  return {
    format: 'hokusai.report/v1',
    run_id: input.runId,
    verdict: { accepted: input.delta.decision.accepted, reasons: input.delta.decision.reasons },
    delta_one: input.delta.delta_one,
    primary_metric: input.delta.primary_metric,
    n: input.delta.n,
    metrics: input.delta.metrics,
    baseline_metrics: input.baselineMetrics,
    new_metrics: input.newMetrics,
    data: input.dataReport,
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
  return `${JSON.stringify(JSON.parse(canonicalJson(document)), null, 2)}\n`;
}
