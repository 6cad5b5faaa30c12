import { esc } from './html-escape.js';
import { integer, percent } from './number-format.js';
import type { ReportView } from './report-schema.js';

/** Where the contributed rows went: deduplication, contamination removal, merge. */
export function rowsSection(r: ReportView): string {
  const d = r.data;
  if (d === null) return `<section id="rows" class="card"><h2>Deduplication and contamination</h2><p class="empty">report.json holds no data report for this run.</p></section>`;
  const line = (label: string, value: string, cls = ''): string => `<tr class="${cls}"><th scope="row">${label}</th><td class="num">${value}</td></tr>`;
  const removed = (n: number): string => (n === 0 ? '0' : `−${integer(n)}`);
  // Matches found only after normalization (re-printed numbers, rounding, case, spacing) are named apart.
  const ofWhich = (n: number | undefined): string => (n === undefined || n === 0 ? '' : ` (${integer(n)} after normalization)`);
  const dedupHow = `${esc(d.dedup.strategy)} match${d.dedup.keys.length === 0 ? '' : ` on ${d.dedup.keys.map((k) => `<code>${esc(k)}</code>`).join(', ')}`}, keeping the ${esc(d.dedup.keep)} copy`;
  const sampled = d.merge.sampled === null ? '' : line(`Sampled down to at most ${integer(d.merge.sampled.max_rows)} rows (seed ${integer(d.merge.sampled.seed)})`, `${integer(d.merge.sampled.rows_before)} → ${integer(d.merge.sampled.rows_after)}`);
  const dropped = d.dropped_extra_columns.filter((x) => x.columns.length > 0);
  const warnings = [
    ...d.warnings.map((w) => esc(w)),
    ...dropped.map((x) => `Columns dropped from ${esc(x.dataset)} (not in the base schema): ${x.columns.map((c) => `<code>${esc(c)}</code>`).join(', ')}`),
  ];
  return `<section id="rows" class="card">
<h2>Deduplication and contamination</h2>
<div class="split">
<div>
<h3>Contributed rows</h3>
<div class="table-wrap"><table class="ledger"><tbody>
${line('Received', integer(d.rows.contributed_input))}
${line('Duplicates within the contribution', removed(d.dedup.within_contributed), 'minus')}
${line(`Already in the base data${ofWhich(d.dedup.already_in_base_normalized)}`, removed(d.dedup.already_in_base), 'minus')}
${line(`Also in the benchmark (contamination)${ofWhich(d.contamination.normalized)}`, removed(d.contamination.removed), 'minus')}
${line('Kept', integer(d.rows.contributed_kept), 'total')}
</tbody></table></div>
<p class="muted">Duplicates: ${dedupHow}. Contamination: ${esc(d.contamination.match_rule)}; contaminated rows are always removed.</p>
</div>
<div>
<h3>Training data</h3>
<div class="table-wrap"><table class="ledger"><tbody>
${line('Base rows', integer(d.rows.base))}
${line(`Contributed rows in the merge (${esc(d.merge.strategy)})`, integer(d.rows.contributed_in_merged))}
${d.merge.updated_base_rows === 0 ? '' : line('Base rows updated', integer(d.merge.updated_base_rows))}
${sampled}
${line('Merged training rows', integer(d.rows.merged), 'total')}
${line('Contributor share', percent(d.contributor_row_share, 1))}
${line('Benchmark rows', integer(d.rows.benchmark))}
${line('Base rows also in the benchmark', integer(d.contamination.base_rows_in_benchmark), d.contamination.base_rows_in_benchmark > 0 ? 'warn' : '')}
</tbody></table></div>
<p class="muted">Base rows found in the benchmark are reported, not removed: the base is not the contributor's, but they flatter both models.</p>
</div>
</div>
${warnings.length === 0 ? '' : `<ul class="callout callout-warn warnings">${warnings.map((w) => `<li>${w}</li>`).join('')}</ul>`}
</section>`;
}
