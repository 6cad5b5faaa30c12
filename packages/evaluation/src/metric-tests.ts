import type { BuiltInName } from './metric-registry.js';
import type { TieGroups } from './metrics/tie-groups.js';
import { bootstrapAveragePrecisionDeltas, bootstrapRowDeltas, streamSeed, summarizeBootstrap } from './significance/bootstrap.js';
import type { CountMetricName } from './significance/bootstrap.js';
import type { DeLongResult } from './significance/delong.js';
import type { McNemarResult } from './significance/mcnemar.js';
import { pairedZ, perRowLossDifferences } from './significance/paired-z.js';

/** How a metric's paired difference is tested. */
export type MetricTestKind =
  /** McNemar on the discordant pairs, with Newcombe's paired score interval. */
  | 'mcnemar_newcombe'
  /** Exact multinomial resampling of the joint (truth, baseline, new) table. */
  | 'count_bootstrap'
  /** DeLong's test of two correlated AUCs. */
  | 'delong'
  /** Large-sample z test of the mean per-row loss difference. */
  | 'paired_z'
  /** Rows resampled, each keeping its tie group (no re-sorting per resample). */
  | 'ranking_bootstrap'
  /** Rows resampled and the metric recomputed on each resample. */
  | 'row_bootstrap';

/**
 * Which test judges each built-in metric. Accuracy is the decision's default metric and the one
 * the zero-knowledge circuit proves: McNemar reads exactly the counts the circuit proves, and a
 * percentile bootstrap of few discordant pairs can exclude 0 while McNemar's exact p is above
 * alpha, which Newcombe's score interval does not. The other threshold metrics are functions of
 * the 2x2x2 joint table, so resampling its counts is exact and fast. Log loss and Brier are row
 * means, so their delta is a mean of paired differences.
 */
export const METRIC_TESTS = {
  accuracy: 'mcnemar_newcombe',
  balanced_accuracy: 'count_bootstrap',
  precision: 'count_bootstrap',
  recall: 'count_bootstrap',
  f1: 'count_bootstrap',
  auroc: 'delong',
  average_precision: 'ranking_bootstrap',
  log_loss: 'paired_z',
  brier: 'paired_z',
} as const satisfies Record<BuiltInName, MetricTestKind>;

/** A custom metric is an arbitrary function of rows: only resampling rows can test it. */
export const CUSTOM_METRIC_TEST = 'row_bootstrap' satisfies MetricTestKind;

/** The outcome of a metric's test; `none` says why there is no test, interval or p-value. */
export type MetricTestResult =
  | { test: 'mcnemar'; method: McNemarResult['method']; interval: 'newcombe_score_ci'; ci: [number, number] | null; p: number }
  | { test: 'paired_bootstrap'; ci: [number, number] | null; p: number | null }
  | { test: 'delong'; ci: [number, number]; p: number }
  | { test: 'paired_z'; ci: [number, number]; p: number }
  | { test: 'none'; reason: string };

/** The test as the report names it: the test, `+` the interval when another method gives it, or `none: <reason>`. */
export type MetricTestLabel = `mcnemar_${McNemarResult['method']}+newcombe_score_ci` | 'paired_bootstrap' | 'delong' | 'paired_z' | `none: ${string}`;

export function metricTestLabel(r: MetricTestResult): MetricTestLabel {
  switch (r.test) {
    case 'mcnemar':
      return `mcnemar_${r.method}+${r.interval}`;
    case 'none':
      return `none: ${r.reason}`;
    default:
      return r.test;
  }
}

/** What every metric's test reads: the paired scores and the statistics computed once for all. */
export interface PairedEvidence {
  y: Int32Array;
  base: Float64Array;
  next: Float64Array;
  groupsBase: TieGroups;
  groupsNext: TieGroups;
  alpha: number;
  resamples: number;
  seed: number;
  /** Row resampling runs only while rows x resamples stays within this. */
  rowBootstrapMaxCells: number;
  mcnemar: McNemarResult;
  accuracyCi: [number, number] | null;
  delong: DeLongResult | null;
  countDeltas: Record<CountMetricName, Float64Array>;
}

/** A metric resampled row by row, when rows x resamples stays within the limit. */
function rowBootstrap(ev: PairedEvidence, draw: () => Float64Array): MetricTestResult {
  const cells = ev.y.length * ev.resamples;
  if (cells > ev.rowBootstrapMaxCells) return { test: 'none', reason: `row bootstrap skipped because rows x resamples = ${cells} exceeds rowBootstrapMaxCells = ${ev.rowBootstrapMaxCells}` };
  const s = summarizeBootstrap(draw(), ev.alpha);
  return { test: 'paired_bootstrap', ci: s.ci, p: s.p_value };
}

/** Runs the test `kind` on a metric; `onRows` computes it on resampled rows (`row_bootstrap`). */
export function runMetricTest(kind: MetricTestKind, metric: { name: string; onRows: (y: Int32Array, s: Float64Array) => number | null }, ev: PairedEvidence): MetricTestResult {
  const { name } = metric;
  switch (kind) {
    case 'mcnemar_newcombe':
      return { test: 'mcnemar', method: ev.mcnemar.method, interval: 'newcombe_score_ci', ci: ev.accuracyCi, p: ev.mcnemar.p_value };
    case 'count_bootstrap': {
      const s = summarizeBootstrap(ev.countDeltas[name as CountMetricName], ev.alpha);
      return { test: 'paired_bootstrap', ci: s.ci, p: s.p_value };
    }
    case 'delong':
      return ev.delong === null ? { test: 'none', reason: 'AUROC needs at least two rows of each class' } : { test: 'delong', ci: ev.delong.ci, p: ev.delong.p_value };
    case 'paired_z': {
      const z = pairedZ(perRowLossDifferences(name as 'log_loss' | 'brier', ev.y, ev.base, ev.next), ev.alpha);
      return { test: 'paired_z', ci: z.ci, p: z.p_value };
    }
    case 'ranking_bootstrap':
      return rowBootstrap(ev, () => bootstrapAveragePrecisionDeltas(ev.y, ev.groupsBase, ev.groupsNext, ev.resamples, streamSeed(ev.seed, name)));
    case 'row_bootstrap':
      return rowBootstrap(ev, () => bootstrapRowDeltas(ev.y, ev.base, ev.next, metric.onRows, ev.resamples, streamSeed(ev.seed, name)));
  }
}
