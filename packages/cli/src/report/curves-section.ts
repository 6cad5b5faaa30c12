import { lineChart, type ChartSeries } from './line-chart.js';
import { fixed, integer } from './number-format.js';
import type { ModelCurvesView, ReportView } from './report-schema.js';

const MODELS = [
  { key: 'baseline', name: 'Baseline' },
  { key: 'new', name: 'New' },
] as const;

function missing(title: string, why: string): string {
  return `<figure class="chart-card"><figcaption><strong>${title}</strong></figcaption><p class="chart-missing">${why}</p></figure>`;
}

function figure(chart: string, title: string, caption: string): string {
  return `<figure class="chart-card">${chart}<figcaption><strong>${title}.</strong> ${caption}</figcaption></figure>`;
}

/** ROC, precision-recall and calibration charts, each with both models. */
export function curvesSection(r: ReportView): string {
  const curves: Record<'baseline' | 'new', ModelCurvesView> = r.curves;
  const metricsOf = { baseline: r.baseline_metrics, new: r.new_metrics };
  const c = r.new_metrics.confusion;
  const prevalence = r.n > 0 ? (c.tp + c.fn) / r.n : null;

  const rocSeries: ChartSeries[] = [];
  const prSeries: ChartSeries[] = [];
  const calSeries: ChartSeries[] = [];
  for (const m of MODELS) {
    const mc = curves[m.key];
    if (mc.roc !== null) rocSeries.push({ key: m.key, label: `${m.name} · AUROC ${fixed(metricsOf[m.key].auroc, 3)}`, xs: mc.roc.fpr, ys: mc.roc.tpr });
    if (mc.pr !== null) prSeries.push({ key: m.key, label: `${m.name} · AP ${fixed(metricsOf[m.key].average_precision, 3)}`, xs: mc.pr.recall, ys: mc.pr.precision });
    calSeries.push({
      key: m.key,
      label: `${m.name} · Brier ${fixed(metricsOf[m.key].brier, 3)}`,
      xs: mc.calibration.map((b) => b.mean_predicted),
      ys: mc.calibration.map((b) => b.fraction_positive),
      markers: mc.calibration.map(
        (b) => `${m.name}, scores ${fixed(b.lower, 1)}–${fixed(b.upper, 1)}: mean predicted ${fixed(b.mean_predicted, 3)}, observed ${fixed(b.fraction_positive, 3)}, ${integer(b.count)} rows`,
      ),
    });
  }

  const roc =
    rocSeries.length === 0
      ? missing('ROC curve', 'Not defined: the benchmark holds only one class.')
      : figure(
          lineChart({ id: 'chart-roc', title: 'ROC curve, baseline and new model', xLabel: 'False positive rate', yLabel: 'True positive rate', series: rocSeries, reference: { label: 'Chance', from: [0, 0], to: [1, 1] } }),
          'ROC',
          'True positives caught against false alarms raised as the decision threshold falls; the higher and further left, the better.',
        );
  const pr =
    prSeries.length === 0 || prevalence === null
      ? missing('Precision–recall curve', 'Not defined: the benchmark holds only one class.')
      : figure(
          lineChart({
            id: 'chart-pr',
            title: 'Precision-recall curve, baseline and new model',
            xLabel: 'Recall',
            yLabel: 'Precision',
            series: prSeries,
            reference: { label: `Prevalence ${fixed(prevalence, 3)}`, from: [0, prevalence], to: [1, prevalence] },
          }),
          'Precision–recall',
          'How many flagged rows are truly positive at each level of recall; the line is what random flagging achieves.',
        );
  const calibration = figure(
    lineChart({ id: 'chart-calibration', title: 'Calibration, baseline and new model', xLabel: 'Mean predicted probability', yLabel: 'Observed share of positives', series: calSeries, reference: { label: 'Perfectly calibrated', from: [0, 0], to: [1, 1] } }),
    'Calibration',
    'Rows binned by predicted probability (tenths); a well calibrated model sits on the diagonal. Hover a point for its bin.',
  );
  return `<section id="curves" class="card">
<h2>Curves</h2>
<p class="lede">Both models on the same benchmark rows: <span class="key key-baseline">baseline</span> dashed, <span class="key key-new">new model</span> solid.</p>
<div class="charts">${roc}${pr}${calibration}${calibrationTable(curves)}</div>
</section>`;
}

/** The calibration bins as numbers, beside the chart: counts matter and a chart hides them. */
function calibrationTable(curves: Record<'baseline' | 'new', ModelCurvesView>): string {
  const bins = new Map<string, { lower: number; upper: number; baseline?: ModelCurvesView['calibration'][number]; new?: ModelCurvesView['calibration'][number] }>();
  for (const m of MODELS) {
    for (const b of curves[m.key].calibration) {
      const key = b.lower.toFixed(6);
      const entry = bins.get(key) ?? { lower: b.lower, upper: b.upper };
      entry[m.key] = b;
      bins.set(key, entry);
    }
  }
  const cells = (b: ModelCurvesView['calibration'][number] | undefined): string =>
    b === undefined ? '<td class="num"><span class="na">0</span></td><td class="num"></td><td class="num"></td>' : `<td class="num">${integer(b.count)}</td><td class="num">${fixed(b.mean_predicted, 3)}</td><td class="num">${fixed(b.fraction_positive, 3)}</td>`;
  const rows = [...bins.values()]
    .sort((a, b) => a.lower - b.lower)
    .map((e) => `<tr><th scope="row" class="num">${fixed(e.lower, 1)}–${fixed(e.upper, 1)}</th>${cells(e.baseline)}${cells(e.new)}</tr>`)
    .join('');
  return `<div class="chart-card calibration-bins"><div class="table-wrap"><table class="bins">
<thead><tr><th scope="col" rowspan="2">Scores</th><th scope="colgroup" colspan="3" class="group key-baseline">Baseline</th><th scope="colgroup" colspan="3" class="group key-new">New</th></tr>
<tr><th scope="col" class="num">Rows</th><th scope="col" class="num">Pred.</th><th scope="col" class="num">Obs.</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Pred.</th><th scope="col" class="num">Obs.</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="figure-note">Calibration bins: rows per bin, mean predicted probability and observed share of positives.</p></div>`;
}
