import { attestationSection } from './attestation-section.js';
import { contextSection } from './context-section.js';
import { curvesSection } from './curves-section.js';
import { dataProfileSection } from './data-profile-section.js';
import { dataQualitySection } from './data-quality-section.js';
import { featurePlanSection } from './feature-plan-section.js';
import { esc } from './html-escape.js';
import { metricsSection } from './metrics-section.js';
import { piiSection } from './pii-section.js';
import { REPORT_CSS } from './report-style.js';
import { parseReport } from './report-schema.js';
import { rowsSection } from './rows-section.js';
import { strataSection } from './strata-section.js';
import { verdictSection } from './verdict-section.js';

/**
 * report.html: one self-contained page (inline CSS and SVG; no script, font or image from
 * anywhere) rendered from report.json alone. It is a pure function of its input — no clock,
 * randomness, locale or environment — so the verifier can re-render report.json and compare
 * bytes. Throws ReportRenderError (HOKUSAI_REPORT_INVALID) when the input is not a
 * hokusai.report/v1 document.
 */
export function renderReportHtml(report: unknown): string {
  const r = parseReport(report);
  const status = r.verdict.accepted ? 'accepted' : 'rejected';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Hokusai report · ${status} · ${esc(r.run_id)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${verdictSection(r)}
${metricsSection(r)}
${contextSection(r)}
${featurePlanSection(r)}
${curvesSection(r)}
${strataSection(r)}
${dataProfileSection(r)}
${dataQualitySection(r)}
${piiSection(r)}
${rowsSection(r)}
${attestationSection(r)}
<footer>Rendered from report.json (hokusai.report/v1) of run <code>${esc(r.run_id)}</code>. The page holds no scripts and loads nothing; <code>hokusai verify</code> re-renders it byte for byte.</footer>
</main>
</body>
</html>
`;
}
