import { computeDelta, type DeltaReport } from '@hokusai/evaluation';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import type { EvaluateOutput } from './evaluate-step.js';

/** Per-metric deltas, significance and the DeltaOne decision, all from the evaluation package. */
export function deltaStep(flow: FlowContext): StepDefinition {
  return {
    name: 'delta',
    inputs: ['evaluate'],
    run: async (ctx): Promise<DeltaReport> => {
      const evaluation = ctx.inputs.evaluate as EvaluateOutput;
      return deltaFor(evaluation, flow);
    },
  };
}

/** Also used by the verifier, which must reach the same report from the predictions file. */
export function deltaFor(evaluation: Pick<EvaluateOutput, 'labels' | 'baselineScores' | 'newScores'>, flow: Pick<FlowContext, 'config'>): DeltaReport {
  const { delta, seed } = flow.config;
  return computeDelta({
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
