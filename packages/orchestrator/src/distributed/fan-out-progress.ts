import type { ProgressUpdate as ProgressEvent } from '../engine/events.js';
import type { StepContext, StepDefinition } from '../engine/step.js';


interface FanOut {
  reported: Map<string, Set<number>>;
  reused: Set<number>;
}

/**
 * Progress of a fanned-out step as a whole. Each item runs on its own (on another worker, or not
 * at all when it was reused), so an item cannot know how many of its siblings are done. An item
 * event whose `total` is the number of items counts in items (one trial of a search, say): it is
 * passed on with `done` set to the items that have reported so far, reused ones included. Other
 * item events (epochs within one item) pass unchanged.
 */
export class FanOutProgress {
  // Items of one execution of a fan-out share their step's abort signal.
  private readonly fanOuts = new WeakMap<AbortSignal, FanOut>();

  private of(signal: AbortSignal): FanOut {
    let f = this.fanOuts.get(signal);
    if (f === undefined) this.fanOuts.set(signal, (f = { reported: new Map(), reused: new Set() }));
    return f;
  }

  /** Whether `event` from an item counts the fan-out's items (rather than progress within the item). */
  counts(step: StepDefinition, ctx: StepContext, event: ProgressEvent): boolean {
    const items = step.foreach === undefined ? undefined : ctx.inputs[step.foreach];
    return Array.isArray(items) && event.unit !== undefined && event.total === items.length;
  }

  /** The event to pass on for `event` from item `itemIndex` of `step`. */
  item(step: StepDefinition, ctx: StepContext, itemIndex: number | undefined, event: ProgressEvent): ProgressEvent {
    if (itemIndex === undefined || event.unit === undefined || !this.counts(step, ctx, event)) return event;
    const f = this.of(ctx.signal);
    let set = f.reported.get(event.unit);
    if (set === undefined) f.reported.set(event.unit, (set = new Set()));
    set.add(itemIndex);
    let done = set.size;
    for (const i of f.reused) if (!set.has(i)) done++;
    return { ...event, done };
  }

  /** Counts an item reused from an earlier attempt of the run. */
  reused(ctx: StepContext, itemIndex: number): void {
    this.of(ctx.signal).reused.add(itemIndex);
  }
}
