import { z } from 'zod';
import { EvaluationError } from './errors.js';
import { checkScores, parseOptions, toLabelArray } from './validation.js';
import type { Labels } from './validation.js';
import { binaryMetricsChecked } from './metrics/binary.js';
import { BUILT_IN_METRICS, evaluateCustom, getMetricEntry, listMetrics } from './metric-registry.js';
import type { MetricContext, MetricDirection } from './metric-registry.js';

export type StratumValue = string | number | boolean | null;

export interface StratumResult {
  /** The column value as a string; null for missing values. */
  key: string | null;
  n: number;
  positives: number;
  /** Fewer rows than minStratumSize: its figures are noisy and should not drive decisions. */
  small: boolean;
  metrics: Record<string, number | null>;
}

export interface StratifiedResult {
  column: string;
  min_stratum_size: number;
  overall: { n: number; positives: number; metrics: Record<string, number | null> };
  strata: StratumResult[];
  directions: Record<string, MetricDirection>;
}

const optionsSchema = z
  .object({
    column: z.string().optional(),
    minStratumSize: z.number().int().min(1).optional(),
    threshold: z.number().finite().optional(),
    zeroDivision: z.union([z.literal(0), z.literal(1)]).optional(),
    metrics: z.array(z.string()).readonly().optional(),
  })
  .strict();

export interface StratifiedOptions {
  /** Name of the column the strata come from (reported back). Default "stratum". */
  column?: string;
  /** Strata with fewer rows are flagged small. Default 30. */
  minStratumSize?: number;
  threshold?: number;
  zeroDivision?: 0 | 1;
  /** Default: every built-in and registered custom metric. */
  metrics?: readonly string[];
}

function metricsFor(names: readonly string[], y: Int32Array, s: Float64Array, ctx: MetricContext): Record<string, number | null> {
  const builtIn = new Set<string>(BUILT_IN_METRICS.map((m) => m.name));
  const all = binaryMetricsChecked(y, s, ctx.threshold, ctx.zeroDivision) as unknown as Record<string, number | null>;
  const out: Record<string, number | null> = {};
  for (const name of names) {
    const entry = getMetricEntry(name);
    out[name] = builtIn.has(name) ? (all[name] ?? null) : evaluateCustom(entry, y, s, ctx);
  }
  return out;
}

function groupRows(strata: readonly StratumValue[], n: number): { keys: (string | null)[]; rowsByKey: Map<string | null, number[]> } {
  if (!Array.isArray(strata) || strata.length !== n) {
    throw new EvaluationError('HOKUSAI_EVAL_LENGTH_MISMATCH', `strata has ${Array.isArray(strata) ? strata.length : 'no'} values but there are ${n} labels; pass one stratum value per benchmark row.`);
  }
  const rowsByKey = new Map<string | null, number[]>();
  for (let i = 0; i < strata.length; i++) {
    const v = strata[i];
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `strata[${i}] is a ${typeof v}; stratum values must be strings, numbers, booleans or null.`);
    }
    const key = v === null || v === undefined ? null : String(v);
    let rows = rowsByKey.get(key);
    if (!rows) {
      rows = [];
      rowsByKey.set(key, rows);
    }
    rows.push(i);
  }
  const keys = [...rowsByKey.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return { keys, rowsByKey };
}

function subset(rows: number[], y: Int32Array, s: Float64Array): { sy: Int32Array; ss: Float64Array; positives: number } {
  const sy = new Int32Array(rows.length);
  const ss = new Float64Array(rows.length);
  let positives = 0;
  rows.forEach((r, j) => {
    sy[j] = y[r] as number;
    ss[j] = s[r] as number;
    positives += sy[j] as number;
  });
  return { sy, ss, positives };
}

/**
 * Metrics per value of any column (pass the labels themselves for per-label figures), with
 * stratum sizes beside the overall figures. Strata are ordered by key so output is stable.
 */
export function stratifiedMetrics(yTrue: Labels, scores: Float64Array, strata: readonly StratumValue[], options: StratifiedOptions = {}): StratifiedResult {
  const opts = parseOptions(optionsSchema, options, 'stratifiedMetrics');
  const y = toLabelArray(yTrue, 2);
  const s = checkScores(scores, y.length, 'scores', true);
  const names = opts.metrics ? [...opts.metrics] : listMetrics().map((m) => m.name);
  const ctx: MetricContext = { threshold: opts.threshold ?? 0.5, zeroDivision: opts.zeroDivision ?? 0 };
  const minSize = opts.minStratumSize ?? 30;
  const { keys, rowsByKey } = groupRows(strata, y.length);
  const result: StratumResult[] = [];
  for (const key of keys) {
    const rows = rowsByKey.get(key) as number[];
    const { sy, ss, positives } = subset(rows, y, s);
    result.push({ key, n: rows.length, positives, small: rows.length < minSize, metrics: metricsFor(names, sy, ss, ctx) });
  }
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i] as number;
  const directions: Record<string, MetricDirection> = {};
  for (const name of names) directions[name] = getMetricEntry(name).direction;
  return {
    column: opts.column ?? 'stratum',
    min_stratum_size: minSize,
    overall: { n: y.length, positives, metrics: metricsFor(names, y, s, ctx) },
    strata: result,
    directions,
  };
}

export interface StratumDelta {
  key: string | null;
  n: number;
  positives: number;
  small: boolean;
  metrics: Record<string, { baseline: number | null; new: number | null; absolute_delta: number | null; improved: boolean }>;
}

export interface StratifiedDeltaResult {
  column: string;
  min_stratum_size: number;
  strata: StratumDelta[];
  directions: Record<string, MetricDirection>;
}

/**
 * Baseline and new model side by side in every stratum, with each metric's delta and
 * whether it improved in the metric's direction (custom metrics included). Point figures
 * only: small strata are flagged rather than tested, since their intervals would be wide.
 */
export function stratifiedDelta(
  yTrue: Labels,
  baselineScores: Float64Array,
  newScores: Float64Array,
  strata: readonly StratumValue[],
  options: StratifiedOptions = {},
): StratifiedDeltaResult {
  const opts = parseOptions(optionsSchema, options, 'stratifiedDelta');
  const y = toLabelArray(yTrue, 2);
  const a = checkScores(baselineScores, y.length, 'baselineScores', true);
  const b = checkScores(newScores, y.length, 'newScores', true);
  const names = opts.metrics ? [...opts.metrics] : listMetrics().map((m) => m.name);
  const ctx: MetricContext = { threshold: opts.threshold ?? 0.5, zeroDivision: opts.zeroDivision ?? 0 };
  const minSize = opts.minStratumSize ?? 30;
  const directions: Record<string, MetricDirection> = {};
  for (const name of names) directions[name] = getMetricEntry(name).direction;
  const { keys, rowsByKey } = groupRows(strata, y.length);
  const out: StratumDelta[] = [];
  for (const key of keys) {
    const rows = rowsByKey.get(key) as number[];
    const sa = subset(rows, y, a);
    const sb = subset(rows, y, b);
    const ma = metricsFor(names, sa.sy, sa.ss, ctx);
    const mb = metricsFor(names, sb.sy, sb.ss, ctx);
    const metrics: StratumDelta['metrics'] = {};
    for (const name of names) {
      const va = ma[name] ?? null;
      const vb = mb[name] ?? null;
      const d = va === null || vb === null ? null : vb - va;
      metrics[name] = { baseline: va, new: vb, absolute_delta: d, improved: d !== null && (directions[name] === 'higher' ? d > 0 : d < 0) };
    }
    out.push({ key, n: rows.length, positives: sa.positives, small: rows.length < minSize, metrics });
  }
  return { column: opts.column ?? 'stratum', min_stratum_size: minSize, strata: out, directions };
}
