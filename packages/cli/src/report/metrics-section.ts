import { esc } from './html-escape.js';
import { metricName, testName } from './metric-labels.js';
import { coord, fixed, integer, pValue, signed } from './number-format.js';
import type { MetricDeltaView, ReportView } from './report-schema.js';

/** CSS class for a change: better, worse, or no change, in the metric's own direction. */
export function changeClass(improved: boolean, delta: number | null): string {
  if (delta === null || delta === 0) return 'flat';
  return improved ? 'good' : 'bad';
}

/** As changeClass, but grey when the interval includes zero: that change may be noise. */
function testedChangeClass(m: MetricDeltaView): string {
  if (m.ci !== null && m.ci[0] <= 0 && m.ci[1] >= 0) return 'flat';
  return changeClass(m.improved, m.delta_pp);
}

const BAR_W = 160;
const BAR_H = 18;

/**
 * A small interval plot per row, every row on one shared scale so deltas compare by eye:
 * the zero line, the confidence interval and the point estimate.
 */
function intervalBar(m: MetricDeltaView, scale: number): string {
  if (m.delta_pp === null || scale === 0) return '';
  const x = (v: number): string => coord(BAR_W / 2 + (v / scale) * (BAR_W / 2 - 6));
  const ci = m.ci === null ? '' : `<line class="ci" x1="${x(m.ci[0] * 100)}" y1="${BAR_H / 2}" x2="${x(m.ci[1] * 100)}" y2="${BAR_H / 2}"/>`;
  return `<svg class="interval ${testedChangeClass(m)}" viewBox="0 0 ${BAR_W} ${BAR_H}" width="${BAR_W}" height="${BAR_H}" aria-hidden="true"><line class="zero" x1="${BAR_W / 2}" y1="1" x2="${BAR_W / 2}" y2="${BAR_H - 1}"/>${ci}<circle cx="${x(m.delta_pp)}" cy="${BAR_H / 2}" r="4"/></svg>`;
}

export function metricsSection(r: ReportView): string {
  const entries = Object.entries(r.metrics);
  let scale = 0;
  for (const [, m] of entries) {
    for (const v of [m.delta_pp, m.ci?.[0] === undefined ? null : m.ci[0] * 100, m.ci?.[1] === undefined ? null : m.ci[1] * 100]) {
      if (v !== null && Math.abs(v) > scale) scale = Math.abs(v);
    }
  }
  const levels = [...new Set(entries.map(([, m]) => m.ci_level))];
  const sharedLevel = levels.length === 1 ? (levels[0] as number) : null;
  // On a phone each row stacks into a small grid; every cell then carries its column's name.
  const ciLabel = `${sharedLevel === null ? 'CI' : `${fixed(sharedLevel * 100, 0)}% CI`} (pp)`;
  const rows = entries
    .map(([name, m]) => {
      const cls = testedChangeClass(m);
      const primary = name === r.primary_metric;
      const ci =
        m.ci === null ? '<span class="na">n/a</span>' : `${sharedLevel === null ? `${fixed(m.ci_level * 100, 0)}%: ` : ''}${signed(m.ci[0] * 100, 2)} to ${signed(m.ci[1] * 100, 2)}`;
      return `<tr class="${primary ? 'primary' : ''}" data-metric="${esc(name)}">
<th scope="row">${metricName(name)}${primary ? ' <span class="badge">primary</span>' : ''}<span class="direction">${m.direction === 'lower' ? 'lower is better' : 'higher is better'}</span></th>
<td class="num" data-label="Baseline">${fixed(m.baseline, 4)}</td><td class="num" data-label="New">${fixed(m.new, 4)}</td>
<td class="num delta ${cls}" data-label="Δ (pp)">${signed(m.delta_pp, 2)}</td>
<td class="num ci-text" data-label="${ciLabel}">${ci}</td>
<td class="plot">${intervalBar(m, scale)}</td>
<td class="num p-value" data-label="p-value">${pValue(m.p_value)}</td>
<td class="test" data-label="Test">${testName(m.test)}</td></tr>`;
    })
    .join('\n');
  const t = r.tests;
  const notes: string[] = [];
  if (t.mcnemar) {
    const how = t.mcnemar.method === 'chi_square_continuity' ? `χ² = ${fixed(t.mcnemar.statistic, 2)}` : esc(t.mcnemar.method.replace(/_/g, ' '));
    notes.push(`McNemar: ${integer(t.mcnemar.b)} rows only the baseline got right, ${integer(t.mcnemar.c)} only the new model got right (${how}, p = ${pValue(t.mcnemar.p_value)}).`);
  }
  if (t.delong) notes.push(`DeLong test of the AUROC difference: z = ${fixed(t.delong.z, 2)}, standard error ${fixed(t.delong.se, 4)}.`);
  if (t.bootstrap) notes.push(`Bootstrap: ${integer(t.bootstrap.resamples)} paired resamples, seed ${integer(t.bootstrap.seed)}; ${esc(t.bootstrap.method)}.`);
  const cm = (label: string, c: ReportView['new_metrics']['confusion']): string =>
    `<table class="confusion"><caption>${label}</caption><thead><tr><th></th><th scope="col">predicted 1</th><th scope="col">predicted 0</th></tr></thead><tbody><tr><th scope="row">actual 1</th><td class="num">${integer(c.tp)}</td><td class="num">${integer(c.fn)}</td></tr><tr><th scope="row">actual 0</th><td class="num">${integer(c.fp)}</td><td class="num">${integer(c.tn)}</td></tr></tbody></table>`;
  return `<section id="metrics" class="card">
<h2>Every metric, both models</h2>
<p class="lede">Both models scored the same ${integer(r.n)} benchmark rows. Δ is new minus baseline in percentage points (metric × 100); green is better in the metric's own direction, red is worse, grey when the interval includes zero.</p>
<div class="table-wrap"><table class="metrics">
<thead><tr><th scope="col">Metric</th><th scope="col" class="num">Baseline</th><th scope="col" class="num">New</th><th scope="col" class="num">Δ (pp)</th><th scope="col" class="num">${ciLabel}</th><th scope="col" class="plot">Δ and interval</th><th scope="col" class="num">p-value</th><th scope="col">Test</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<div class="split">
<div class="notes"><h3>How the differences were tested</h3><ul>${notes.map((n) => `<li>${n}</li>`).join('')}</ul></div>
<div class="confusions">${cm('Baseline', r.baseline_metrics.confusion)}${cm('New', r.new_metrics.confusion)}</div>
</div>
</section>`;
}
