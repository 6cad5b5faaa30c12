import { planRung } from '@hokusai/training/search';
import { OrchestratorError } from '../../errors.js';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import type { SearchPlanOutput } from './search-plan-step.js';
import { searchTrainOptions } from './search-step.js';
import { rungPlanName, type SearchTrialOutput } from './search-trial-step.js';

/**
 * Plans successive-halving rung `rung` (1 or more) from the results of the rung before it: the
 * best 1/eta candidates on eta times the rows. The rung's trials then fan out as items (jobs on
 * BullMQ) like the first rung's.
 */
export function searchRungStep(flow: FlowContext, rung: number, reads: { integrate: Step<IntegrateOutput>; previous: Step<SearchTrialOutput[]> }): Step<SearchPlanOutput> {
  return defineStep({
    name: rungPlanName(rung),
    reads,
    memoryMb: 300,
    run: async (ctx): Promise<SearchPlanOutput> => {
      const search = flow.config.search;
      if (search === undefined) {
        throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Halving rung ${rung} was planned for a config without a search.`, { step: rungPlanName(rung) });
      }
      const data = ctx.inputs.integrate;
      return planRung(data.base, searchTrainOptions(data, flow), search, ctx.inputs.previous, rung);
    },
  });
}
