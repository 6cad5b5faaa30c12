import type { DeltaReport } from '@hokusai/evaluation';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import { buildReportDocument, reportJsonText, type ReportDocument } from '../report-document.js';
import type { AttestedData, AttestOutput } from './attest-step.js';
import type { EvaluateOutput } from './evaluate-step.js';

export interface ReportOutput {
  document: ReportDocument;
  html: string | null;
}

export function reportStep(
  flow: FlowContext,
  reads: { integrate: Step<AttestedData>; evaluation: Step<EvaluateOutput>; delta: Step<DeltaReport>; attest: Step<AttestOutput> },
): Step<ReportOutput> {
  return defineStep({
    name: 'report',
    reads,
    run: async (ctx): Promise<ReportOutput> => {
      const { integrate: data, evaluation, delta, attest } = ctx.inputs;
      const { attestation } = attest.built;
      const document = buildReportDocument({
        runId: ctx.runId,
        delta,
        baselineMetrics: evaluation.baselineMetrics,
        newMetrics: evaluation.newMetrics,
        predictions: evaluation,
        dataReport: data.report,
        featurePlan: data.featurePlan ?? null,
        merkleRoot: attestation.merkle_root,
        bodySha256: attestation.body_sha256,
        proved: attest.built.proofFiles !== undefined,
        attestationBody: attestation.body,
        // Parsed from the file's own bytes, as the verifier reads it.
        ...(attest.files['inference_proof.json'] === undefined ? {} : { inferenceProof: JSON.parse(new TextDecoder().decode(attest.files['inference_proof.json'])) as unknown }),
        ...(attest.files['data_profile.json'] === undefined ? {} : { dataProfile: JSON.parse(new TextDecoder().decode(attest.files['data_profile.json'])) as unknown }),
      });
      // Rendered from the text of report.json, exactly as the verifier will re-render it.
      return { document, html: flow.renderReport ? flow.renderReport(JSON.parse(reportJsonText(document))) : null };
    },
  });
}
