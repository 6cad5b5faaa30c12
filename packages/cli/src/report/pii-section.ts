import { esc } from './html-escape.js';
import { integer, percent } from './number-format.js';
import type { ReportView } from './report-schema.js';

const TREATMENT: Record<string, string> = {
  hashed: 'replaced by a keyed hash (HMAC-SHA-256)',
  redacted: 'redacted',
  dropped: 'column dropped',
  omitted: 'left out of every table the pipeline keeps (never a feature, so not even hashed)',
};

/**
 * PII summary: types, columns and counts only. report.json carries no PII values, and this
 * section reads nothing but counts and column names from it, so none can reach the page.
 */
export function piiSection(r: ReportView): string {
  const pii = r.data?.pii;
  if (pii === undefined) return `<section id="pii" class="card"><h2>Personal data (PII)</h2><p class="empty">report.json holds no data report for this run.</p></section>`;
  const byType = Object.entries(pii.findings_by_type)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, count]) => `<li><span class="chip-type">${esc(type)}</span><span class="chip-count">${integer(count)}</span></li>`)
    .join('');
  const columns =
    pii.columns.length === 0
      ? '<p class="empty">No column was treated as personal data.</p>'
      : `<div class="table-wrap"><table class="pii-columns"><thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Detected by</th><th scope="col">Treatment</th></tr></thead><tbody>${pii.columns
          .map(
            (c) =>
              `<tr><th scope="row"><code>${esc(c.column)}</code></th><td>${esc(c.type)}</td><td>${c.reason === 'name' ? 'column name' : `content (${percent(c.content_share, 0)} of sampled values)`}</td><td>${Object.hasOwn(TREATMENT, c.treatment) ? (TREATMENT[c.treatment] as string) : esc(c.treatment)}</td></tr>`,
          )
          .join('')}</tbody></table></div>`;
  const datasets = [...new Set(pii.findings.map((f) => f.dataset))];
  const cells = new Map<string, number>();
  const cellRows: { column: string; type: string }[] = [];
  for (const f of pii.findings) {
    const rowKey = JSON.stringify([f.column, f.type]);
    if (!cellRows.some((x) => JSON.stringify([x.column, x.type]) === rowKey)) cellRows.push({ column: f.column, type: f.type });
    const k = JSON.stringify([f.column, f.type, f.dataset]);
    cells.set(k, (cells.get(k) ?? 0) + f.count);
  }
  const findings =
    pii.findings.length === 0
      ? '<p class="empty">No PII was found in any dataset.</p>'
      : `<div class="table-wrap"><table class="pii-findings"><thead><tr><th scope="col">Column</th><th scope="col">Type</th>${datasets.map((d) => `<th scope="col" class="num">${esc(d)}</th>`).join('')}</tr></thead><tbody>${cellRows
          .map(
            (row) =>
              `<tr><th scope="row"><code>${esc(row.column)}</code></th><td>${esc(row.type)}</td>${datasets
                .map((d) => {
                  const v = cells.get(JSON.stringify([row.column, row.type, d]));
                  return `<td class="num">${v === undefined ? '<span class="na">0</span>' : integer(v)}</td>`;
                })
                .join('')}</tr>`,
          )
          .join('')}</tbody></table></div>`;
  const freeText = pii.free_text_columns.length === 0 ? '' : `<p>Free-text columns with PII inside some values: ${pii.free_text_columns.map((c) => `<code>${esc(c)}</code>`).join(', ')}.</p>`;
  const key = pii.key_source === 'ephemeral' ? `<p class="callout callout-warn">${esc(pii.key_note)}</p>` : `<p class="muted">${esc(pii.key_note)}</p>`;
  return `<section id="pii" class="card">
<h2>Personal data (PII)</h2>
<div class="score-line"><span class="score">${integer(pii.total_findings)}</span><span class="score-of">findings · mode <strong>${esc(pii.mode)}</strong> · key ${esc(pii.key_source)}</span></div>
<p class="lede">Counts only: this report never shows a PII value.</p>
${byType === '' ? '' : `<ul class="chips" aria-label="Findings by type">${byType}</ul>`}
<h3>Columns treated as PII</h3>
${columns}
<h3>Findings per column and dataset</h3>
${findings}
${freeText}
${key}
</section>`;
}
