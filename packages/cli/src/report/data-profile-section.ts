import { esc } from './html-escape.js';
import { coord, fixed, integer, percent } from './number-format.js';
import type { ColumnProfileView, DataProfileView, ReportView } from './report-schema.js';

type Role = 'base' | 'contributed' | 'benchmark';
const ROLES: readonly Role[] = ['base', 'contributed', 'benchmark'];
const ROLE_NAMES: Record<Role, string> = { base: 'Base', contributed: 'Contributed', benchmark: 'Benchmark' };

const W = 320;
const H = 110;
const PAD = 4;
/** Category bars shown per column; the rest are summed in a note. */
const MAX_BARS = 12;

/** A PSI value with its reading, from the thresholds the profile records. */
function psiBadge(value: number | null, drift: DataProfileView['drift'], role: 'contributed' | 'benchmark'): string {
  if (value === null) return `<span class="psi psi-none" data-role="${role}">${ROLE_NAMES[role]}: <span class="na">n/a</span></span>`;
  const level = value > drift.major ? 'major' : value >= drift.moderate ? 'moderate' : 'stable';
  const words = level === 'major' ? 'major shift' : level === 'moderate' ? 'moderate shift' : 'no notable shift';
  return `<span class="psi psi-${level}" data-role="${role}" title="${words}">${ROLE_NAMES[role]} PSI ${fixed(value, 3)} · ${words}</span>`;
}

function legend(): string {
  return `<p class="ds-legend" aria-hidden="true">${ROLES.map((r) => `<span class="ds-key"><span class="ds-swatch ds-${r}"></span>${ROLE_NAMES[r]}</span>`).join('')}</p>`;
}

/** Three bars per bin (base, contributed, benchmark), heights on one shared scale. */
function histogram(p: Extract<ColumnProfileView, { kind: 'number' }>): string {
  const h = p.histogram;
  if (h === null) return '<p class="empty">No values to draw.</p>';
  const k = h.edges.length - 1;
  const max = Math.max(...ROLES.flatMap((r) => h.shares[r]), 0);
  if (max === 0) return '<p class="empty">No values to draw.</p>';
  const slot = (W - 2 * PAD) / k;
  const bar = slot / 3.4;
  const bars = ROLES.map((role, j) =>
    h.shares[role]
      .map((share, i) => {
        const height = (share / max) * (H - 2 * PAD);
        return height <= 0 ? '' : `<rect class="ds-${role}" x="${coord(PAD + i * slot + 0.2 * bar + j * bar)}" y="${coord(H - PAD - height)}" width="${coord(bar)}" height="${coord(height)}"/>`;
      })
      .join(''),
  ).join('');
  const first = h.edges[0] as number;
  const last = h.edges[k] as number;
  const digits = Math.abs(last - first) >= 100 ? 0 : Math.abs(last - first) >= 1 ? 1 : 3;
  return `<svg class="hist" viewBox="0 0 ${W} ${H + 16}" role="img" aria-label="Histogram of ${esc(p.column)}: shares of base, contributed and benchmark values in ${k} equal-width bins from ${fixed(first, digits)} to ${fixed(last, digits)}"><line class="axis" x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}"/>${bars}<text class="tick" x="${PAD}" y="${H + 12}">${fixed(first, digits)}</text><text class="tick" x="${W - PAD}" y="${H + 12}" text-anchor="end">${fixed(last, digits)}</text></svg>`;
}

/** Per category, one bar per dataset: its share of that dataset's non-missing values. */
function categoryBars(p: Extract<ColumnProfileView, { kind: 'category' }>): string {
  const c = p.categories;
  if (c === null) {
    return `<p class="withheld">Values withheld (free text or more than 30 distinct values): ${ROLES.map((r) => `${ROLE_NAMES[r].toLowerCase()} ${integer(p.distinct[r])}`).join(', ')} distinct.</p>`;
  }
  const shown = c.values.slice(0, MAX_BARS);
  const rowH = 3 * 7 + 8;
  const labelW = 96;
  const plotW = W - labelW - 46;
  const height = shown.length * rowH;
  const rows = shown
    .map((value, i) => {
      const y0 = i * rowH;
      const bars = ROLES.map((role, j) => {
        const share = c.shares[role][i] ?? 0;
        return `<rect class="ds-${role}" x="${labelW}" y="${coord(y0 + 2 + j * 7)}" width="${coord(Math.max(share * plotW, share > 0 ? 1 : 0))}" height="6"><title>${ROLE_NAMES[role]}: ${percent(share, 1)}</title></rect>`;
      }).join('');
      const label = value.length > 14 ? `${value.slice(0, 13)}…` : value;
      const top = Math.max(...ROLES.map((r) => c.shares[r][i] ?? 0));
      return `<g data-category="${esc(value)}"><text class="cat-label" x="${labelW - 6}" y="${coord(y0 + 15)}" text-anchor="end">${esc(label)}</text>${bars}<text class="tick" x="${coord(labelW + top * plotW + 4)}" y="${coord(y0 + 15)}">${percent(top, 0)}</text></g>`;
    })
    .join('');
  const more = c.values.length > shown.length ? `<p class="muted">${integer(c.values.length - shown.length)} more categories not drawn.</p>` : '';
  return `<svg class="cats" viewBox="0 0 ${W} ${height}" role="img" aria-label="Category shares of ${esc(p.column)} in base, contributed and benchmark">${rows}</svg>${more}`;
}

function newCategories(p: ColumnProfileView): string {
  if (p.kind !== 'category') return '';
  const part = (role: 'contributed' | 'benchmark'): string => {
    const n = p.new_categories[role];
    if (n.count === 0) return `${ROLE_NAMES[role]}: none`;
    return `${ROLE_NAMES[role]}: ${integer(n.count)}${n.values === null ? '' : ` (${n.values.slice(0, 8).map((v) => `<code>${esc(v)}</code>`).join(', ')}${n.values.length > 8 ? ', …' : ''})`}`;
  };
  const warn = p.new_categories.contributed.count + p.new_categories.benchmark.count > 0 ? ' class="warn"' : '';
  return `<dt>New categories</dt><dd${warn}>${part('contributed')}; ${part('benchmark')}</dd>`;
}

function columnCard(p: ColumnProfileView, drift: DataProfileView['drift'], importance: Map<string, number | null>): string {
  const missing = ROLES.map((r) => `${ROLE_NAMES[r].toLowerCase()} ${percent(p.missing_share[r], 1)}`).join(', ');
  const imp = importance.has(p.column) ? `<dt>Importance</dt><dd>${importance.get(p.column) === null ? '<span class="na">n/a</span>' : `${fixed(importance.get(p.column) as number, 2)} pp AUROC when shuffled`}</dd>` : '';
  return `<article class="profile" data-column="${esc(p.column)}" data-kind="${p.kind}">
<h3><code>${esc(p.column)}</code> <span class="kind">${p.kind === 'number' ? 'number' : 'category'}</span></h3>
<p class="psis">${psiBadge(p.psi.contributed, drift, 'contributed')} ${psiBadge(p.psi.benchmark, drift, 'benchmark')}</p>
${p.kind === 'number' ? histogram(p) : categoryBars(p)}
<dl class="profile-facts"><dt>Missing</dt><dd>${missing}</dd>${newCategories(p)}${imp}</dl>
</article>`;
}

function importanceTable(imp: NonNullable<DataProfileView['importance']>): string {
  if (imp.columns.length === 0) return '<p class="empty">The new model reads no column of the benchmark.</p>';
  const max = Math.max(...imp.columns.map((c) => Math.abs(c.auroc_drop_pp ?? c.accuracy_drop_pp)), 0);
  const rows = imp.columns
    .map((c) => {
      const v = c.auroc_drop_pp ?? c.accuracy_drop_pp;
      const width = max === 0 ? 0 : (Math.max(v, 0) / max) * 100;
      return `<tr data-column="${esc(c.column)}"><th scope="row"><code>${esc(c.column)}</code></th><td class="num">${fixed(c.auroc_drop_pp, 2)} <small>± ${fixed(c.auroc_drop_sd_pp, 2)}</small></td><td class="num">${fixed(c.accuracy_drop_pp, 2)} <small>± ${fixed(c.accuracy_drop_sd_pp, 2)}</small></td><td class="bar-cell"><span class="bar" aria-hidden="true"><span class="bar-fill" style="width:${coord(width)}%"></span></span></td></tr>`;
    })
    .join('');
  return `<p class="muted">Each column the new model reads is shuffled ${integer(imp.repeats)} times (seed ${integer(imp.seed)}) across ${integer(imp.rows)} benchmark rows${imp.sampled ? ' (a seeded sample of the benchmark)' : ''}, and both metrics are scored again with onnxruntime; the table gives the mean drop and its standard deviation, in percentage points. A drop near 0 means the model barely uses the column.</p>
<div class="table-wrap"><table class="importance" id="importance"><thead><tr><th scope="col">Column</th><th scope="col" class="num">AUROC drop (pp)</th><th scope="col" class="num">Accuracy drop (pp)</th><th scope="col" aria-label="Drop, as a bar"></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * The data, column by column: base vs contributed vs benchmark distributions, PSI drift against
 * base, missing shares, new categories, and the new model's permutation importance. Computed by
 * the pipeline on the PII-treated tables; PII columns are not in data_profile.json at all.
 */
export function dataProfileSection(r: ReportView): string {
  const d = r.data_profile;
  if (d === null) return `<section id="data-profile" class="card"><h2>The data, column by column</h2><p class="empty">report.json holds no data profile for this run.</p></section>`;
  const importance = new Map((d.importance?.columns ?? []).map((c) => [c.column, c.auroc_drop_pp]));
  const cards = d.columns.length === 0 ? '<p class="empty">No feature column to profile.</p>' : `<div class="profiles">${d.columns.map((p) => columnCard(p, d.drift, importance)).join('\n')}</div>`;
  return `<section id="data-profile" class="card">
<h2>The data, column by column</h2>
<p class="lede">Every feature column of the base, contributed and benchmark data after PII treatment (PII, excluded and target columns are left out). Drift is the population stability index (PSI) of each table against base: below ${fixed(d.drift.moderate, 2)} no notable shift, ${fixed(d.drift.moderate, 2)} to ${fixed(d.drift.major, 2)} a moderate shift, above ${fixed(d.drift.major, 2)} a major one. Bins: ${esc(d.drift.binning)}. Histograms show shares of non-missing values in 20 equal-width bins over the three tables' range.</p>
${legend()}
${cards}
<h3>Which columns the new model relies on</h3>
${d.importance === null ? '<p class="empty">No permutation importance was computed for this run.</p>' : importanceTable(d.importance)}
</section>`;
}
