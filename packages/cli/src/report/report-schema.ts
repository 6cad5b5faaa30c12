import { ReportDocumentSchema, type ReportView } from '@hokusai/orchestrator/report-schema';
import { ReportRenderError } from './report-error.js';

// The page reads report.json with the orchestrator's one schema of it (a light entry point: zod
// only, so rendering never loads the pipeline).
export type {
  ColumnProfileView,
  ContextView,
  DataProfileView,
  DataReportView,
  FeaturePlanColumnView,
  FeaturePlanView,
  MetricDeltaView,
  ModelCurvesView,
  ReportView,
  StrataColumnView,
} from '@hokusai/orchestrator/report-schema';

export function parseReport(report: unknown): ReportView {
  const parsed = ReportDocumentSchema.safeParse(report);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
  throw new ReportRenderError(
    'HOKUSAI_REPORT_INVALID',
    `report.json is not a hokusai.report/v1 document (${issues}). Render only the report.json written by \`hokusai run\`; if it was edited, re-run \`hokusai verify <folder>\` to see what changed.`,
  );
}
