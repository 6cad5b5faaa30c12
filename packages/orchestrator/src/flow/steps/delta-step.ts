import { join } from 'node:path';
import { BenchmarkRegistry, computeDelta, type DeltaReport } from '@hokusai/evaluation';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import type { EvaluateOutput } from './evaluate-step.js';
import type { LoadOutput } from './load-step.js';
import type { PipelineConfig } from '../config.js';

export const DEFAULT_BENCHMARK_REGISTRY = join('.hokusai', 'benchmarks.json');

/** The registered record of the benchmark the run names, against the content actually loaded. */
function registeredBenchmark(config: PipelineConfig, actualHash: string): { id: string; version: string; registeredHash: string; actualHash: string } | undefined {
  if (config.benchmarkId === undefined) return undefined;
  const [id, version] = config.benchmarkId.split('@') as [string, string];
  const record = new BenchmarkRegistry(config.benchmarkRegistry ?? DEFAULT_BENCHMARK_REGISTRY).get(id, version);
  return { id, version, registeredHash: record.content_hash, actualHash };
}

/** Per-metric deltas, significance and the DeltaOne decision, all from the evaluation package. */
export function deltaStep(flow: FlowContext): StepDefinition {
  return {
    name: 'delta',
    inputs: ['evaluate', 'load_benchmark'],
    run: async (ctx): Promise<DeltaReport> => {
      const evaluation = ctx.inputs.evaluate as EvaluateOutput;
      const { manifest } = ctx.inputs.load_benchmark as LoadOutput;
      return deltaFor(evaluation, flow, registeredBenchmark(flow.config, manifest.content_hash));
    },
  };
}

/** Also used by the verifier, which must reach the same report from the predictions file. */
export function deltaFor(
  evaluation: Pick<EvaluateOutput, 'labels' | 'baselineScores' | 'newScores'>,
  flow: Pick<FlowContext, 'config'>,
  benchmark?: { id: string; version: string; registeredHash: string; actualHash: string },
): DeltaReport {
  const { delta, seed } = flow.config;
  return computeDelta({
    ...(benchmark === undefined ? {} : { benchmark }),
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
