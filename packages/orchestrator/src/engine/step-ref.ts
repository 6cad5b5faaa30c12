import { OrchestratorError } from '../errors.js';
import type { StepContext, StepDefinition } from './step.js';

/**
 * A handle on a step's output: the step's name, carrying its output type to the steps that read
 * it and to the flow's result. The engine itself only sees names (a step's output crosses the
 * run store and BullMQ as encoded data), so the type lives here and nowhere at run time.
 */
export interface StepRef<O> {
  readonly name: string;
  /** Type only, never set: the output type of the step. */
  readonly __output?: O;
}

/** A defined step: what the engine runs, and the reference later steps read it by. */
export type Step<O> = StepDefinition & StepRef<O>;

/** What a step reads, by the name its body uses: one step's output, or a list of steps' outputs. */
export type StepReads = Record<string, StepRef<unknown> | readonly StepRef<unknown>[]>;

/** The output type behind a reference. */
export type OutputOf<R> = R extends StepRef<infer O> ? O : never;

/** `ctx.inputs` of a step that reads `R`: each name holds the output (or list of outputs) it refers to. */
export type InputsOf<R extends StepReads> = {
  readonly [K in keyof R]: R[K] extends readonly StepRef<unknown>[] ? OutputOf<R[K][number]>[] : OutputOf<R[K]>;
};

/** The names in `R` that refer to one step whose output is a list (what a step may fan out over). */
export type ListReads<R extends StepReads> = {
  [K in keyof R & string]: R[K] extends StepRef<readonly unknown[]> ? K : never;
}[keyof R & string];

/** What a typed step's body receives: its inputs typed from its reads, and for a fan-out its item. */
export type TypedStepContext<I, Item = undefined> = Omit<StepContext, 'inputs' | 'item'> & {
  readonly inputs: I;
  readonly item: Item;
};

interface StepLimits {
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly timeoutMs?: number;
  /** Rough peak memory of one execution, counted against the flow's memory budget. */
  readonly memoryMb?: number;
}

export interface StepSpec<R extends StepReads, O> extends StepLimits {
  readonly name: string;
  readonly reads: R;
  readonly run: (ctx: TypedStepContext<InputsOf<R>>) => Promise<O>;
}

export interface ForeachStepSpec<R extends StepReads, K extends ListReads<R>, O> extends StepLimits {
  readonly name: string;
  readonly reads: R;
  /** The read to fan out over: `run` is called once per element, and the step's output is the list of results. */
  readonly foreach: K;
  readonly run: (ctx: TypedStepContext<InputsOf<R>, InputsOf<R>[K] extends readonly (infer E)[] ? E : never>) => Promise<O>;
}

/** Defines a step from the references it reads; the result is the step and its typed reference. */
export function defineStep<R extends StepReads, O>(spec: StepSpec<R, O>): Step<O> {
  const { reads, run, ...rest } = spec;
  return { ...rest, inputs: inputNames(reads), run: (ctx) => run(typedContext(reads, ctx)) };
}

/** Defines a step that fans out over one list it reads; its output is the list of each item's result. */
export function defineForeachStep<R extends StepReads, K extends ListReads<R>, O>(spec: ForeachStepSpec<R, K, O>): Step<O[]> {
  const { reads, run, foreach, ...rest } = spec;
  const over = reads[foreach];
  if (over === undefined || isRefList(over)) throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Step "${spec.name}" fans out over "${foreach}", which is not one step it reads.`, { step: spec.name });
  return { ...rest, inputs: inputNames(reads), foreach: over.name, run: (ctx) => run(typedContext(reads, ctx)) };
}

/**
 * The one place a stored value takes its step's output type. It is sound because the engine
 * hands a step, and a flow's result, only the values stored under that step's name, and each of
 * those was returned by that step's own `run` (typed `O`) and read back from the run store.
 */
export function outputOf<O>(_ref: StepRef<O>, value: unknown): O {
  return value as O;
}

function typedContext<R extends StepReads, Item>(reads: R, ctx: StepContext): TypedStepContext<InputsOf<R>, Item> {
  const inputs: Record<string, unknown> = {};
  for (const [key, read] of Object.entries(reads)) {
    inputs[key] = isRefList(read) ? read.map((r) => outputOf(r, ctx.inputs[r.name])) : outputOf(read, ctx.inputs[read.name]);
  }
  // Typed by the same argument as outputOf: each name holds the output of the step it refers to
  // (and an item is an element of the list the step fans out over).
  return { ...ctx, inputs, item: ctx.item } as TypedStepContext<InputsOf<R>, Item>;
}

function isRefList(read: StepRef<unknown> | readonly StepRef<unknown>[]): read is readonly StepRef<unknown>[] {
  return Array.isArray(read);
}

function inputNames(reads: StepReads): string[] {
  return Object.values(reads).flatMap((read) => (isRefList(read) ? read.map((r) => r.name) : [read.name]));
}
