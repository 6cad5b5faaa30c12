import { searchHyperparameters } from '@hokusai/training';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';

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

/**
 * Hyperparameter search on the base data only (its validation split is drawn from it, never
 * from the benchmark); the best parameters then train both models, so only the data differs.
 */
export function searchStep(flow: FlowContext): StepDefinition {
  return {
    name: 'search',
    inputs: ['integrate'],
    memoryMb: 600,
    run: async (ctx): Promise<SearchOutput> => {
      const { config } = flow;
      if (config.search === undefined) return { params: config.model.params, searched: false };
      const data = ctx.inputs.integrate as IntegrateOutput;
      const result = await searchHyperparameters(
        data.base,
        { target: config.target, seed: config.seed, family: config.model.family, params: config.model.params, exclude: excludedColumns(data, flow) },
        config.search,
      );
      ctx.emit({ type: 'progress', unit: 'trials', done: result.trials.length, total: result.trials.length });
      return {
        params: { ...config.model.params, ...result.bestParams },
        searched: true,
        best: { params: result.bestParams, score: result.best.score, metric: config.search.metric ?? 'log_loss' },
        trials: result.trials.length,
      };
    },
  };
}
