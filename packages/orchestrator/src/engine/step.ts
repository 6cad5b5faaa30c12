import type { ProgressUpdate } from './events.js';

/** What a step's body receives: its inputs by name, the run's identity and an event sink. */
export interface StepContext<I extends Record<string, unknown> = Record<string, unknown>> {
  readonly runId: string;
  readonly step: string;
  readonly attempt: number;
  readonly inputs: I;
  /** The element this branch handles, for a step fanned out with `foreach`. */
  readonly item?: unknown;
  readonly signal: AbortSignal;
  emit(event: ProgressUpdate): void;
  /**
   * Hands over part of the output that is final already (tables the step will return as they
   * are), so that the engine stores it while the step goes on; storing the output when the step
   * returns then finds that part stored. Absent where the engine stores outputs elsewhere.
   */
  stage?(part: unknown): void;
}

export interface StepDefinition {
  /** Unique within the flow; also the name of the step's output for later steps. */
  readonly name: string;
  /** Names of the steps whose outputs this step reads. The DAG is derived from these. */
  readonly inputs: readonly string[];
  readonly run: (ctx: StepContext) => Promise<unknown>;
  /** Fan out: the named input must be an array; `run` is called once per element, in parallel,
   * and the step's output is the array of results in the same order (the join). */
  readonly foreach?: string;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly timeoutMs?: number;
  /** Rough peak memory of one execution, counted against the flow's memory budget. */
  readonly memoryMb?: number;
}

export interface FlowDefinition {
  readonly name: string;
  readonly steps: readonly StepDefinition[];
}
