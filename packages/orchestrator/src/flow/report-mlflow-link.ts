import { join } from 'node:path';
import { writeFileAtomic } from '@hokusai/attestation';
import { splitUriCredentials } from '@hokusai/tracking';
import { mlflowRunUrl } from './report-context.js';
import { reportJsonText, type ReportDocument } from './report-document.js';

/**
 * Names the MLflow run in report.json and report.html once the run is tracked. The MLflow run
 * exists only after the output folder is written, so both files are rewritten (each atomically);
 * the link is the one field of report.json that is not attested.
 */
export async function linkReportToMlflow(
  out: string,
  document: ReportDocument,
  tracking: { mode: 'server' | 'journal'; runId: string },
  trackingUri: string | undefined,
  renderReport: ((report: unknown) => string) | undefined,
): Promise<void> {
  if (tracking.mode !== 'server' || trackingUri === undefined || trackingUri.trim() === '') return;
  const url = mlflowRunUrl(splitUriCredentials(trackingUri.trim()).uri, tracking.runId);
  if (!/^https?:\/\//.test(url)) return;
  const linked: ReportDocument = { ...document, context: { ...document.context, mlflow: { run_id: tracking.runId, url } } };
  const text = reportJsonText(linked);
  await writeFileAtomic(join(out, 'report.json'), text);
  if (renderReport !== undefined) await writeFileAtomic(join(out, 'report.html'), renderReport(JSON.parse(text)));
}
