import { writeFileAtomic } from '@hokusai/core';
import type { IntegrationReport } from '@hokusai/data-integration';
import { MISSING_TOKENS, type ValidateFindings } from './commands/validate-findings.js';
import { columnPlanText } from './feature-plan-text.js';
import { esc } from './report/html-escape.js';
import { REPORT_CSS } from './report/report-style.js';

export interface ValidatePage {
  file: string;
  valid: boolean;
  rows: number;
  columns: number;
  kept: number;
  threshold: number;
  piiMode: string;
  report: IntegrationReport;
  findings: ValidateFindings;
}

const n = (v: number): string => v.toLocaleString('en-US');

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<div class="table-wrap"><table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const card = (id: string, title: string, body: string): string => `<section id="${id}" class="card"><h2>${esc(title)}</h2>${body}</section>`;

/**
 * The findings of `hokusai validate` as one self-contained page (inline CSS, no script, nothing
 * fetched), styled like report.html. Every value from the data goes through `esc`; PII appears
 * only as counts, as in the text output.
 */
export function renderValidateHtml(p: ValidatePage): string {
  const r = p.report;
  const f = p.findings;
  const status = p.valid ? 'ready to submit' : 'NOT ready';
  const summary = table(
    ['Check', 'Result'],
    [
      ['Quality', `${esc(r.quality.score.toFixed(3))} (threshold ${esc(String(p.threshold))}${r.quality.score >= p.threshold ? '' : ', below'})`],
      ['Duplicates', `${n(r.dedup.within_contributed)} within the file, ${n(r.dedup.already_in_base)} already in the base`],
      ['Benchmark copies', `${n(r.contamination.removed)} contributed rows also in the benchmark (always removed)`],
      ...(f.overlap === null ? [] : [['Base / benchmark overlap', `${n(f.overlap.base_rows_in_benchmark)} base rows in the benchmark, ${n(f.overlap.benchmark_rows_in_base)} benchmark rows in the base`]]),
      ['Rows kept', n(p.kept)],
      ...r.benchmark_caveats.map((c) => ['Caveat', esc(c)]),
    ],
    '',
  );
  const pii = table(
    ['File', 'Findings'],
    f.pii_by_file.map((x) => [esc(x.file), x.total === 0 ? 'none' : x.findings.map((y) => `<code>${esc(y.column)}</code> ${n(y.count)} ${esc(y.type)}`).join(', ')]),
    'No file was checked.',
  );
  const missing = table(
    ['File', 'Column', 'Missing cells'],
    f.missing_values.flatMap((m) => Object.entries(m.columns).map(([c, k]) => [esc(m.file), `<code>${esc(c)}</code>`, n(k)])),
    'No missing values.',
  );
  const warnings = (f.feature_plan?.columns ?? []).flatMap((c) => c.warnings.map((w) => [`<code>${esc(c.name)}</code>`, esc(w.code), esc(w.message)]));
  const features =
    (f.feature_plan_error === null ? '' : `<p class="verdict-rejected">Training would refuse these rows: ${esc(f.feature_plan_error.message)}</p>`) +
    table(['Column', 'Warning', 'Detail'], warnings, 'No feature warnings.') +
    (f.feature_plan === null
      ? ''
      : `<h3>Feature plan</h3>${table(
          ['Column', 'Type', 'Use'],
          f.feature_plan.columns.map((c) => [`<code>${esc(c.name)}</code>`, esc(c.type), esc(columnPlanText(c))]),
          '',
        )}${f.feature_plan.positive_class === null ? '' : `<p>Positive class: <code>${esc(JSON.stringify(f.feature_plan.positive_class.value))}</code> (${f.feature_plan.positive_class.chosen_by === 'config' ? 'chosen in the config' : 'the later label in sort order'}); ${esc(f.feature_plan.positive_class.how_to_change)}</p>`}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Hokusai validate · ${esc(status)} · ${esc(p.file)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<section class="verdict ${p.valid ? 'verdict-accepted' : 'verdict-rejected'}" id="verdict" aria-label="Result">
<div class="verdict-main"><p class="verdict-kicker">Validate</p><p class="verdict-text" id="verdict-text">${p.valid ? 'Ready to submit' : 'NOT ready'}</p>
<p class="verdict-summary">${esc(p.file)}: ${n(p.rows)} rows, ${n(p.columns)} columns; PII mode ${esc(p.piiMode)}</p></div>
</section>
${card('summary', 'Summary', summary)}
${card('pii', 'Personal data (PII) per file', `<p class="lede">Counts only: this page never shows a PII value.</p>${pii}`)}
${card('missing', 'Missing values', `<p class="lede">Cells read as missing: ${MISSING_TOKENS.map((t) => `<code>${esc(t)}</code>`).join(', ')}.</p>${missing}`)}
${card('features', 'Features', features)}
</main>
</body>
</html>
`;
}

/** Writes the page under a temporary name and renames it, so a crash never leaves half a page. */
export async function writeValidateReportHtml(path: string, page: ValidatePage): Promise<void> {
  await writeFileAtomic(path, renderValidateHtml(page));
}
