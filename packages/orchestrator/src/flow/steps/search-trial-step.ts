import { searchTrialSpec, TrialThreads, type SearchTrial, type TrialResult } from '@hokusai/training';
import { OrchestratorError } from '../../errors.js';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import type { SearchPlanOutput } from './search-plan-step.js';
import { searchTrainOptions } from './search-step.js';

/** One trial's stored output: small (params and scores), so it lives in the run store like any step output. */
export type SearchTrialOutput = TrialResult & { rung: number };

/**
 * Runs one planned trial (a foreach item over `search_plan`). On the local executor the items
 * of a search run at once in this process, each on a worker thread, at most `concurrency` at a
 * time; on BullMQ each item is a job any worker takes.
 */
export function searchTrialStep(flow: FlowContext): StepDefinition {
  // Kept across the items of a search: a thread serves the next trial without starting again.
  let threads: TrialThreads | undefined;
  // Trials finished so far in this process, per execution of the fan-out (its items share one signal).
  const finished = new WeakMap<AbortSignal, number>();
  return {
    name: 'search_trial',
    inputs: ['integrate', 'search_plan'],
    foreach: 'search_plan',
    memoryMb: 600,
    run: async (ctx): Promise<SearchTrialOutput> => {
      const { config } = flow;
      const search = config.search;
      if (search === undefined) {
        throw new OrchestratorError('HOKUSAI_FLOW_INVALID', 'A search trial ran for a config without a search; the search plan and the config disagree.', { step: 'search_trial' });
      }
      const trial = ctx.item as SearchTrial;
      const total = (ctx.inputs.search_plan as SearchPlanOutput).length;
      const data = ctx.inputs.integrate as IntegrateOutput;
      threads ??= new TrialThreads(config.concurrency ?? 2);
      const result = await threads.run(searchTrialSpec(data.base, searchTrainOptions(data, flow), search, trial));
      const done = (finished.get(ctx.signal) ?? 0) + 1;
      finished.set(ctx.signal, done);
      ctx.emit({ type: 'progress', unit: 'trials', done, total, message: `trial ${trial.id}: ${result.metric} ${result.value}` });
      return { ...result, rung: trial.rung };
    },
  };
}
