import { errorKind } from '@hokusai/core';
import { OrchestratorError, errorCode } from '../errors.js';
import { topologicalOrder } from './dag.js';
import { thisProcessOwner } from './process-alive.js';
import type { RunEventListener } from './events.js';
import { LocalExecutor, type Executor } from './executor.js';
import { FlowExecution, type UnstampedEvent } from './flow-execution.js';
import type { HookIdentity } from './hooks.js';
import { stepRecordCheck, type RunRecord, type RunStore, type StepRecord } from './run-store.js';
import { sha256Of } from './value-codec.js';
import { outputOf, type StepRef } from './step-ref.js';
import type { FlowDefinition, StepDefinition } from './step.js';

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
 * The phases: open the run's record, reuse what an earlier attempt finished, execute the rest,
 * close the record.
 */
export async function runFlow(flow: FlowDefinition, options: RunFlowOptions): Promise<FlowResult> {
  const order = topologicalOrder(flow.steps);
  const { store, runId } = options;
  // An event may bring its own time, so a step's events carry the times its record holds.
  const emit = (event: UnstampedEvent): void => options.onEvent?.({ time: Date.now(), ...event, runId });
  const { record, previous } = await openRun(flow, options);
  emit({ type: 'run_started', message: options.resume ? 'resumed' : 'started' });
  const execution = new FlowExecution({
    flowName: flow.name,
    store,
    runId,
    executor: options.executor ?? new LocalExecutor(),
    concurrency: Math.max(1, options.concurrency ?? 2),
    memoryBudgetMb: options.memoryBudgetMb ?? Number.POSITIVE_INFINITY,
    emit,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  reuseFinished(order, previous, execution, options, emit);
  await execution.schedule(order);
  await closeRun(record, execution, options, emit);
  for (const step of order) execution.valueOf(step.name);
  return {
    runId,
    outputs: execution.outputs,
    reused: execution.reused,
    executed: execution.executed,
    output: (ref) => outputOf(ref, execution.valueOf(ref.name)),
  };
}

/**
 * Writes the run's record as running: a new one, or the stored one of a resumed run, checked
 * unedited; a resumed run also gets the records of the steps an earlier attempt ran.
 */
async function openRun(flow: FlowDefinition, options: RunFlowOptions): Promise<{ record: RunRecord; previous: Map<string, StepRecord> }> {
  const { store, runId } = options;
  const previous: Map<string, StepRecord> = options.resume ? await store.readSteps(runId) : new Map();
  const record: RunRecord = options.resume
    ? { ...(await store.readRun(runId)), status: 'running' }
    : { runId, flow: flow.name, status: 'running', createdAt: new Date().toISOString(), params: options.params, hooks: options.hooks ?? [], paramsSha256: sha256Of(JSON.stringify(options.params)) };
  record.owner = thisProcessOwner();
  if (options.resume) {
    delete record.error;
    if (record.paramsSha256 !== undefined && sha256Of(JSON.stringify(record.params)) !== record.paramsSha256) {
      throw new OrchestratorError('HOKUSAI_RESUME_MISMATCH', `The record of run ${runId} (run.json in ${store.root}) was edited since the run started; it cannot be resumed. Start a new run.`);
    }
  }
  await store.writeRun(record);
  return { record, previous };
}

/** Takes every step an earlier attempt finished, whose record passes its check and whose output is still readable. */
function reuseFinished(order: readonly StepDefinition[], previous: Map<string, StepRecord>, execution: FlowExecution, options: RunFlowOptions, emit: (event: UnstampedEvent) => void): void {
  const { store, runId } = options;
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
    let value: unknown;
    try {
      // Read now, so a damaged or missing object means "run the step again", not a failed resume.
      value = store.readValue(prior.output);
    } catch (error) {
      if (errorCode(error) === 'HOKUSAI_RUN_STORE_CORRUPT') continue;
      throw error;
    }
    execution.reuse(step.name, prior.output, value);
    emit({ type: 'step_reused', step: step.name });
  }
}

/** Records the run as finished, or as failed with the first failure (which is then thrown). */
async function closeRun(record: RunRecord, execution: FlowExecution, options: RunFlowOptions, emit: (event: UnstampedEvent) => void): Promise<void> {
  const { failure, failedStep, pending } = execution;
  // The run ends here: no process holds it any more.
  delete record.owner;
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
    await options.store.writeRun(record);
    emit({ type: 'run_failed', message: record.error.message });
    throw error;
  }
  record.status = 'finished';
  await options.store.writeRun(record);
  emit({ type: 'run_finished' });
}
