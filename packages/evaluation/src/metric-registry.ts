import { z } from 'zod';
import { EvaluationError } from './errors.js';
import { parseOptions } from './validation.js';
import { binaryMetricsChecked } from './metrics/binary.js';

export type MetricDirection = 'higher' | 'lower';

export interface MetricContext {
  /** predicted = score >= threshold ? 1 : 0 */
  threshold: number;
  zeroDivision: 0 | 1;
}

/** A custom metric: validated 0/1 labels and scores in, a finite number (or null = undefined) out. */
export type MetricFn = (yTrue: Int32Array, scores: Float64Array, context: MetricContext) => number | null;

export interface MetricInfo {
  name: string;
  direction: MetricDirection;
  builtIn: boolean;
  /** True when scores must be probabilities in [0, 1]. */
  requiresProbabilities: boolean;
}

export interface MetricEntry extends MetricInfo {
  fn: MetricFn;
}

export type BuiltInName = 'accuracy' | 'balanced_accuracy' | 'precision' | 'recall' | 'f1' | 'auroc' | 'average_precision' | 'log_loss' | 'brier';

export const BUILT_IN_METRICS: readonly { name: BuiltInName; direction: MetricDirection }[] = [
  { name: 'accuracy', direction: 'higher' },
  { name: 'balanced_accuracy', direction: 'higher' },
  { name: 'precision', direction: 'higher' },
  { name: 'recall', direction: 'higher' },
  { name: 'f1', direction: 'higher' },
  { name: 'auroc', direction: 'higher' },
  { name: 'average_precision', direction: 'higher' },
  { name: 'log_loss', direction: 'lower' },
  { name: 'brier', direction: 'lower' },
];

const registry = new Map<string, MetricEntry>();
for (const m of BUILT_IN_METRICS) {
  registry.set(m.name, {
    name: m.name,
    direction: m.direction,
    builtIn: true,
    requiresProbabilities: true,
    fn: (y, s, ctx) => binaryMetricsChecked(y, s, ctx.threshold, ctx.zeroDivision)[m.name],
  });
}

/** Metric names become JSON keys in the attestation, whose schema allows only this pattern. */
const nameSchema = z.string().regex(/^[a-z0-9_]+$/, 'use lowercase letters, digits and _ only');
const registerSchema = z
  .object({
    direction: z.enum(['higher', 'lower']),
    requiresProbabilities: z.boolean().optional(),
  })
  .strict();

/**
 * Registers a custom binary metric. It then flows through stratified evaluation, the
 * paired bootstrap and the delta exactly like a built-in one, with its declared direction.
 */
export function registerMetric(
  name: string,
  fn: MetricFn,
  options: { direction: MetricDirection; requiresProbabilities?: boolean },
): void {
  const parsedName = parseOptions(nameSchema, name, 'registerMetric name');
  const opts = parseOptions(registerSchema, options, 'registerMetric');
  if (typeof fn !== 'function') {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `registerMetric("${name}"): fn must be a function (yTrue, scores, context) => number | null.`);
  }
  if (registry.has(parsedName)) {
    throw new EvaluationError('HOKUSAI_EVAL_DUPLICATE_METRIC', `registerMetric: a metric named "${parsedName}" is already registered; pick another name or unregisterMetric it first.`);
  }
  registry.set(parsedName, { name: parsedName, direction: opts.direction, builtIn: false, requiresProbabilities: opts.requiresProbabilities ?? false, fn });
}

/** Removes a custom metric; built-in metrics cannot be removed. Returns whether it existed. */
export function unregisterMetric(name: string): boolean {
  const e = registry.get(name);
  if (!e) return false;
  if (e.builtIn) {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `unregisterMetric: "${name}" is built in and cannot be removed.`);
  }
  return registry.delete(name);
}

export function listMetrics(): MetricInfo[] {
  return [...registry.values()].map(({ name, direction, builtIn, requiresProbabilities }) => ({ name, direction, builtIn, requiresProbabilities }));
}

export function getMetricEntry(name: string): MetricEntry {
  const e = registry.get(name);
  if (!e) {
    const known = [...registry.keys()].join(', ');
    throw new EvaluationError('HOKUSAI_EVAL_UNKNOWN_METRIC', `Unknown metric "${name}". Known metrics: ${known}. Register custom ones with registerMetric(name, fn, { direction }).`);
  }
  return e;
}

/** Runs a custom metric and insists on a finite number or null, naming the metric otherwise. */
export function evaluateCustom(entry: MetricEntry, y: Int32Array, s: Float64Array, ctx: MetricContext): number | null {
  let v: unknown;
  try {
    v = entry.fn(y, s, ctx);
  } catch (err) {
    throw new EvaluationError('HOKUSAI_EVAL_METRIC_FAILED', `Custom metric "${entry.name}" threw: ${err instanceof Error ? err.message : String(err)}. Fix the metric function.`);
  }
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new EvaluationError('HOKUSAI_EVAL_METRIC_FAILED', `Custom metric "${entry.name}" returned ${String(v)}; it must return a finite number, or null when undefined.`);
  }
  return v;
}
