import { esc, escWithCode } from './html-escape.js';
import { integer } from './number-format.js';
import type { FeaturePlanColumnView, FeaturePlanView, ReportView } from './report-schema.js';

const EXCLUDED_BECAUSE: Record<string, string> = {
  config: 'named in the config’s exclude list',
  pii: 'personal data (PII)',
  identifier: 'looks like an identifier',
  unsupported: 'a type no feature can have',
};

const DATE_PART_NAMES: Record<string, string> = { year: 'year', month: 'month', day_of_week: 'day of week', days_since_epoch: 'days since epoch' };

const WARNING_NAMES: Record<string, string> = {
  'id-like': 'id-like',
  constant: 'constant',
  date: 'date',
  'high-cardinality': 'high cardinality',
  'near-duplicate-values': 'near-duplicate values',
};

const known = (table: Record<string, string>, key: string): string => (Object.hasOwn(table, key) ? (table[key] as string) : esc(key));

function role(c: FeaturePlanColumnView): string {
  if (c.role === 'excluded') {
    const why = c.reason === null ? '' : `<span class="plan-why">${known(EXCLUDED_BECAUSE, c.reason)}</span>`;
    return `<span class="plan-role plan-role-excluded">${c.reason === 'pii' ? 'PII · excluded' : 'excluded'}</span>${why}`;
  }
  return `<span class="plan-role plan-role-${c.role === 'target' ? 'target' : 'feature'}">${esc(c.role)}</span>`;
}

function treatment(c: FeaturePlanColumnView): string {
  const t = c.treatment;
  if (t === null) return c.role === 'target' ? '<span class="muted">the label</span>' : '<span class="muted">not used</span>';
  switch (t.kind) {
    case 'standardized':
      return `standardized; missing → ${esc(t.imputation ?? 'mean')}`;
    case 'one-hot':
      return `one-hot, ${integer(t.levels ?? 0)} levels`;
    case 'hashed':
      return `hashed into ${integer(t.buckets ?? 0)} buckets`;
    case 'date-parts':
      return `date → ${(t.parts ?? []).map((p) => known(DATE_PART_NAMES, p)).join(', ')}; missing → ${esc(t.imputation ?? 'mean')}`;
    default:
      return esc(t.kind);
  }
}

function counts(c: FeaturePlanColumnView): string {
  const parts: string[] = [];
  if (c.distinct !== null) parts.push(`${integer(c.distinct)} distinct`);
  if (c.missing !== null) parts.push(`${integer(c.missing)} missing`);
  return parts.length === 0 ? '' : `<span class="plan-counts">${parts.join(' · ')}</span>`;
}

function warnings(c: FeaturePlanColumnView): string {
  if (c.warnings.length === 0) return '<span class="na">none</span>';
  return `<ul class="plan-warnings">${c.warnings
    .map((w) => `<li data-code="${esc(w.code)}"><span class="plan-warning-code">${known(WARNING_NAMES, w.code)}</span> ${esc(w.message)}</li>`)
    .join('')}</ul>`;
}

const label = (v: string | number | boolean): string => `<code>${esc(JSON.stringify(v))}</code>`;

function positiveClass(p: FeaturePlanView['positive_class']): string {
  if (p === null) return '<p class="muted" id="positive-class">No positive class: the target is not a two-label one.</p>';
  const how = p.chosen_by === 'config' ? 'chosen in the config' : 'not chosen by anyone: the later of the two labels in sort order';
  const cls = p.chosen_by === 'config' ? 'callout' : 'callout callout-warn';
  return `<p class="${cls}" id="positive-class"><strong>Positive class:</strong> ${label(p.value)} of ${p.classes.map(label).join(', ')} (${how}). Precision, recall, AUROC and the predicted probabilities are about this label. ${escWithCode(p.how_to_change)}</p>`;
}

/**
 * What training did with every column, decided before it ran: type, role (and why a column was
 * left out), treatment, warnings, and which label counts as positive. On a phone each row
 * stacks like the metric table, every cell labelled by its column's name.
 */
export function featurePlanSection(r: ReportView): string {
  const plan = r.feature_plan;
  if (plan === null) return `<section id="feature-plan" class="card"><h2>Feature plan</h2><p class="empty">report.json holds no feature plan (written before it was recorded).</p></section>`;
  const features = plan.columns.filter((c) => c.role === 'feature').length;
  const warned = plan.columns.filter((c) => c.warnings.length > 0).length;
  const rows = plan.columns
    .map(
      (c) =>
        `<tr data-column="${esc(c.name)}" data-role="${esc(c.role)}" class="${c.role === 'excluded' ? 'plan-excluded' : ''}${c.warnings.length > 0 ? ' plan-warned' : ''}"><th scope="row"><code>${esc(c.name)}</code></th><td class="plan-type" data-label="Type">${esc(c.type)}${counts(c)}</td><td class="plan-role-cell" data-label="Role">${role(c)}</td><td class="plan-treatment" data-label="Treatment">${treatment(c)}</td><td class="plan-warnings-cell" data-label="Warnings">${warnings(c)}</td></tr>`,
    )
    .join('');
  return `<section id="feature-plan" class="card">
<h2>Feature plan</h2>
<p class="lede">Decided before any model was trained, from the rows training uses: target <code>${esc(plan.target)}</code>, ${integer(plan.rows)} rows, ${integer(features)} feature column${features === 1 ? '' : 's'} making ${integer(plan.width)} model input${plan.width === 1 ? '' : 's'}${warned === 0 ? '' : `, ${integer(warned)} column${warned === 1 ? '' : 's'} with warnings`}.</p>
<div class="table-wrap"><table class="plan"><thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Role</th><th scope="col">Treatment</th><th scope="col">Warnings</th></tr></thead><tbody>${rows}</tbody></table></div>
${positiveClass(plan.positive_class)}
</section>`;
}
