import { searchTrialSpec, TrialThreads, type TrialResult } from '@hokusai/training/search';
import { OrchestratorError } from '../../errors.js';
import { defineForeachStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import type { SearchPlanOutput } from './search-plan-step.js';
import { searchTrainOptions } from './search-step.js';

/** One trial's stored output: small (params and scores), so it lives in the run store like any step output. */
export type SearchTrialOutput = TrialResult & { rung: number };

/** Kept across the items and rungs of a search: a thread serves the next trial without starting again. */
const pools = new WeakMap<FlowContext, TrialThreads>();

/** The fan-out of a search's rung: `search_trial` for the first, `search_trial_<r>` for later halving rungs. */
export function trialStepName(rung: number): string {
  return rung === 0 ? 'search_trial' : `search_trial_${rung}`;
}

/** The list a rung fans out over: `search_plan` for the first, `search_rung_<r>` for later ones. */
export function rungPlanName(rung: number): string {
  return rung === 0 ? 'search_plan' : `search_rung_${rung}`;
}

/**
 * Runs one planned trial (a foreach item over the rung's plan). On the local executor the items
 * of a search run at once in this process, each on a worker thread, at most `concurrency` at a
 * time; on BullMQ each item is a job any worker takes.
 */
export function searchTrialStep(flow: FlowContext, rung: number, reads: { integrate: Step<IntegrateOutput>; plan: Step<SearchPlanOutput> }): Step<SearchTrialOutput[]> {
  // Trials finished so far in this process, per execution of the fan-out (its items share one signal).
  const finished = new WeakMap<AbortSignal, number>();
  return defineForeachStep({
    name: trialStepName(rung),
    reads,
    foreach: 'plan',
    memoryMb: 600,
    run: async (ctx): Promise<SearchTrialOutput> => {
      const { config } = flow;
      const search = config.search;
      if (search === undefined) {
        throw new OrchestratorError('HOKUSAI_FLOW_INVALID', 'A search trial ran for a config without a search; the search plan and the config disagree.', { step: trialStepName(rung) });
      }
      const trial = ctx.item;
      const total = ctx.inputs.plan.length;
      const data = ctx.inputs.integrate;
      let threads = pools.get(flow);
      if (threads === undefined) pools.set(flow, (threads = new TrialThreads(config.concurrency ?? 2)));
      const result = await threads.run(searchTrialSpec(data.base, searchTrainOptions(data, flow), search, trial));
      const done = (finished.get(ctx.signal) ?? 0) + 1;
      finished.set(ctx.signal, done);
      ctx.emit({ type: 'progress', unit: 'trials', done, total, message: `trial ${trial.id}: ${result.metric} ${result.value}` });
      return { ...result, rung: trial.rung };
    },
  });
}
