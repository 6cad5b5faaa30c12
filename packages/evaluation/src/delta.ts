import { z } from 'zod';
import { EvaluationError } from './errors.js';
import { checkScores, parseOptions, toLabelArray } from './validation.js';
import type { Labels } from './validation.js';
import { binaryMetricsChecked } from './metrics/binary.js';
import type { BinaryMetrics } from './metrics/binary.js';
import { buildTieGroups } from './metrics/tie-groups.js';
import { BUILT_IN_METRICS, evaluateCustom, getMetricEntry, listMetrics } from './metric-registry.js';
import type { MetricContext, MetricDirection } from './metric-registry.js';
import { mcnemarTest, discordantCounts } from './significance/mcnemar.js';
import type { McNemarResult } from './significance/mcnemar.js';
import { delongFromGroups } from './significance/delong.js';
import type { DeLongResult } from './significance/delong.js';
import { bootstrapAveragePrecisionDeltas, bootstrapCountDeltas, bootstrapRowDeltas, COUNT_METRICS, jointCells, streamSeed, summarizeBootstrap } from './significance/bootstrap.js';
import type { CountMetricName } from './significance/bootstrap.js';
import { pairedZ, perRowLossDifferences } from './significance/paired-z.js';
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
  /** mcnemar | delong | paired_bootstrap | paired_z | none (with the reason after a colon). */
  test: string;
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

function makeDelta(
  baseline: number | null,
  next: number | null,
  direction: MetricDirection,
  ci: [number, number] | null,
  ciLevel: number,
  p: number | null,
  test: string,
  exactDelta?: number,
): MetricDelta {
  const abs = baseline === null || next === null ? null : (exactDelta ?? next - baseline);
  return {
    baseline,
    new: next,
    absolute_delta: abs,
    delta_pp: abs === null ? null : abs * 100,
    relative_delta: abs === null || baseline === null || baseline === 0 ? null : abs / Math.abs(baseline),
    ci,
    ci_level: ciLevel,
    p_value: p,
    test,
    direction,
    improved: abs !== null && (direction === 'higher' ? abs > 0 : abs < 0),
  };
}

/**
 * Compares a baseline and a new model on the same benchmark rows: every metric with its
 * delta, interval and paired test, and the DeltaOne accept/refuse decision with reasons.
 * Deterministic for a given seed; the result is plain JSON (null, never NaN).
 */
export function computeDelta(input: ComputeDeltaInput): DeltaReport {
  if (typeof input !== 'object' || input === null) {
    throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', 'computeDelta: input must be an object with yTrue, baselineScores, newScores and seed.');
  }
  const opts = parseOptions(inputSchema, { ...input, yTrue: undefined, baselineScores: undefined, newScores: undefined }, 'computeDelta');
  const y = toLabelArray(input.yTrue, 2);
  const n = y.length;
  const base = checkScores(input.baselineScores, n, 'baselineScores', true);
  const next = checkScores(input.newScores, n, 'newScores', true);
  const primary = opts.primaryMetric ?? 'accuracy';
  const thresholdPp = opts.thresholdPp ?? 1.0;
  const against: SignificanceAgainst = opts.significanceAgainst ?? 'zero';
  const alpha = opts.alpha ?? 0.05;
  const minSamples = opts.minSamples ?? 100;
  const resamples = opts.bootstrapResamples ?? 1000;
  const threshold = opts.classificationThreshold ?? 0.5;
  const zeroDivision = opts.zeroDivision ?? 0;
  const rowMax = opts.rowBootstrapMaxCells ?? 20_000_000;
  const ciLevel = 1 - alpha;
  const ctx: MetricContext = { threshold, zeroDivision };

  const names = opts.metrics ? [...opts.metrics] : listMetrics().map((m) => m.name);
  if (!names.includes(primary)) names.unshift(primary);
  const entries = names.map((name) => getMetricEntry(name));

  const groupsBase = buildTieGroups(y, base);
  const groupsNext = buildTieGroups(y, next);
  const mBase: BinaryMetrics = binaryMetricsChecked(y, base, threshold, zeroDivision, groupsBase);
  const mNext: BinaryMetrics = binaryMetricsChecked(y, next, threshold, zeroDivision, groupsNext);

  const { b, c } = discordantCounts(y, base, next, threshold);
  const mcnemar = mcnemarTest(b, c);
  const accuracyCi = newcombePairedInterval(pairedCorrectness(y, base, next, threshold), alpha);
  const delong = delongFromGroups(y, groupsBase, groupsNext, alpha);

  const cells = jointCells(y, base, next, threshold);
  const countDeltas = bootstrapCountDeltas(cells, resamples, opts.seed, zeroDivision);

  const rowBootstrapAllowed = n * resamples <= rowMax;
  const rowSkip = `none: row bootstrap skipped because rows x resamples = ${n * resamples} exceeds rowBootstrapMaxCells = ${rowMax}`;

  /** A metric resampled row by row, when rows x resamples stays within the limit. */
  const rowBootstrap = (draw: () => Float64Array): { ci: [number, number] | null; p: number | null; test: string } => {
    if (!rowBootstrapAllowed) return { ci: null, p: null, test: rowSkip };
    const s = summarizeBootstrap(draw(), alpha);
    return { ci: s.ci, p: s.p_value, test: 'paired_bootstrap' };
  };

  const metrics: Record<string, MetricDelta> = {};
  const baselineMetrics: Record<string, number | null> = {};
  const newMetrics: Record<string, number | null> = {};
  const builtInNames = new Set<string>(BUILT_IN_METRICS.map((m) => m.name));
  for (const e of entries) {
    let vb: number | null;
    let vn: number | null;
    let ci: [number, number] | null = null;
    let p: number | null = null;
    let test = 'none';
    if (builtInNames.has(e.name)) {
      const key = e.name as keyof Omit<BinaryMetrics, 'confusion' | 'n' | 'threshold'>;
      vb = mBase[key];
      vn = mNext[key];
      if ((COUNT_METRICS as readonly string[]).includes(e.name)) {
        const s = summarizeBootstrap(countDeltas[e.name as CountMetricName], alpha);
        ci = s.ci;
        if (e.name === 'accuracy') {
          // A percentile bootstrap of few discordant pairs can exclude 0 while McNemar's exact
          // p is above alpha; Newcombe's score interval stays honest there.
          ci = accuracyCi;
          p = mcnemar.p_value;
          test = `mcnemar_${mcnemar.method}+newcombe_score_ci`;
        } else {
          p = s.p_value;
          test = 'paired_bootstrap';
        }
      } else if (e.name === 'auroc') {
        if (delong) {
          ci = delong.ci;
          p = delong.p_value;
          test = 'delong';
        } else {
          test = 'none: AUROC needs at least two rows of each class';
        }
      } else if (e.name === 'log_loss' || e.name === 'brier') {
        const diffs = perRowLossDifferences(e.name, y, base, next);
        const z2 = pairedZ(diffs, alpha);
        ci = z2.ci;
        p = z2.p_value;
        test = 'paired_z';
      } else {
        ({ ci, p, test } = rowBootstrap(() => bootstrapAveragePrecisionDeltas(y, groupsBase, groupsNext, resamples, streamSeed(opts.seed, e.name))));
      }
    } else {
      vb = evaluateCustom(e, y, base, ctx);
      vn = evaluateCustom(e, y, next, ctx);
      ({ ci, p, test } = rowBootstrap(() => bootstrapRowDeltas(y, base, next, (yy, ss) => evaluateCustom(e, yy, ss, ctx), resamples, streamSeed(opts.seed, e.name))));
    }
    // Accuracy's delta is (c - b) / n exactly: the same counts the zero-knowledge circuit proves.
    const exact = e.name === 'accuracy' ? (c - b) / n : undefined;
    metrics[e.name] = makeDelta(vb, vn, e.direction, ci, ciLevel, p, test, exact);
    baselineMetrics[e.name] = vb;
    newMetrics[e.name] = vn;
  }

  const pm = metrics[primary] as MetricDelta;
  const deltaOne = pm.delta_pp === null ? null : pm.direction === 'higher' ? pm.delta_pp : -pm.delta_pp;

  const reasons: DeltaReport['decision']['reasons'] = [];
  const bm = opts.benchmark;
  if (bm && bm.registeredHash !== bm.actualHash) {
    reasons.push({
      code: 'BENCHMARK_HASH_MISMATCH',
      message: `Benchmark "${bm.id}${bm.version ? `@${bm.version}` : ''}" content hash ${bm.actualHash} does not match its registered hash ${bm.registeredHash}; score against the registered benchmark or register a new version.`,
    });
  }
  if (n < minSamples) {
    reasons.push({ code: 'TOO_FEW_SAMPLES', message: `The benchmark has ${n} rows; at least ${minSamples} are required for a decision.` });
  }
  if (deltaOne === null || deltaOne < thresholdPp - PP_TOLERANCE) {
    reasons.push({
      code: 'BELOW_THRESHOLD',
      message: deltaOne === null ? `${primary} is undefined on this benchmark, so no DeltaOne can be computed.` : `DeltaOne is ${reasonPp(deltaOne, thresholdPp)} pp on ${primary}; at least ${reasonSetting(thresholdPp)} pp is required.`,
    });
  }
  const significance = significanceProblem(pm, primary, alpha, against, thresholdPp);
  if (significance !== null) reasons.push({ code: 'NOT_SIGNIFICANT', message: significance });
  const recipe = opts.recipe;
  if (recipe !== undefined && !recipe.same && !recipe.allowDifferent) {
    reasons.push({
      code: 'DIFFERENT_RECIPE',
      message: `The baseline (${recipe.baseline}) and the new model (${recipe.new}) were not trained with the same recipe, so DeltaOne mixes a recipe change into the data's effect: ${recipe.detail} Supply a baseline this project exported, or set acceptance.allowDifferentRecipe to accept such a comparison.`,
    });
  }

  return {
    primary_metric: primary,
    delta_one: deltaOne,
    metrics,
    tests: {
      mcnemar,
      delong,
      bootstrap: {
        resamples,
        seed: opts.seed,
        method: 'paired; threshold metrics (accuracy excepted: Newcombe score interval) by exact multinomial resampling of the joint (truth, baseline, new) table; average precision and custom metrics by row resampling; percentile intervals',
        row_bootstrap_max_cells: rowMax,
      },
    },
    decision: { accepted: reasons.length === 0, reasons, rule: decisionRule(primary, pm.test, thresholdPp, alpha, minSamples, against, recipe !== undefined), significance_against: against },
    recipe: recipe === undefined ? null : { same: recipe.same, baseline: recipe.baseline, new: recipe.new, allow_different: recipe.allowDifferent, detail: recipe.detail },
    n,
    benchmark: bm ? { id: bm.id, version: bm.version ?? null, registered_hash: bm.registeredHash, actual_hash: bm.actualHash, matches: bm.registeredHash === bm.actualHash } : null,
    classification_threshold: threshold,
    thresholds: { threshold_pp: thresholdPp, alpha, min_samples: minSamples },
    baseline_metrics: baselineMetrics,
    new_metrics: newMetrics,
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
