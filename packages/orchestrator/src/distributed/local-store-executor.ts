import type { Executor, StepTask } from '../engine/executor.js';
import { RunStore } from '../engine/run-store.js';
import type { StepContext, StepDefinition } from '../engine/step.js';
import { FanOutProgress } from './fan-out-progress.js';
import { finishedItem, writeItemRecord } from './item-records.js';

/**
 * Runs steps in this process like LocalExecutor, but hands each output back as read from the
 * run store. Later steps then see exactly what a BullMQ worker or a resumed run sees (the store
 * orders object keys, turns undefined into null, copies typed arrays), so a local run, a
 * distributed run and a resumed run give the same bytes. Each finished item of a foreach is
 * recorded on its own, so a resumed run reuses the items that had finished before a kill.
 */
export class LocalStoreExecutor implements Executor {
  readonly name = 'local-store';
  private readonly progress = new FanOutProgress();
  private readonly readBack: boolean;

  /**
   * `readBack: false` hands a single step's output straight back: the engine stores it and later
   * steps read it from the store anyway, so only foreach items need this executor (the default
   * of `runPipeline`, so that a resumed local run reuses finished search trials).
   */
  constructor(options: { readBack?: boolean } = {}) {
    this.readBack = options.readBack ?? true;
  }

  async execute(step: StepDefinition, ctx: StepContext, task: StepTask): Promise<unknown> {
    const store = new RunStore(task.storeRoot);
    const { itemIndex } = task;
    if (itemIndex === undefined) return this.readBack ? store.readValue(await store.putValue(await step.run(ctx))) : step.run(ctx);
    const item = { runId: task.runId, step: task.step, itemIndex, inputHashes: task.inputHashes };
    const earlier = await finishedItem(store, item);
    if (earlier !== undefined) {
      this.progress.reused(ctx, itemIndex);
      ctx.emit({ type: 'progress', message: `item ${itemIndex} of ${step.name} reused from the run store` });
      return store.readValue(earlier);
    }
    const started = Date.now();
    // An item counted as done is said so once its record is written, so a kill right after the
    // event still finds the item on resume.
    const counted: Parameters<StepContext['emit']>[0][] = [];
    const itemCtx: StepContext = {
      ...ctx,
      emit: (event) => {
        if (this.progress.counts(step, ctx, event)) counted.push(event);
        else ctx.emit(event);
      },
    };
    const hash = await store.putValue(await step.run(itemCtx));
    await writeItemRecord(store, item, hash, { durationMs: Date.now() - started });
    for (const event of counted) ctx.emit(this.progress.item(step, ctx, itemIndex, event));
    return store.readValue(hash);
  }
}
