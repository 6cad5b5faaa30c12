import { esc } from './html-escape.js';
import { metricName } from './metric-labels.js';
import { changeClass } from './metrics-section.js';
import { fixed, integer, signed } from './number-format.js';
import type { ReportView, StrataColumnView } from './report-schema.js';

type Stratum = StrataColumnView['strata'][number];

function metricCells(s: Stratum, metric: string): string {
  const m = Object.hasOwn(s.metrics, metric) ? s.metrics[metric] : undefined;
  if (m === undefined) return '<td class="num"><span class="na">n/a</span></td>'.repeat(3);
  const pp = m.absolute_delta === null ? null : m.absolute_delta * 100;
  return `<td class="num">${fixed(m.baseline, 3)}</td><td class="num">${fixed(m.new, 3)}</td><td class="num delta ${changeClass(m.improved, pp)}">${signed(pp, 2)}</td>`;
}

/**
 * One table per stratum column. A column that the data report marks as PII shows numbered
 * placeholders instead of its values: the values would be personal data.
 */
function strataTable(col: StrataColumnView, metrics: readonly string[], piiColumns: ReadonlySet<string>): string {
  const masked = piiColumns.has(col.column);
  const head = metrics.map((m) => `<th scope="colgroup" colspan="3" class="group">${metricName(m)}</th>`).join('');
  const sub = metrics.map(() => '<th scope="col" class="num">Baseline</th><th scope="col" class="num">New</th><th scope="col" class="num">Δ pp</th>').join('');
  const rows = col.strata
    .map((s, i) => {
      const key = masked ? `<span class="masked">value ${i + 1} (PII, withheld)</span>` : s.key === null ? '<span class="missing">(missing)</span>' : esc(s.key);
      const flag = s.small ? ` <span class="badge badge-warn" title="fewer than ${integer(col.min_stratum_size)} rows: noisy, not tested">small</span>` : '';
      return `<tr class="${s.small ? 'small' : ''}"><th scope="row" class="stratum-key">${key}${flag}</th><td class="num">${integer(s.n)}</td><td class="num">${integer(s.positives)}</td>${metrics.map((m) => metricCells(s, m)).join('')}</tr>`;
    })
    .join('\n');
  return `<h3>By <code>${esc(col.column)}</code></h3>
<div class="table-wrap"><table class="strata" data-column="${esc(col.column)}">
<thead><tr><th scope="col" rowspan="2">Stratum</th><th scope="col" rowspan="2" class="num">Rows</th><th scope="col" rowspan="2" class="num">Positives</th>${head}</tr><tr>${sub}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

export function strataSection(r: ReportView): string {
  const metrics = r.primary_metric === 'auroc' ? ['auroc'] : [r.primary_metric, 'auroc'];
  const pii = new Set<string>([...(r.data?.pii.columns.map((c) => c.column) ?? []), ...(r.data?.pii.free_text_columns ?? [])]);
  const minSizes = [...new Set(r.strata.map((c) => c.min_stratum_size))];
  const body =
    r.strata.length === 0
      ? '<p class="empty">No stratum columns: the benchmark has no low-cardinality text column and none was configured.</p>'
      : r.strata.map((col) => strataTable(col, metrics, pii)).join('\n');
  const smallNote = minSizes.length === 1 ? ` Strata with fewer than ${integer(minSizes[0] as number)} rows are flagged <span class="badge badge-warn">small</span>: their figures are noisy and are not tested.` : ' Small strata are flagged: their figures are noisy and are not tested.';
  return `<section id="strata" class="card">
<h2>Per stratum</h2>
<p class="lede">The primary metric and AUROC for both models within each group of the benchmark, to show who gains and who loses.${smallNote}</p>
${body}
</section>`;
}
