import type { StepContext, StepDefinition } from './step.js';

/**
 * Runs one step execution. The local executor calls the step in this process; a distributed
 * executor ships the task (flow, step, run, stored input hashes) to a worker that rebuilds the
 * flow by name, reads the inputs from the shared run store and returns the output.
 */
export interface StepTask {
  flow: string;
  runId: string;
  step: string;
  storeRoot: string;
  /** Stored output hash of each input step. */
  inputHashes: Record<string, string>;
  itemIndex?: number;
  attempt: number;
}

export interface Executor {
  readonly name: string;
  execute(step: StepDefinition, ctx: StepContext, task: StepTask): Promise<unknown>;
  close?(): Promise<void>;
}

export class LocalExecutor implements Executor {
  readonly name = 'local';

  execute(step: StepDefinition, ctx: StepContext): Promise<unknown> {
    return step.run(ctx);
  }
}
