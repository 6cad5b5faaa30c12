import { join } from 'node:path';
import { canonicalJson } from '@hokusai/attestation';
import { BenchmarkRegistry, computeDelta, type DeltaReport, type RecipeComparison } from '@hokusai/evaluation';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { EvaluateOutput } from './evaluate-step.js';
import type { ManifestsOutput } from './manifests-step.js';
import type { PipelineConfig } from '../config.js';
import type { TrainOutput } from './train-step.js';

export const DEFAULT_BENCHMARK_REGISTRY = join('.hokusai', 'benchmarks.json');

/** The registered record of the benchmark the run names, against the content actually loaded. */
function registeredBenchmark(config: PipelineConfig, actualHash: string): { id: string; version: string; registeredHash: string; actualHash: string } | undefined {
  if (config.benchmarkId === undefined) return undefined;
  const [id, version] = config.benchmarkId.split('@') as [string, string];
  const record = new BenchmarkRegistry(config.benchmarkRegistry ?? DEFAULT_BENCHMARK_REGISTRY).get(id, version);
  return { id, version, registeredHash: record.content_hash, actualHash };
}

/** Per-metric deltas, significance and the DeltaOne decision, all from the evaluation package. */
export function deltaStep(
  flow: FlowContext,
  reads: { evaluation: Step<EvaluateOutput>; manifests: Step<ManifestsOutput>; baseline: Step<TrainOutput>; candidate: Step<TrainOutput> },
): Step<DeltaReport> {
  return defineStep({
    name: 'delta',
    reads,
    run: async (ctx): Promise<DeltaReport> => {
      const { evaluation, manifests, baseline, candidate } = ctx.inputs;
      const recipe = compareRecipes(baseline, candidate);
      return deltaFor(evaluation, flow, registeredBenchmark(flow.config, manifests.benchmark.content_hash), recipe);
    },
  });
}

/** Whether the two models differ only in their training data, and in words why or why not. */
export function compareRecipes(baseline: Pick<TrainOutput, 'source' | 'recipe'>, candidate: Pick<TrainOutput, 'recipe' | 'followed'>): Omit<RecipeComparison, 'allow_different'> {
  const newFamily = candidate.recipe?.family ?? 'unknown';
  if (baseline.source === 'trained') {
    return { same: true, baseline: baseline.recipe?.family ?? 'unknown', new: newFamily, detail: 'Both models were trained in this run with the same family, params, seed and feature columns; only the data differ.' };
  }
  if (baseline.recipe === null || candidate.recipe === null) {
    const why = candidate.followed?.recipe === false ? candidate.followed.why : 'the supplied baseline records no recipe.';
    return { same: false, baseline: baseline.recipe?.family ?? 'unknown', new: newFamily, detail: `The new model was trained with the configured ${newFamily} recipe because ${why}` };
  }
  const b = baseline.recipe;
  const n = candidate.recipe;
  const differences = [
    b.family === n.family ? null : `family ${b.family} vs ${n.family}`,
    canonicalJson(b.params) === canonicalJson(n.params) ? null : 'params',
    b.seed === n.seed ? null : `seed ${b.seed} vs ${n.seed}`,
    canonicalJson([...b.features].sort()) === canonicalJson([...n.features].sort()) ? null : 'feature columns',
  ].filter((x): x is string => x !== null);
  if (differences.length > 0) {
    const why = candidate.followed?.recipe === false ? ` (${candidate.followed.why})` : '';
    return { same: false, baseline: b.family, new: n.family, detail: `The recipes differ in ${differences.join(', ')}${why}.` };
  }
  return {
    same: true,
    baseline: b.family,
    new: n.family,
    detail: `The new model was trained with the supplied baseline's recipe: ${b.family}, its params, seed ${b.seed} and its ${b.features.length} feature columns (the configured model and any search result were not used for it).`,
  };
}

/** Also used by the verifier, which must reach the same report from the predictions file. */
export function deltaFor(
  evaluation: Pick<EvaluateOutput, 'labels' | 'baselineScores' | 'newScores'>,
  flow: Pick<FlowContext, 'config'>,
  benchmark?: { id: string; version: string; registeredHash: string; actualHash: string },
  recipe?: Omit<RecipeComparison, 'allow_different'>,
): DeltaReport {
  const { delta, seed, acceptance } = flow.config;
  return computeDelta({
    ...(benchmark === undefined ? {} : { benchmark }),
    ...(recipe === undefined ? {} : { recipe: { ...recipe, allowDifferent: acceptance.allowDifferentRecipe } }),
    significanceAgainst: delta.significanceAgainst,
    yTrue: evaluation.labels,
    baselineScores: evaluation.baselineScores,
    newScores: evaluation.newScores,
    primaryMetric: delta.primaryMetric,
    thresholdPp: delta.thresholdPp,
    alpha: delta.alpha,
    minSamples: delta.minSamples,
    bootstrapResamples: delta.bootstrapResamples,
    seed,
  });
}
