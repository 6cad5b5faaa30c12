import { describe, expect, it } from 'vitest';
import { ReportDocumentSchema as FromSubpath } from '@hokusai/orchestrator/report-schema';
import { ReportDocumentSchema } from '@hokusai/orchestrator';
import { reportJsonText, type ReportDocument } from '../src/flow/report-document.js';

const curves = { roc: { fpr: [0, 1], tpr: [0, 1] }, pr: { precision: [1, 0.5], recall: [0, 1] }, calibration: [] };
const metrics = { n: 4, confusion: { tp: 1, fp: 1, tn: 1, fn: 1 }, auroc: 0.5, average_precision: 0.5, brier: 0.25, threshold: 0.5 };

/** The smallest document the builder could make: one metric, no strata, an older run's sections absent. */
function document(): ReportDocument {
  return {
    format: 'hokusai.report/v1',
    run_id: 'r1',
    verdict: { accepted: false, reasons: [{ code: 'TOO_FEW_SAMPLES', message: 'few' }], rule: 'rule', comparison: null, recipe: null },
    delta_one: 0,
    primary_metric: 'accuracy',
    n: 4,
    threshold: 0.5,
    metrics: { accuracy: { baseline: 0.5, new: 0.5, delta_pp: 0, ci: [-1, 1], ci_level: 0.95, p_value: 1, test: 'mcnemar', direction: 'higher', improved: false } },
    tests: { mcnemar: null },
    baseline_metrics: metrics,
    new_metrics: metrics,
    curves: { baseline: curves, new: curves },
    strata: [],
    feature_plan: null,
    data: null,
    context: null,
    attestation: { merkle_root: 'm', body_sha256: 'b', proof_system: 'none', verify_command: 'hokusai verify <this folder>' },
  } as unknown as ReportDocument;
}

describe('the report document has one schema', () => {
  it('is exported by the package root and by the light @hokusai/orchestrator/report-schema entry point', () => {
    expect(FromSubpath).toBe(ReportDocumentSchema);
  });

  it('checks what the orchestrator writes: a document that breaks it is refused, naming the key', () => {
    expect(ReportDocumentSchema.parse(JSON.parse(reportJsonText(document()))).run_id).toBe('r1');
    const broken = { ...document(), delta_one: 'a lot' } as unknown as ReportDocument;
    let error: { code?: string; kind?: string; message: string } | undefined;
    try {
      reportJsonText(broken);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error).toMatchObject({ code: 'HOKUSAI_REPORT_DOCUMENT_INVALID', kind: 'internal' });
    expect(error?.message).toMatch(/delta_one/);
  });
});
