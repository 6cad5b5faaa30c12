import { z } from 'zod';
import { checkScores, parseOptions, toLabelArray } from '../validation.js';
import type { Labels } from '../validation.js';
import { buildTieGroups } from '../metrics/tie-groups.js';
import { binaryMetricsChecked } from '../metrics/binary.js';
import { BUILT_IN_METRICS, evaluateCustom, getMetricEntry } from '../metric-registry.js';
import type { MetricContext } from '../metric-registry.js';
import { discordantCounts, mcnemarTest } from './mcnemar.js';
import type { McNemarResult } from './mcnemar.js';
import { delongFromGroups } from './delong.js';
import type { DeLongResult } from './delong.js';
import { bootstrapAurocDeltas, bootstrapAveragePrecisionDeltas, bootstrapCountDeltas, bootstrapMeanDeltas, bootstrapRowDeltas, COUNT_METRICS, jointCells, summarizeBootstrap } from './bootstrap.js';
import type { CountMetricName } from './bootstrap.js';
import { perRowLossDifferences } from './paired-z.js';

/** McNemar's test on the discordant pairs of two models' 0/1 predictions (score >= threshold). */
export function mcnemar(yTrue: Labels, baselineScores: Float64Array, newScores: Float64Array, options: { threshold?: number } = {}): McNemarResult {
  const opts = parseOptions(z.object({ threshold: z.number().finite().optional() }).strict(), options, 'mcnemar');
  const y = toLabelArray(yTrue, 2);
  const a = checkScores(baselineScores, y.length, 'baselineScores', false);
  const b = checkScores(newScores, y.length, 'newScores', false);
  const { b: nb, c } = discordantCounts(y, a, b, opts.threshold ?? 0.5);
  return mcnemarTest(nb, c);
}

/** McNemar's test from the discordant counts b (baseline right, new wrong) and c (the reverse). */
export function mcnemarFromCounts(b: number, c: number): McNemarResult {
  const counts = parseOptions(z.object({ b: z.number().int().min(0), c: z.number().int().min(0) }), { b, c }, 'mcnemarFromCounts');
  return mcnemarTest(counts.b, counts.c);
}

/** DeLong's test for two correlated AUROCs on the same rows; null when a class has fewer than 2 rows. */
export function delong(yTrue: Labels, baselineScores: Float64Array, newScores: Float64Array, options: { alpha?: number } = {}): DeLongResult | null {
  const opts = parseOptions(z.object({ alpha: z.number().gt(0).lt(1).optional() }).strict(), options, 'delong');
  const y = toLabelArray(yTrue, 2);
  const a = checkScores(baselineScores, y.length, 'baselineScores', false);
  const b = checkScores(newScores, y.length, 'newScores', false);
  return delongFromGroups(y, buildTieGroups(y, a), buildTieGroups(y, b), opts.alpha ?? 0.05);
}

export interface PairedBootstrapResult {
  metric: string;
  baseline: number | null;
  new: number | null;
  delta: number | null;
  ci: [number, number] | null;
  ci_level: number;
  p_value: number | null;
  resamples: number;
  /** Resamples where the metric was defined for both models. */
  used: number;
  seed: number;
  method: 'multinomial_joint_table' | 'row_resampling';
}

const bootstrapSchema = z
  .object({
    metric: z.string(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    resamples: z.number().int().min(1).max(1_000_000).optional(),
    alpha: z.number().gt(0).lt(1).optional(),
    threshold: z.number().finite().optional(),
    zeroDivision: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .strict();

/**
 * Seeded paired bootstrap interval for any metric's delta (new - baseline), built-in or
 * registered. Threshold metrics resample the joint contingency table exactly; the others
 * resample rows.
 */
export function pairedBootstrap(
  yTrue: Labels,
  baselineScores: Float64Array,
  newScores: Float64Array,
  options: { metric: string; seed: number; resamples?: number; alpha?: number; threshold?: number; zeroDivision?: 0 | 1 },
): PairedBootstrapResult {
  const opts = parseOptions(bootstrapSchema, options, 'pairedBootstrap');
  const entry = getMetricEntry(opts.metric);
  const y = toLabelArray(yTrue, 2);
  const a = checkScores(baselineScores, y.length, 'baselineScores', entry.requiresProbabilities);
  const b = checkScores(newScores, y.length, 'newScores', entry.requiresProbabilities);
  const ctx: MetricContext = { threshold: opts.threshold ?? 0.5, zeroDivision: opts.zeroDivision ?? 0 };
  const resamples = opts.resamples ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  const builtIn = BUILT_IN_METRICS.some((m) => m.name === entry.name);
  const value = (yy: Int32Array, ss: Float64Array): number | null =>
    builtIn ? (binaryMetricsChecked(yy, ss, ctx.threshold, ctx.zeroDivision) as unknown as Record<string, number | null>)[entry.name] ?? null : evaluateCustom(entry, yy, ss, ctx);
  const va = value(y, a);
  const vb = value(y, b);
  const isCount = (COUNT_METRICS as readonly string[]).includes(entry.name);
  let deltas: Float64Array;
  if (isCount) {
    deltas = bootstrapCountDeltas(jointCells(y, a, b, ctx.threshold), resamples, opts.seed, ctx.zeroDivision)[entry.name as CountMetricName];
  } else if (entry.name === 'average_precision') {
    deltas = bootstrapAveragePrecisionDeltas(y, buildTieGroups(y, a), buildTieGroups(y, b), resamples, opts.seed);
  } else if (entry.name === 'auroc') {
    deltas = bootstrapAurocDeltas(y, buildTieGroups(y, a), buildTieGroups(y, b), resamples, opts.seed);
  } else if (entry.name === 'log_loss' || entry.name === 'brier') {
    deltas = bootstrapMeanDeltas(perRowLossDifferences(entry.name, y, a, b), resamples, opts.seed);
  } else {
    deltas = bootstrapRowDeltas(y, a, b, value, resamples, opts.seed);
  }
  const s = summarizeBootstrap(deltas, alpha);
  return {
    metric: entry.name,
    baseline: va,
    new: vb,
    delta: va === null || vb === null ? null : vb - va,
    ci: s.ci,
    ci_level: 1 - alpha,
    p_value: s.p_value,
    resamples,
    used: s.used,
    seed: opts.seed,
    method: isCount ? 'multinomial_joint_table' : 'row_resampling',
  };
}
