import { errorKind, isRetryable } from '@hokusai/core';
import { OrchestratorError, errorCode } from '../errors.js';
import { topologicalOrder } from './dag.js';
import type { RunEvent, RunEventListener } from './events.js';
import { LocalExecutor, type Executor, type StepTask } from './executor.js';
import type { HookIdentity } from './hooks.js';
import { stepRecordCheck, type RunRecord, type RunStore, type StepRecord } from './run-store.js';
import { sha256Of } from './value-codec.js';
import { outputOf, type StepRef } from './step-ref.js';
import type { FlowDefinition, StepContext, StepDefinition } from './step.js';

/** An event as the engine makes it; `emit` stamps the run and, unless it brings its own, the time. */
type Unstamped<E> = E extends RunEvent ? Omit<E, 'runId' | 'time'> & { time?: number } : never;
type UnstampedEvent = Unstamped<RunEvent>;

export interface RunFlowOptions {
  store: RunStore;
  runId: string;
  /** Stored with the run so that `resume` can rebuild the flow. */
  params: unknown;
  executor?: Executor;
  /** Steps running at once (default 2, the cores of a small machine). */
  concurrency?: number;
  /** Sum of the running steps' declared `memoryMb` may not exceed this (one step always may run). */
  memoryBudgetMb?: number;
  onEvent?: RunEventListener;
  hooks?: HookIdentity[];
  /** Reuse every finished step of an earlier attempt of this run. */
  resume?: boolean;
  /**
   * Cancels the run: no further step starts, running steps are asked to stop through their own
   * signal, and the run fails with HOKUSAI_RUN_CANCELLED once they have settled.
   */
  signal?: AbortSignal;
}

export interface FlowResult {
  runId: string;
  /** Every step's output by name, as stored; `output(ref)` reads one with its type. */
  outputs: Map<string, unknown>;
  /** The output of the step `ref` refers to (one of this flow's steps). */
  output<O>(ref: StepRef<O>): O;
  reused: string[];
  executed: string[];
}

/**
 * Runs a flow: steps whose inputs are ready run in parallel up to the concurrency and memory
 * budget; each finished step's output is stored before any dependent step starts, so a killed
 * process loses nothing that had finished and `resume` starts from the first unfinished step.
 */
export async function runFlow(flow: FlowDefinition, options: RunFlowOptions): Promise<FlowResult> {
  const order = topologicalOrder(flow.steps);
  const { store, runId } = options;
  const executor = options.executor ?? new LocalExecutor();
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const budget = options.memoryBudgetMb ?? Number.POSITIVE_INFINITY;
  // An event may bring its own time, so a step's events carry the times its record holds.
  const emit = (event: UnstampedEvent): void => options.onEvent?.({ time: Date.now(), ...event, runId });

  const previous: Map<string, StepRecord> = options.resume ? await store.readSteps(runId) : new Map();
  const record: RunRecord = options.resume
    ? { ...(await store.readRun(runId)), status: 'running' }
    : { runId, flow: flow.name, status: 'running', createdAt: new Date().toISOString(), params: options.params, hooks: options.hooks ?? [], paramsSha256: sha256Of(JSON.stringify(options.params)) };
  if (options.resume) {
    delete record.error;
    if (record.paramsSha256 !== undefined && sha256Of(JSON.stringify(record.params)) !== record.paramsSha256) {
      throw new OrchestratorError('HOKUSAI_RESUME_MISMATCH', `The record of run ${runId} (run.json in ${store.root}) was edited since the run started; it cannot be resumed. Start a new run.`);
    }
  }
  await store.writeRun(record);
  emit({ type: 'run_started', message: options.resume ? 'resumed' : 'started' });

  const hashes = new Map<string, string>();
  const outputs = new Map<string, unknown>();
  const reused: string[] = [];
  const executed: string[] = [];
  for (const step of order) {
    const prior = previous.get(step.name);
    if (prior?.status !== 'finished' || prior.output === undefined) continue;
    // Records written before checks existed are not trusted: their steps run again.
    if (prior.check === undefined) continue;
    if (prior.check !== stepRecordCheck(runId, prior)) {
      throw new OrchestratorError(
        'HOKUSAI_RESUME_MISMATCH',
        `The record of step "${step.name}" of run ${runId} (steps/${step.name}.json in ${store.root}) does not match its check: it was edited or given another step's output. Start a new run.`,
        { step: step.name },
      );
    }
    try {
      // Read now, so a damaged or missing object means "run the step again", not a failed resume.
      outputs.set(step.name, store.readValue(prior.output));
    } catch (error) {
      if (errorCode(error) === 'HOKUSAI_RUN_STORE_CORRUPT') continue;
      throw error;
    }
    hashes.set(step.name, prior.output);
    reused.push(step.name);
    emit({ type: 'step_reused', step: step.name });
  }

  const valueOf = (name: string): unknown => {
    if (!outputs.has(name)) {
      const hash = hashes.get(name);
      if (hash === undefined) throw new OrchestratorError('HOKUSAI_FLOW_INVALID', `Output of "${name}" is not available.`);
      outputs.set(name, store.readValue(hash));
    }
    return outputs.get(name);
  };

  const pending = order.filter((s) => !hashes.has(s.name));
  const running = new Map<string, Promise<void>>();
  let memoryInUse = 0;
  let failure: unknown;
  let failedStep: string | undefined;
  const stepControllers = new Set<AbortController>();
  const cancelled = new Promise<void>((resolve) => {
    if (options.signal === undefined) return;
    const onAbort = (): void => {
      if (failure === undefined) failure = new OrchestratorError('HOKUSAI_RUN_CANCELLED', `Run ${runId} was cancelled.`);
      for (const controller of stepControllers) controller.abort();
      resolve();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  });

  const start = (step: StepDefinition): void => {
    memoryInUse += step.memoryMb ?? 0;
    const job = executeWithRetries(step)
      .then(({ hash }) => {
        // Later steps read the output back from the store, never the in-memory value: a fresh
        // run, a resumed run and a remote worker then see the same value (key order included).
        hashes.set(step.name, hash);
        executed.push(step.name);
      })
      .catch((error: unknown) => {
        if (failure === undefined) {
          failure = error;
          failedStep = step.name;
        }
      })
      .finally(() => {
        memoryInUse -= step.memoryMb ?? 0;
        running.delete(step.name);
      });
    running.set(step.name, job);
  };

  const executeWithRetries = async (step: StepDefinition): Promise<{ hash: string }> => {
    const retries = step.retries ?? 0;
    const started = Date.now();
    const cpuAtStart = process.cpuUsage();
    for (let attempt = 1; ; attempt++) {
      emit({ type: 'step_started', step: step.name, attempt, ...(attempt === 1 ? { time: started } : {}) });
      try {
        const value = await executeOnce(step, attempt);
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
        return { hash };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt <= retries && isRetryable(error)) {
          emit({ type: 'step_retry', step: step.name, attempt, message });
          await delay((step.retryDelayMs ?? 200) * 2 ** (attempt - 1));
          continue;
        }
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
        throw error;
      }
    }
  };

  const executeOnce = async (step: StepDefinition, attempt: number): Promise<unknown> => {
    const inputs: Record<string, unknown> = {};
    const inputHashes: Record<string, string> = {};
    for (const name of step.inputs) {
      inputs[name] = valueOf(name);
      inputHashes[name] = hashes.get(name) ?? '';
    }
    const controller = new AbortController();
    stepControllers.add(controller);
    if (options.signal?.aborted === true) controller.abort();
    const task: StepTask = { flow: flow.name, runId, step: step.name, storeRoot: store.root, inputHashes, attempt };
    const context = (item?: unknown): StepContext => ({
      runId,
      step: step.name,
      attempt,
      inputs,
      item,
      signal: controller.signal,
      emit: (event) => emit({ ...event, step: step.name }),
    });
    const work =
      step.foreach === undefined
        ? executor.execute(step, context(), task)
        : Promise.all(
            asArray(inputs[step.foreach], step).map((item, itemIndex) => executor.execute(step, context(item), { ...task, itemIndex })),
          );
    void work.then(
      () => stepControllers.delete(controller),
      () => stepControllers.delete(controller),
    );
    if (step.timeoutMs === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new OrchestratorError('HOKUSAI_STEP_TIMEOUT', `Step "${step.name}" did not finish within ${step.timeoutMs} ms.`, { step: step.name }));
      }, step.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  while (pending.length > 0 || running.size > 0) {
    if (failure === undefined) {
      for (let i = 0; i < pending.length && running.size < concurrency; ) {
        const step = pending[i] as StepDefinition;
        const ready = step.inputs.every((name) => hashes.has(name));
        const fits = running.size === 0 || memoryInUse + (step.memoryMb ?? 0) <= budget;
        if (ready && fits) {
          pending.splice(i, 1);
          start(step);
        } else i++;
      }
    }
    if (running.size === 0) break;
    // Once the run has failed or been cancelled, only the running steps are waited for.
    await Promise.race(failure === undefined ? [...running.values(), cancelled] : running.values());
  }

  if (failure !== undefined || pending.length > 0) {
    const error = failure ?? new OrchestratorError('HOKUSAI_FLOW_INVALID', `Steps ${pending.map((s) => s.name).join(', ')} could not start.`);
    const code = errorCode(error);
    record.status = 'failed';
    record.error = {
      message: error instanceof Error ? error.message : String(error),
      ...(code === undefined ? {} : { code }),
      kind: errorKind(error),
      ...(failedStep === undefined ? {} : { step: failedStep }),
    };
    await store.writeRun(record);
    emit({ type: 'run_failed', message: record.error.message });
    throw error;
  }
  record.status = 'finished';
  await store.writeRun(record);
  emit({ type: 'run_finished' });
  for (const step of order) valueOf(step.name);
  return { runId, outputs, reused, executed, output: (ref) => outputOf(ref, valueOf(ref.name)) };
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
