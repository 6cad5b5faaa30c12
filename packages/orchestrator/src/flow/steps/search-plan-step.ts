import { planSearch, type SearchTrial } from '@hokusai/training/search';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import { searchTrainOptions } from './search-step.js';

/** The trials `search_trial` fans out over; empty when no search is configured. */
export type SearchPlanOutput = SearchTrial[];

/**
 * Plans the hyperparameter search as a list of plain-data trials (every trial of a grid or
 * random search, the first rung of successive halving), so that each trial is its own unit of
 * work: a foreach item on the local executor, a job on BullMQ.
 */
export function searchPlanStep(flow: FlowContext, integrate: Step<IntegrateOutput>): Step<SearchPlanOutput> {
  return defineStep({
    name: 'search_plan',
    reads: { integrate },
    memoryMb: 300,
    run: async (ctx): Promise<SearchPlanOutput> => {
      const { config } = flow;
      if (config.search === undefined) return [];
      const data = ctx.inputs.integrate;
      return planSearch(data.base, searchTrainOptions(data, flow), config.search).trials;
    },
  });
}
