import type { DeltaReport } from '@hokusai/evaluation';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import { buildReportDocument, reportJsonText, type ReportDocument } from '../report-document.js';
import type { AttestOutput } from './attest-step.js';
import type { EvaluateOutput } from './evaluate-step.js';
import type { IntegrateOutput } from './integrate-step.js';

export interface ReportOutput {
  document: ReportDocument;
  html: string | null;
}

export function reportStep(flow: FlowContext): StepDefinition {
  return {
    name: 'report',
    inputs: ['integrate', 'evaluate', 'delta', 'attest'],
    run: async (ctx): Promise<ReportOutput> => {
      const data = ctx.inputs.integrate as IntegrateOutput;
      const evaluation = ctx.inputs.evaluate as EvaluateOutput;
      const attest = ctx.inputs.attest as AttestOutput;
      const { attestation } = attest.built;
      const document = buildReportDocument({
        runId: ctx.runId,
        delta: ctx.inputs.delta as DeltaReport,
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
  };
}
