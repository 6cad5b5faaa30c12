import { isRetryable } from '@hokusai/core';
import { OrchestratorError, errorCode } from '../errors.js';
import type { RunEvent } from './events.js';
import type { Executor, StepTask } from './executor.js';
import { stepRecordCheck, type RunStore, type StepRecord } from './run-store.js';
import type { StepContext, StepDefinition } from './step.js';

/** An event as the engine makes it; `emit` stamps the run and, unless it brings its own, the time. */
type Unstamped<E> = E extends RunEvent ? Omit<E, 'runId' | 'time'> & { time?: number } : never;
export type UnstampedEvent = Unstamped<RunEvent>;

export interface FlowExecutionOptions {
  flowName: string;
  store: RunStore;
  runId: string;
  executor: Executor;
  concurrency: number;
  memoryBudgetMb: number;
  emit: (event: UnstampedEvent) => void;
  signal?: AbortSignal;
}

/**
 * The state of one run of a flow while its steps execute: which outputs are stored (by hash),
 * which steps are pending or running, the memory they hold, and the first failure. Each finished
 * step's output is stored before any dependent step starts.
 */
export class FlowExecution {
  /** Stored output hash of every step finished so far (reused or executed). */
  readonly hashes = new Map<string, string>();
  /** Outputs read from the store so far, by step name. */
  readonly outputs = new Map<string, unknown>();
  readonly reused: string[] = [];
  readonly executed: string[] = [];
  failure: unknown;
  failedStep: string | undefined;
  pending: StepDefinition[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly stepControllers = new Set<AbortController>();
  private memoryInUse = 0;

  constructor(private readonly options: FlowExecutionOptions) {}

  /** Takes the output of a step an earlier attempt of the run finished. */
  reuse(step: string, hash: string, value: unknown): void {
    this.outputs.set(step, value);
    this.hashes.set(step, hash);
    this.reused.push(step);
  }

  /** A finished step's output, read from the store the first time it is asked for. */
  valueOf(name: string): unknown {
    if (!this.outputs.has(name)) {
      const hash = this.hashes.get(name);
      if (hash === undefined) throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Output of "${name}" is not available.`);
      this.outputs.set(name, this.options.store.readValue(hash));
    }
    return this.outputs.get(name);
  }

  /**
   * Runs every step of `order` not yet finished: those whose inputs are stored start, up to the
   * concurrency and memory budget, until all have run or one has failed (or the run was
   * cancelled) and the running ones have settled.
   */
  async schedule(order: readonly StepDefinition[]): Promise<void> {
    this.pending = order.filter((s) => !this.hashes.has(s.name));
    const cancelled = this.watchCancel();
    const { concurrency, memoryBudgetMb } = this.options;
    while (this.pending.length > 0 || this.running.size > 0) {
      if (this.failure === undefined) {
        for (let i = 0; i < this.pending.length && this.running.size < concurrency; ) {
          const step = this.pending[i] as StepDefinition;
          const ready = step.inputs.every((name) => this.hashes.has(name));
          const fits = this.running.size === 0 || this.memoryInUse + (step.memoryMb ?? 0) <= memoryBudgetMb;
          if (ready && fits) {
            this.pending.splice(i, 1);
            this.start(step);
          } else i++;
        }
      }
      if (this.running.size === 0) break;
      // Once the run has failed or been cancelled, only the running steps are waited for.
      await Promise.race(this.failure === undefined ? [...this.running.values(), cancelled] : this.running.values());
    }
  }

  /** Settles when the run is cancelled: the failure is set and every running step is asked to stop. */
  private watchCancel(): Promise<void> {
    const { signal, runId } = this.options;
    return new Promise<void>((resolve) => {
      if (signal === undefined) return;
      const onAbort = (): void => {
        if (this.failure === undefined) this.failure = new OrchestratorError('HOKUSAI_RUN_CANCELLED', `Run ${runId} was cancelled.`);
        for (const controller of this.stepControllers) controller.abort();
        resolve();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private start(step: StepDefinition): void {
    this.memoryInUse += step.memoryMb ?? 0;
    const job = this.executeWithRetries(step)
      .then((hash) => {
        // Later steps read the output back from the store, never the in-memory value: a fresh
        // run, a resumed run and a remote worker then see the same value (key order included).
        this.hashes.set(step.name, hash);
        this.executed.push(step.name);
      })
      .catch((error: unknown) => {
        if (this.failure === undefined) {
          this.failure = error;
          this.failedStep = step.name;
        }
      })
      .finally(() => {
        this.memoryInUse -= step.memoryMb ?? 0;
        this.running.delete(step.name);
      });
    this.running.set(step.name, job);
  }

  /** Runs a step until an attempt succeeds or the error is final; returns the stored output's hash. */
  private async executeWithRetries(step: StepDefinition): Promise<string> {
    const { emit } = this.options;
    const retries = step.retries ?? 0;
    const started = Date.now();
    const cpuAtStart = process.cpuUsage();
    for (let attempt = 1; ; attempt++) {
      emit({ type: 'step_started', step: step.name, attempt, ...(attempt === 1 ? { time: started } : {}) });
      try {
        const value = await this.executeOnce(step, attempt);
        return await this.recordFinished(step, attempt, value, started, cpuAtStart);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt <= retries && isRetryable(error)) {
          emit({ type: 'step_retry', step: step.name, attempt, message });
          await delay((step.retryDelayMs ?? 200) * 2 ** (attempt - 1));
          continue;
        }
        await this.recordFailed(step, attempt, error, started);
        throw error;
      }
    }
  }

  /** Stores the output, then the step's record, then tells listeners: in that order, so a kill never loses a told result. */
  private async recordFinished(step: StepDefinition, attempt: number, value: unknown, started: number, cpuAtStart: NodeJS.CpuUsage): Promise<string> {
    const { store, runId, emit } = this.options;
    const hash = await store.putValue(value);
    const finishedAt = Date.now();
    const durationMs = finishedAt - started;
    // Process-wide figures: CPU time while the step ran (steps running alongside count too)
    // and the peak resident set so far. Benchmarks read them from the step records.
    const cpu = process.cpuUsage(cpuAtStart);
    const usage = { cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
    const finished: StepRecord = { step: step.name, status: 'finished', attempts: attempt, durationMs, startedAt: started, finishedAt, ...usage, output: hash };
    await store.writeStep(runId, { ...finished, check: stepRecordCheck(runId, finished) });
    emit({ type: 'step_finished', step: step.name, attempt, durationMs, ...usage, time: finishedAt });
    return hash;
  }

  private async recordFailed(step: StepDefinition, attempt: number, error: unknown, started: number): Promise<void> {
    const { store, runId, emit } = this.options;
    const message = error instanceof Error ? error.message : String(error);
    const code = errorCode(error);
    const failedAt = Date.now();
    await store.writeStep(runId, {
      step: step.name,
      status: 'failed',
      attempts: attempt,
      durationMs: failedAt - started,
      startedAt: started,
      finishedAt: failedAt,
      error: code === undefined ? { message } : { code, message },
    });
    emit({ type: 'step_failed', step: step.name, attempt, message, time: failedAt });
  }

  /** One attempt: on the executor, once or per item of a fan-out, within the step's timeout. */
  private async executeOnce(step: StepDefinition, attempt: number): Promise<unknown> {
    const { flowName, store, runId, executor, emit, signal } = this.options;
    const inputs: Record<string, unknown> = {};
    const inputHashes: Record<string, string> = {};
    for (const name of step.inputs) {
      inputs[name] = this.valueOf(name);
      inputHashes[name] = this.hashes.get(name) ?? '';
    }
    const controller = new AbortController();
    this.stepControllers.add(controller);
    if (signal?.aborted === true) controller.abort();
    const task: StepTask = { flow: flowName, runId, step: step.name, storeRoot: store.root, inputHashes, attempt };
    const context = (item?: unknown): StepContext => ({
      runId,
      step: step.name,
      attempt,
      inputs,
      item,
      signal: controller.signal,
      emit: (event) => emit({ ...event, step: step.name }),
      stage: (part) => store.stage(part),
    });
    const work =
      step.foreach === undefined
        ? executor.execute(step, context(), task)
        : Promise.all(asArray(inputs[step.foreach], step).map((item, itemIndex) => executor.execute(step, context(item), { ...task, itemIndex })));
    void work.then(
      () => this.stepControllers.delete(controller),
      () => this.stepControllers.delete(controller),
    );
    return step.timeoutMs === undefined ? work : withinTimeout(work, step, step.timeoutMs, controller);
  }
}

/** The step's work, or HOKUSAI_STEP_TIMEOUT (and an aborted signal) once `timeoutMs` has passed. */
async function withinTimeout(work: Promise<unknown>, step: StepDefinition, timeoutMs: number, controller: AbortController): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new OrchestratorError('HOKUSAI_STEP_TIMEOUT', `Step "${step.name}" did not finish within ${timeoutMs} ms.`, { step: step.name }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function asArray(value: unknown, step: StepDefinition): unknown[] {
  if (!Array.isArray(value)) {
    throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Step "${step.name}" fans out over "${step.foreach}", whose output is not a list.`, { step: step.name });
  }
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
