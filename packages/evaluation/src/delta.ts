import { z } from 'zod';
import { EvaluationError } from './errors.js';
import { checkScores, parseOptions, toLabelArray } from './validation.js';
import type { Labels } from './validation.js';
import { binaryMetricsChecked } from './metrics/binary.js';
import type { BinaryMetrics } from './metrics/binary.js';
import { buildTieGroups } from './metrics/tie-groups.js';
import { evaluateCustom, getMetricEntry, listMetrics } from './metric-registry.js';
import type { BuiltInName, MetricContext, MetricDirection, MetricEntry } from './metric-registry.js';
import { CUSTOM_METRIC_TEST, METRIC_TESTS, metricTestLabel, runMetricTest } from './metric-tests.js';
import type { MetricTestLabel, MetricTestResult, PairedEvidence } from './metric-tests.js';
import { mcnemarTest, discordantCounts } from './significance/mcnemar.js';
import type { McNemarResult } from './significance/mcnemar.js';
import { delongFromGroups } from './significance/delong.js';
import type { DeLongResult } from './significance/delong.js';
import { bootstrapCountDeltas, jointCells } from './significance/bootstrap.js';
import { newcombePairedInterval, pairedCorrectness } from './significance/newcombe-paired.js';
import { reasonP, reasonPp, reasonSetting } from './reason-numbers.js';

export interface MetricDelta {
  baseline: number | null;
  new: number | null;
  /** new - baseline, in the metric's own units. */
  absolute_delta: number | null;
  /** absolute_delta * 100. */
  delta_pp: number | null;
  /** absolute_delta / |baseline|; null when baseline is 0 or undefined. */
  relative_delta: number | null;
  /** Interval for absolute_delta at ci_level. */
  ci: [number, number] | null;
  ci_level: number;
  p_value: number | null;
  /** The test that gave ci and p_value (see METRIC_TESTS), or `none: <reason>`. */
  test: MetricTestLabel;
  direction: MetricDirection;
  /** new is strictly better than baseline in the metric's direction. */
  improved: boolean;
}

export type DecisionReasonCode = 'BELOW_THRESHOLD' | 'NOT_SIGNIFICANT' | 'TOO_FEW_SAMPLES' | 'BENCHMARK_HASH_MISMATCH' | 'DIFFERENT_RECIPE';

/**
 * What "significant" means in the decision. 'zero': the primary metric's test rejects "no
 * difference" (p < alpha) and its 1 - alpha interval lies wholly on the better side of 0.
 * 'threshold': the interval's worse end is itself at least the threshold, so the improvement is
 * significantly at least threshold_pp (one-sided at alpha / 2).
 */
export type SignificanceAgainst = 'zero' | 'threshold';

/** How the two models were made: the same recipe (family, params, features) or not. */
export interface RecipeComparison {
  same: boolean;
  /** Family of each model ('unknown' for a supplied model that does not say). */
  baseline: string;
  new: string;
  /** Accepting a different-recipe comparison was allowed by the config. */
  allow_different: boolean;
  /** Why the recipes differ, or how the new model followed the baseline's. */
  detail: string;
}

export interface DeltaReport {
  primary_metric: string;
  /** 1 DeltaOne = 1 percentage point of improvement in the primary metric (sign: positive = better). */
  delta_one: number | null;
  metrics: Record<string, MetricDelta>;
  tests: {
    mcnemar: McNemarResult;
    delong: DeLongResult | null;
    bootstrap: { resamples: number; seed: number; method: string; row_bootstrap_max_cells: number };
  };
  decision: {
    accepted: boolean;
    reasons: { code: DecisionReasonCode; message: string }[];
    /** The acceptance rule in words, as applied. */
    rule: string;
    significance_against: SignificanceAgainst;
  };
  /** Null when the caller did not say how the models were made. */
  recipe: RecipeComparison | null;
  n: number;
  /** The benchmark the run names, with both hashes; null when none was given. */
  benchmark: { id: string; version: string | null; registered_hash: string; actual_hash: string; matches: boolean } | null;
  classification_threshold: number;
  thresholds: { threshold_pp: number; alpha: number; min_samples: number };
  baseline_metrics: Record<string, number | null>;
  new_metrics: Record<string, number | null>;
}

export interface ComputeDeltaInput {
  yTrue: Labels;
  baselineScores: Float64Array;
  newScores: Float64Array;
  /** Default 'accuracy'. */
  primaryMetric?: string;
  /** Minimum DeltaOne to accept, in percentage points. Default 1.0. */
  thresholdPp?: number;
  /** Significance level; intervals are at 1 - alpha. Default 0.05. */
  alpha?: number;
  /** Minimum benchmark rows. Default 100. */
  minSamples?: number;
  seed: number;
  /** Default 1000. */
  bootstrapResamples?: number;
  /** predicted = score >= threshold ? 1 : 0. Default 0.5. */
  classificationThreshold?: number;
  /** Metrics to report; default every built-in plus every registered custom metric. */
  metrics?: readonly string[];
  zeroDivision?: 0 | 1;
  /**
   * Row-resampling bootstrap (average precision, custom metrics) runs only when
   * rows * resamples <= this; above it the metric reports test "none: ..." with null CI.
   * Default 20,000,000 (20k rows at 1000 resamples, under a second for average precision on
   * this project's 2-core reference machine; a custom metric costs what its function costs).
   */
  rowBootstrapMaxCells?: number;
  /**
   * The benchmark the run used. When the hashes differ the contribution is refused with
   * BENCHMARK_HASH_MISMATCH. BenchmarkRegistry.check(id, version, hash) returns this shape.
   */
  benchmark?: { id: string; version?: string; registeredHash: string; actualHash: string };
  /** Default 'zero'. See SignificanceAgainst. */
  significanceAgainst?: SignificanceAgainst;
  /**
   * How the two models were made. A different recipe mixes a recipe change into DeltaOne: the
   * contribution is refused with DIFFERENT_RECIPE unless allowDifferent is true.
   */
  recipe?: { same: boolean; baseline: string; new: string; allowDifferent: boolean; detail: string };
}

/**
 * The decision options of computeDelta that a pipeline's config sets. A config that composes
 * its own options from these fields refuses, at parse time, what computeDelta would refuse.
 */
export const DeltaOptionsSchema = z
  .object({
    primaryMetric: z.string().optional(),
    thresholdPp: z.number().finite().optional(),
    alpha: z.number().gt(0).lt(1).optional(),
    minSamples: z.number().int().min(0).optional(),
    bootstrapResamples: z.number().int().min(1).max(1_000_000).optional(),
    significanceAgainst: z.enum(['zero', 'threshold']).optional(),
  })
  .strict();

const inputSchema = DeltaOptionsSchema
  .extend({
    // The arrays are checked separately (typed-array loops); here they must just be absent.
    yTrue: z.undefined(),
    baselineScores: z.undefined(),
    newScores: z.undefined(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    classificationThreshold: z.number().finite().optional(),
    metrics: z.array(z.string()).readonly().optional(),
    zeroDivision: z.union([z.literal(0), z.literal(1)]).optional(),
    rowBootstrapMaxCells: z.number().int().min(0).optional(),
    benchmark: z.object({ id: z.string(), version: z.string().optional(), registeredHash: z.string(), actualHash: z.string() }).strict().optional(),
    recipe: z.object({ same: z.boolean(), baseline: z.string(), new: z.string(), allowDifferent: z.boolean(), detail: z.string() }).strict().optional(),
  })
  .strict();

/** Below this, DeltaOne comparisons treat a difference as float rounding (an exact 1.0 pp passes). */
const PP_TOLERANCE = 1e-9;

function makeDelta(baseline: number | null, next: number | null, direction: MetricDirection, result: MetricTestResult, ciLevel: number, exactDelta?: number): MetricDelta {
  const abs = baseline === null || next === null ? null : (exactDelta ?? next - baseline);
  return {
    baseline,
    new: next,
    absolute_delta: abs,
    delta_pp: abs === null ? null : abs * 100,
    relative_delta: abs === null || baseline === null || baseline === 0 ? null : abs / Math.abs(baseline),
    ci: result.test === 'none' ? null : result.ci,
    ci_level: ciLevel,
    p_value: result.test === 'none' ? null : result.p,
    test: metricTestLabel(result),
    direction,
    improved: abs !== null && (direction === 'higher' ? abs > 0 : abs < 0),
  };
}

/** computeDelta's options with their defaults. */
interface DeltaSettings {
  seed: number;
  primary: string;
  thresholdPp: number;
  against: SignificanceAgainst;
  alpha: number;
  minSamples: number;
  resamples: number;
  threshold: number;
  zeroDivision: 0 | 1;
  rowMax: number;
  metrics: readonly string[] | undefined;
  benchmark: ComputeDeltaInput['benchmark'];
  recipe: ComputeDeltaInput['recipe'];
}

function readDeltaInput(input: ComputeDeltaInput): { y: Int32Array; base: Float64Array; next: Float64Array; s: DeltaSettings } {
  if (typeof input !== 'object' || input === null) {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', 'computeDelta: input must be an object with yTrue, baselineScores, newScores and seed.');
  }
  const opts = parseOptions(inputSchema, { ...input, yTrue: undefined, baselineScores: undefined, newScores: undefined }, 'computeDelta');
  const y = toLabelArray(input.yTrue, 2);
  const n = y.length;
  const base = checkScores(input.baselineScores, n, 'baselineScores', true);
  const next = checkScores(input.newScores, n, 'newScores', true);
  const s: DeltaSettings = {
    seed: opts.seed,
    primary: opts.primaryMetric ?? 'accuracy',
    thresholdPp: opts.thresholdPp ?? 1.0,
    against: opts.significanceAgainst ?? 'zero',
    alpha: opts.alpha ?? 0.05,
    minSamples: opts.minSamples ?? 100,
    resamples: opts.bootstrapResamples ?? 1000,
    threshold: opts.classificationThreshold ?? 0.5,
    zeroDivision: opts.zeroDivision ?? 0,
    rowMax: opts.rowBootstrapMaxCells ?? 20_000_000,
    metrics: opts.metrics,
    benchmark: opts.benchmark,
    recipe: opts.recipe,
  };
  return { y, base, next, s };
}

/** Both models' built-in metrics and the paired statistics every metric's test reads, computed once. */
function pairedEvidence(y: Int32Array, base: Float64Array, next: Float64Array, s: DeltaSettings): { ev: PairedEvidence; mBase: BinaryMetrics; mNext: BinaryMetrics; b: number; c: number } {
  const groupsBase = buildTieGroups(y, base);
  const groupsNext = buildTieGroups(y, next);
  const mBase = binaryMetricsChecked(y, base, s.threshold, s.zeroDivision, groupsBase);
  const mNext = binaryMetricsChecked(y, next, s.threshold, s.zeroDivision, groupsNext);
  const { b, c } = discordantCounts(y, base, next, s.threshold);
  const ev: PairedEvidence = {
    y,
    base,
    next,
    groupsBase,
    groupsNext,
    alpha: s.alpha,
    resamples: s.resamples,
    seed: s.seed,
    rowBootstrapMaxCells: s.rowMax,
    mcnemar: mcnemarTest(b, c),
    accuracyCi: newcombePairedInterval(pairedCorrectness(y, base, next, s.threshold), s.alpha),
    delong: delongFromGroups(y, groupsBase, groupsNext, s.alpha),
    countDeltas: bootstrapCountDeltas(jointCells(y, base, next, s.threshold), s.resamples, s.seed, s.zeroDivision),
  };
  return { ev, mBase, mNext, b, c };
}

type BuiltInValueName = keyof Omit<BinaryMetrics, 'confusion' | 'n' | 'threshold'>;

/** The metrics to report, the primary first if not among them; an unknown name fails before any work. */
function requestedMetrics(s: DeltaSettings): MetricEntry[] {
  const names = s.metrics ? [...s.metrics] : listMetrics().map((m) => m.name);
  if (!names.includes(s.primary)) names.unshift(s.primary);
  return names.map((name) => getMetricEntry(name));
}

/** Each metric's values, delta and test, as the table METRIC_TESTS says. */
function metricDeltas(s: DeltaSettings, entries: readonly MetricEntry[], paired: ReturnType<typeof pairedEvidence>): Pick<DeltaReport, 'metrics' | 'baseline_metrics' | 'new_metrics'> {
  const { ev, mBase, mNext, b, c } = paired;
  const ctx: MetricContext = { threshold: s.threshold, zeroDivision: s.zeroDivision };
  const out: Pick<DeltaReport, 'metrics' | 'baseline_metrics' | 'new_metrics'> = { metrics: {}, baseline_metrics: {}, new_metrics: {} };
  for (const e of entries) {
    const builtIn = Object.hasOwn(METRIC_TESTS, e.name);
    const vb = builtIn ? mBase[e.name as BuiltInValueName] : evaluateCustom(e, ev.y, ev.base, ctx);
    const vn = builtIn ? mNext[e.name as BuiltInValueName] : evaluateCustom(e, ev.y, ev.next, ctx);
    const kind = builtIn ? METRIC_TESTS[e.name as BuiltInName] : CUSTOM_METRIC_TEST;
    const result = runMetricTest(kind, { name: e.name, onRows: (yy, ss) => evaluateCustom(e, yy, ss, ctx) }, ev);
    // Accuracy's delta is (c - b) / n exactly: the same counts the zero-knowledge circuit proves.
    const exact = e.name === 'accuracy' ? (c - b) / ev.y.length : undefined;
    out.metrics[e.name] = makeDelta(vb, vn, e.direction, result, 1 - s.alpha, exact);
    out.baseline_metrics[e.name] = vb;
    out.new_metrics[e.name] = vn;
  }
  return out;
}

/** Every reason to refuse the contribution; none means accepted. */
function decisionReasons(s: DeltaSettings, n: number, pm: MetricDelta, deltaOne: number | null): DeltaReport['decision']['reasons'] {
  const reasons: DeltaReport['decision']['reasons'] = [];
  const { benchmark: bm, recipe, primary, thresholdPp } = s;
  if (bm && bm.registeredHash !== bm.actualHash) {
    reasons.push({
      code: 'BENCHMARK_HASH_MISMATCH',
      message: `Benchmark "${bm.id}${bm.version ? `@${bm.version}` : ''}" content hash ${bm.actualHash} does not match its registered hash ${bm.registeredHash}; score against the registered benchmark or register a new version.`,
    });
  }
  if (n < s.minSamples) {
    reasons.push({ code: 'TOO_FEW_SAMPLES', message: `The benchmark has ${n} rows; at least ${s.minSamples} are required for a decision.` });
  }
  if (deltaOne === null || deltaOne < thresholdPp - PP_TOLERANCE) {
    reasons.push({
      code: 'BELOW_THRESHOLD',
      message: deltaOne === null ? `${primary} is undefined on this benchmark, so no DeltaOne can be computed.` : `DeltaOne is ${reasonPp(deltaOne, thresholdPp)} pp on ${primary}; at least ${reasonSetting(thresholdPp)} pp is required.`,
    });
  }
  const significance = significanceProblem(pm, primary, s.alpha, s.against, thresholdPp);
  if (significance !== null) reasons.push({ code: 'NOT_SIGNIFICANT', message: significance });
  if (recipe !== undefined && !recipe.same && !recipe.allowDifferent) {
    reasons.push({
      code: 'DIFFERENT_RECIPE',
      message: `The baseline (${recipe.baseline}) and the new model (${recipe.new}) were not trained with the same recipe, so DeltaOne mixes a recipe change into the data's effect: ${recipe.detail} Supply a baseline this project exported, or set acceptance.allowDifferentRecipe to accept such a comparison.`,
    });
  }
  return reasons;
}

/**
 * Compares a baseline and a new model on the same benchmark rows: every metric with its
 * delta, interval and paired test, and the DeltaOne accept/refuse decision with reasons.
 * Deterministic for a given seed; the result is plain JSON (null, never NaN).
 */
export function computeDelta(input: ComputeDeltaInput): DeltaReport {
  const { y, base, next, s } = readDeltaInput(input);
  const n = y.length;
  const entries = requestedMetrics(s);
  const paired = pairedEvidence(y, base, next, s);
  const { metrics, baseline_metrics, new_metrics } = metricDeltas(s, entries, paired);
  const pm = metrics[s.primary] as MetricDelta;
  const deltaOne = pm.delta_pp === null ? null : pm.direction === 'higher' ? pm.delta_pp : -pm.delta_pp;
  const reasons = decisionReasons(s, n, pm, deltaOne);
  const { benchmark: bm, recipe } = s;
  return {
    primary_metric: s.primary,
    delta_one: deltaOne,
    metrics,
    tests: {
      mcnemar: paired.ev.mcnemar,
      delong: paired.ev.delong,
      bootstrap: {
        resamples: s.resamples,
        seed: s.seed,
        method: 'paired; threshold metrics (accuracy excepted: Newcombe score interval) by exact multinomial resampling of the joint (truth, baseline, new) table; average precision and custom metrics by row resampling; percentile intervals',
        row_bootstrap_max_cells: s.rowMax,
      },
    },
    decision: { accepted: reasons.length === 0, reasons, rule: decisionRule(s.primary, pm.test, s.thresholdPp, s.alpha, s.minSamples, s.against, recipe !== undefined), significance_against: s.against },
    recipe: recipe === undefined ? null : { same: recipe.same, baseline: recipe.baseline, new: recipe.new, allow_different: recipe.allowDifferent, detail: recipe.detail },
    n,
    benchmark: bm ? { id: bm.id, version: bm.version ?? null, registered_hash: bm.registeredHash, actual_hash: bm.actualHash, matches: bm.registeredHash === bm.actualHash } : null,
    classification_threshold: s.threshold,
    thresholds: { threshold_pp: s.thresholdPp, alpha: s.alpha, min_samples: s.minSamples },
    baseline_metrics,
    new_metrics,
  };
}

/** Percentage points of improvement in the metric's better direction. */
function betterPp(value: number, direction: MetricDirection): number {
  return (direction === 'higher' ? value : -value) * 100;
}

/** Null when the primary metric's difference counts as significant under the rule, else why not. */
function significanceProblem(pm: MetricDelta, primary: string, alpha: number, against: SignificanceAgainst, thresholdPp: number): string | null {
  const level = `${Math.round((1 - alpha) * 1000) / 10}%`;
  if (pm.p_value === null || pm.ci === null) {
    return pm.p_value === null ? `No p-value is available for ${primary} (${pm.test}).` : `No interval is available for ${primary} (${pm.test}).`;
  }
  // The interval's end on the worse side, as improvement in percentage points.
  const worst = Math.min(betterPp(pm.ci[0], pm.direction), betterPp(pm.ci[1], pm.direction));
  if (against === 'threshold') {
    if (worst < thresholdPp - PP_TOLERANCE) {
      return `The ${level} interval for ${primary} reaches down to ${reasonPp(worst, thresholdPp)} pp of improvement, below the threshold of ${reasonSetting(thresholdPp)} pp: the improvement is not significantly at least the threshold.`;
    }
    return null;
  }
  if (!(pm.p_value < alpha)) return `p = ${reasonP(pm.p_value)} for ${primary} (${pm.test}) is not below alpha = ${reasonSetting(alpha)}.`;
  if (!(worst > 0)) {
    return `p = ${reasonP(pm.p_value)} for ${primary} (${pm.test}) is below alpha = ${reasonSetting(alpha)}, but its ${level} interval still reaches ${reasonPp(worst, 0)} pp (no improvement); the test and the interval must agree.`;
  }
  return null;
}

function decisionRule(primary: string, test: string, thresholdPp: number, alpha: number, minSamples: number, against: SignificanceAgainst, recipeKnown: boolean): string {
  const level = `${Math.round((1 - alpha) * 1000) / 10}%`;
  // 'mcnemar_exact_binomial+newcombe_score_ci' names the test, then the interval.
  const [testName, intervalName] = test.split('+');
  const interval = `${level} interval${intervalName === undefined ? '' : ` (${intervalName})`}`;
  const significant =
    against === 'threshold'
      ? `the worse end of the ${interval} is itself at least ${thresholdPp} pp of improvement (significantly at least the threshold)`
      : `the paired test (${testName ?? test}) gives p < ${alpha} and the ${interval} lies wholly on the improving side of 0`;
  return (
    `Accepted when DeltaOne (new minus baseline ${primary}, in percentage points) is at least ${thresholdPp}, ` +
    `${significant}, the benchmark has at least ${minSamples} rows, its registered hash (if named) matches` +
    (recipeKnown ? ', and both models follow the same recipe (unless a different recipe is allowed).' : '.')
  );
}
