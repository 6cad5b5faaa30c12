import { runTrials, searchTrialSpec, type SearchTrial, type TrialResult } from '@hokusai/training';
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
  let slots: Slots | undefined;
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
      slots ??= new Slots(config.concurrency ?? 2);
      const result = await slots.run(async () => {
        const spec = searchTrialSpec(data.base, searchTrainOptions(data, flow), search, trial);
        const [one] = await runTrials([spec], 1);
        return one as TrialResult;
      });
      const done = (finished.get(ctx.signal) ?? 0) + 1;
      finished.set(ctx.signal, done);
      ctx.emit({ type: 'progress', unit: 'trials', done, total, message: `trial ${trial.id}: ${result.metric} ${result.value}` });
      return { ...result, rung: trial.rung };
    },
  };
}

/** At most `size` trials at once: each holds a worker thread and its own copy of the split. */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A finishing trial hands its slot straight to the next waiting one.
    if (this.active < this.size) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}
