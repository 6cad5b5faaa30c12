import { esc } from './html-escape.js';
import { coord, fixed, percent } from './number-format.js';
import type { ReportView } from './report-schema.js';

const COMPONENTS: Record<string, { name: string; what: string }> = {
  completeness: { name: 'Completeness', what: 'share of feature cells that are not missing' },
  validity: { name: 'Validity', what: 'share of rows that pass the schema and read as the base types' },
  uniqueness: { name: 'Uniqueness', what: 'share of rows that are not duplicates' },
  outliers: { name: 'Outliers', what: 'share of numeric values that are not extreme outliers' },
  label_balance: { name: 'Label balance', what: 'how evenly the target classes are represented' },
  label_shift: { name: 'Label shift', what: 'how close the class shares are to the base data' },
  informative_columns: { name: 'Informative columns', what: 'share of varying base columns that also vary here' },
};

function bar(value: number): string {
  const v = value < 0 ? 0 : value > 1 ? 1 : value;
  return `<span class="bar" aria-hidden="true"><span class="bar-fill" style="width:${coord(v * 100)}%"></span></span>`;
}

export function dataQualitySection(r: ReportView): string {
  const q = r.data?.quality;
  if (q === undefined) return `<section id="quality" class="card"><h2>Data quality</h2><p class="empty">report.json holds no data report for this run.</p></section>`;
  const names = [...new Set([...Object.keys(q.breakdown), ...Object.keys(q.weights)])].sort();
  const rows = names
    .map((key) => {
      const known = Object.hasOwn(COMPONENTS, key) ? COMPONENTS[key] : undefined;
      const score = Object.hasOwn(q.breakdown, key) ? (q.breakdown[key] as number) : null;
      const weight = Object.hasOwn(q.weights, key) ? (q.weights[key] as number) : null;
      return `<tr><th scope="row">${known === undefined ? esc(key) : known.name}<span class="direction">${known === undefined ? '' : known.what}</span></th><td class="num">${percent(weight, 0)}</td><td class="num">${fixed(score, 3)}</td><td class="bar-cell">${score === null ? '' : bar(score)}</td></tr>`;
    })
    .join('\n');
  const status = q.threshold === null ? '<span class="badge">no threshold</span>' : q.passed ? '<span class="badge badge-good">passed</span>' : '<span class="badge badge-bad">below threshold</span>';
  const validity = q.validity_source === 'none' ? ' No schema was given and every value read as its column type, so validity is 1.' : '';
  const f = q.factors;
  const factors = f === undefined ? '' : ` It is then multiplied by completeness (${fixed(f.completeness, 3)}), informative columns (${fixed(f.informative_columns, 3)}) and ${f.single_class === 1 ? 'no single-class penalty' : `${fixed(f.single_class, 2)} for a single-class contribution`}.`;
  return `<section id="quality" class="card">
<h2>Data quality</h2>
<div class="score-line"><span class="score">${fixed(q.score, 3)}</span><span class="score-of">${q.threshold === null ? 'no threshold set' : `threshold ${fixed(q.threshold, 2)}`}</span>${status}</div>
${bar(q.score)}
<p class="lede">The score is the weighted mean of the components below, computed on the contributed data.${factors}${validity} Outlier share: ${percent(q.outlier_share, 2)}.</p>
<div class="table-wrap"><table class="quality"><thead><tr><th scope="col">Component</th><th scope="col" class="num">Weight</th><th scope="col" class="num">Score</th><th scope="col"><span class="sr-only">Bar</span></th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
</section>`;
}
