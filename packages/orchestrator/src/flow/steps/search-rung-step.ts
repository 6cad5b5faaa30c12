import { planRung } from '@hokusai/training/search';
import { OrchestratorError } from '../../errors.js';
import type { StepDefinition } from '../../engine/step.js';
import type { FlowContext } from '../flow-context.js';
import type { IntegrateOutput } from './integrate-step.js';
import type { SearchPlanOutput } from './search-plan-step.js';
import { searchTrainOptions } from './search-step.js';
import { rungPlanName, trialStepName, type SearchTrialOutput } from './search-trial-step.js';

/**
 * Plans successive-halving rung `rung` (1 or more) from the results of the rung before it: the
 * best 1/eta candidates on eta times the rows. The rung's trials then fan out as items (jobs on
 * BullMQ) like the first rung's.
 */
export function searchRungStep(flow: FlowContext, rung: number): StepDefinition {
  const previous = trialStepName(rung - 1);
  return {
    name: rungPlanName(rung),
    inputs: ['integrate', previous],
    memoryMb: 300,
    run: async (ctx): Promise<SearchPlanOutput> => {
      const search = flow.config.search;
      if (search === undefined) {
        throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Halving rung ${rung} was planned for a config without a search.`, { step: rungPlanName(rung) });
      }
      const data = ctx.inputs.integrate as IntegrateOutput;
      return planRung(data.base, searchTrainOptions(data, flow), search, ctx.inputs[previous] as SearchTrialOutput[], rung);
    },
  };
}
