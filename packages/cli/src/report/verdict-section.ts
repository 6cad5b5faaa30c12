import { esc } from './html-escape.js';
import { metricName, metricNameInline } from './metric-labels.js';
import { fixed, integer, percent, pValue, signed } from './number-format.js';
import type { ReportView } from './report-schema.js';
import { insecureSetupCallout } from './context-section.js';

/** Page title, verdict banner with the DeltaOne, and the key figures under it. */
export function verdictSection(r: ReportView): string {
  const accepted = r.verdict.accepted;
  const primary = Object.hasOwn(r.metrics, r.primary_metric) ? r.metrics[r.primary_metric] : undefined;
  const primaryName = metricName(r.primary_metric);
  const primaryInline = metricNameInline(r.primary_metric);
  const evidence =
    primary === undefined
      ? ''
      : ` (${primary.ci === null ? 'no interval' : `${fixed(primary.ci_level * 100, 0)}% CI ${signed(primary.ci[0] * 100, 2)} to ${signed(primary.ci[1] * 100, 2)} pp`}; p = ${pValue(primary.p_value)})`;
  const change =
    r.delta_one === null
      ? `The change in ${primaryInline} could not be computed.`
      : `With the contributed data, ${primaryInline} on the benchmark moved by ${signed(r.delta_one, 2)} percentage points${evidence}.`;
  const reasons =
    r.verdict.reasons.length === 0
      ? accepted
        ? ''
        : '<p class="reasons-none">No reason was recorded.</p>'
      : `<ul class="reasons">${r.verdict.reasons.map((x) => `<li><span class="reason-code">${esc(x.code)}</span> ${esc(x.message)}</li>`).join('')}</ul>`;
  // A different recipe means DeltaOne mixes a change of model into the data's effect: said on the verdict line itself.
  const differentRecipe = r.verdict.comparison === 'different recipe';
  const recipe = r.verdict.recipe;
  const comparison =
    recipe === null || recipe === undefined
      ? ''
      : `<p class="verdict-comparison" id="verdict-comparison"><strong>${recipe.same ? 'Same recipe' : 'Different recipe'}</strong> (baseline ${esc(recipe.baseline)}, new ${esc(recipe.new)}${!recipe.same && recipe.allow_different ? '; allowed by acceptance.allowDifferentRecipe' : ''}): ${esc(recipe.detail)}</p>`;
  const rule = r.verdict.rule === undefined ? '' : `<p class="verdict-rule" id="verdict-rule">Rule: ${esc(r.context?.acceptance_rule ?? r.verdict.rule)}</p>`;
  const caveats = r.data?.benchmark_caveats ?? [];
  const caveatList = caveats.length === 0 ? '' : `<ul class="callout callout-warn caveats" id="benchmark-caveats">${caveats.map((c) => `<li><strong>Benchmark caveat:</strong> ${esc(c)}</li>`).join('')}</ul>`;
  const dq = r.data?.quality;
  const pii = r.data?.pii;
  const rows = r.data?.rows;
  const figure = (label: string, value: string, note: string): string =>
    `<div class="figure"><span class="figure-label">${label}</span><span class="figure-value">${value}</span><span class="figure-note">${note}</span></div>`;
  const figures = [
    primary === undefined ? '' : figure(primaryName, fixed(primary.new, 3), `new model; baseline ${fixed(primary.baseline, 3)}`),
    // The AUROC card only when AUROC is not already the primary metric's card.
    primary !== undefined && r.primary_metric === 'auroc' ? '' : figure('AUROC', fixed(r.new_metrics.auroc, 3), `new model; baseline ${fixed(r.baseline_metrics.auroc, 3)}`),
    figure('Benchmark', integer(r.n), 'rows scored by both models'),
    rows === undefined ? '' : figure('Contributed rows kept', `${integer(rows.contributed_kept)} <small>of ${integer(rows.contributed_input)}</small>`, `${percent(r.data?.contributor_row_share ?? null, 1)} of the training data`),
    dq === undefined ? '' : figure('Data quality', fixed(dq.score, 3), dq.threshold === null ? 'no threshold set' : `threshold ${fixed(dq.threshold, 2)}, ${dq.passed ? 'passed' : 'failed'}`),
    pii === undefined ? '' : figure('PII findings', integer(pii.total_findings), `mode: ${esc(pii.mode)}`),
  ].join('');
  return `<header class="masthead">
<p class="eyebrow">Hokusai · contribution report</p>
<h1>Does this data make the model better?</h1>
<p class="run-meta">Run <code>${esc(r.run_id)}</code> · ${integer(r.n)} benchmark rows · classification threshold ${fixed(r.threshold, 2)}</p>
</header>
<section class="verdict ${accepted ? 'verdict-accepted' : 'verdict-rejected'}" id="verdict" aria-label="Verdict">
<div class="verdict-main">
<p class="verdict-kicker">Verdict</p>
<p class="verdict-text" id="verdict-text"><span class="verdict-icon" aria-hidden="true">${accepted ? '✓' : '✕'}</span> ${accepted ? 'Accepted' : 'Rejected'}${differentRecipe ? ' <span class="verdict-recipe">· different recipe</span>' : ''}</p>
<p class="verdict-summary">${change}</p>
${reasons}${comparison}${rule}
${caveatList}${insecureSetupCallout(r.context)}
</div>
<div class="deltaone" id="delta-one">
<span class="deltaone-value">${signed(r.delta_one, 2)}</span>
<span class="deltaone-unit">DeltaOne</span>
<span class="deltaone-note">1 DeltaOne = 1 percentage point of ${primaryInline}</span>
</div>
</section>
<section class="figures" aria-label="Key figures">${figures}</section>`;
}
