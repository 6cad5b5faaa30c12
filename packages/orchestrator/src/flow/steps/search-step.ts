import type { TrainOptions } from '@hokusai/training';
import { finishSearch } from '@hokusai/training/search';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { SearchPlanOutput } from './search-plan-step.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import type { SearchTrialOutput } from './search-trial-step.js';

export interface SearchOutput {
  /** The hyperparameters both models are trained with. */
  params: Record<string, unknown>;
  searched: boolean;
  best?: { params: Record<string, unknown>; score: number; metric: string };
  trials?: number;
}

/** Columns never used as features: PII found by the data package, plus the configured ones. */
export function excludedColumns(data: Pick<IntegrateOutput, 'piiColumns'>, flow: FlowContext): string[] {
  return [...new Set([...data.piiColumns, ...flow.config.exclude])].sort();
}

/** The training options every step of the search derives its plan, split and trials from. */
export function searchTrainOptions(data: Pick<IntegrateOutput, 'piiColumns'>, flow: FlowContext): TrainOptions {
  const { config } = flow;
  return { target: config.target, seed: config.seed, family: config.model.family, params: config.model.params, exclude: excludedColumns(data, flow), ...(config.positiveClass === undefined ? {} : { positiveClass: config.positiveClass }) };
}

/**
 * The join of the hyperparameter search on the base data only (its validation split is drawn
 * from it, never from the benchmark): picks the best of the trials that ran as items, the first
 * rung's (`search_trial`) and, for successive halving, each later rung's (`search_trial_<r>`).
 * The best parameters then train both models, so only the data differs.
 */
export function searchStep(
  flow: FlowContext,
  reads: { integrate: Step<IntegrateOutput>; plan: Step<SearchPlanOutput>; firstWave: Step<SearchTrialOutput[]>; later: readonly Step<SearchTrialOutput[]>[] },
): Step<SearchOutput> {
  return defineStep({
    name: 'search',
    reads,
    memoryMb: 600,
    run: async (ctx): Promise<SearchOutput> => {
      const { config } = flow;
      if (config.search === undefined) return { params: config.model.params, searched: false };
      const data = ctx.inputs.integrate;
      const result = await finishSearch(data.base, searchTrainOptions(data, flow), config.search, ctx.inputs.firstWave, ctx.inputs.later);
      return {
        params: { ...config.model.params, ...result.bestParams },
        searched: true,
        best: { params: result.bestParams, score: result.best.score, metric: config.search.metric ?? 'log_loss' },
        trials: result.trials.length,
      };
    },
  });
}
