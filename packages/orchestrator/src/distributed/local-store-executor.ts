import type { Executor, StepTask } from '../engine/executor.js';
import { RunStore } from '../engine/run-store.js';
import type { StepContext, StepDefinition } from '../engine/step.js';

/**
 * Runs steps in this process like LocalExecutor, but hands each output back as read from the
 * run store. Later steps then see exactly what a BullMQ worker or a resumed run sees (the store
 * orders object keys, turns undefined into null, copies typed arrays), so a local run, a
 * distributed run and a resumed run give the same bytes.
 */
export class LocalStoreExecutor implements Executor {
  readonly name = 'local-store';

  async execute(step: StepDefinition, ctx: StepContext, task: StepTask): Promise<unknown> {
    const store = new RunStore(task.storeRoot);
    return store.readValue(await store.putValue(await step.run(ctx)));
  }
}
