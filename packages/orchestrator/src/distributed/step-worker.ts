import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { isRetryable } from '@hokusai/core';
import { OrchestratorError } from '../errors.js';
import type { RunRecord } from '../engine/run-store.js';
import { RunStore } from '../engine/run-store.js';
import type { StepContext, StepDefinition } from '../engine/step.js';
import { asResolved, resolveRegisteredFlow, type FlowDefinitionOrResolved, type FlowResolver, type ResolvedFlow } from './flow-registry.js';
import { finishedItem, writeItemRecord } from './item-records.js';
import { assertRedisReachable, redisOptionsFromUrl } from './redis-connection.js';
import { DEFAULT_QUEUE, StepJobDataSchema, cancelChannel, failureReason, type StepJobData, type StepJobResult } from './step-job.js';
import { loadBullMq, loadIoRedis } from './redis-modules.js';
import { settlesWithin } from './deadline.js';

export interface StepWorkerOptions {
  redisUrl: string;
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
  /** Rebuilds a run's flow from its record (default: the `registerFlow` registry). */
  resolveFlow?: (flowName: string, run: RunRecord) => FlowDefinitionOrResolved | Promise<FlowDefinitionOrResolved>;
  queue?: string;
  /** BullMQ key prefix (default 'bull'); producer and workers must agree. */
  prefix?: string;
  /** The shared run store as mounted on this machine; default: the path the producer sent. */
  store?: string;
  /** How long a job's lock lasts without renewal before the job counts as stalled (default 30 000 ms). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers (default 30 000 ms). */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) and be handed to another worker before it fails (default 1). */
  maxStalledCount?: number;
  /** Shown in job records and logs (default host:pid). */
  name?: string;
  /** Fails the start when Redis does not answer within this time (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** How long `close` waits for running jobs and Redis before it stops anyway (default 10 000 ms). */
  shutdownTimeoutMs?: number;
  /** Connection and lock errors of the worker; default: printed to stderr. */
  onError?: (error: Error) => void;
  /** Called as each job ends, so a worker can log what it ran (run, step, duration). */
  onJob?: (report: WorkerJobReport) => void;
}

/** One job a worker ran, as its log shows it. */
export interface WorkerJobReport {
  runId: string;
  step: string;
  itemIndex?: number;
  status: 'completed' | 'failed';
  durationMs: number;
  /** Why it failed (failed jobs). */
  error?: string;
}

export interface StepWorker {
  readonly id: string;
  /**
   * Stops taking jobs, waits for the running ones, and closes the connections; after
   * `shutdownTimeoutMs` (Redis away, a step that does not end) it disconnects anyway, and the
   * jobs it held go back to the queue once their locks expire.
   */
  close(): Promise<void>;
}

const OptionsSchema = z.object({
  redisUrl: z.string().min(1),
  concurrency: z.number().int().positive().optional(),
  queue: z.string().min(1).optional(),
  prefix: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  lockDurationMs: z.number().int().positive().optional(),
  stalledIntervalMs: z.number().int().positive().optional(),
  maxStalledCount: z.number().int().nonnegative().optional(),
  name: z.string().min(1).optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  shutdownTimeoutMs: z.number().int().positive().optional(),
});

const FLOW_CACHE_SIZE = 8;
let workerCounter = 0;

type WorkerOptions = z.infer<typeof OptionsSchema>;
/** BullMQ's error that fails a job without retrying it. */
type Unrecoverable = new (message: string) => Error;

/**
 * Starts a BullMQ worker for step jobs. For each job it rebuilds the run's flow, reads the
 * step's inputs from the shared run store by hash, runs the step, stores the output and returns
 * its hash. Step failures are final for BullMQ (the engine that queued the job owns the retry
 * policy); faults around the step (store I/O, Redis) are retried by BullMQ with backoff.
 * The phases: check the options and Redis, build the job processor, start the worker and its
 * cancellation subscriber, hand back a handle that closes both.
 */
export async function startWorker(options: StepWorkerOptions): Promise<StepWorker> {
  const opts = parseWorkerOptions(options);
  const connection = redisOptionsFromUrl(opts.redisUrl);
  await assertRedisReachable(opts.redisUrl, connection, opts.connectTimeoutMs ?? 10_000);
  const [{ Worker, UnrecoverableError }, { Redis }] = await Promise.all([loadBullMq(), loadIoRedis()]);
  const queue = opts.queue ?? DEFAULT_QUEUE;
  const prefix = opts.prefix ?? 'bull';
  const id = opts.name ?? `${hostname()}:${process.pid}${workerCounter++ === 0 ? '' : `:${workerCounter}`}`;
  const resolveFlow: FlowResolver = async (name, run) => asResolved(await (options.resolveFlow ?? resolveRegisteredFlow)(name, run));
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`hokusai worker ${id}: ${error.message}\n`));

  const processor = stepProcessor({ queue, id, store: opts.store, flowFor: flowCache(resolveFlow), Unrecoverable: UnrecoverableError });
  const worker = new Worker(queue, reportingJobs(processor, options.onJob), {
    connection,
    prefix,
    name: id,
    concurrency: opts.concurrency ?? 1,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 1,
    autorun: false,
  });
  worker.on('error', onError);

  // Producers cancel a job (its step timed out or the run was aborted) by publishing its id.
  const subscriber = new Redis({ ...connection, lazyConnect: true });
  subscriber.on('error', onError);
  subscriber.on('message', (_channel: string, jobId: string) => {
    worker.cancelJob(jobId, 'cancelled by the run that queued it');
  });
  await subscriber.connect();
  await subscriber.subscribe(cancelChannel(prefix, queue));

  void worker.run().catch(onError);
  await worker.waitUntilReady();
  return workerHandle(id, opts, onError, worker, subscriber);
}

function parseWorkerOptions(options: StepWorkerOptions): WorkerOptions {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new OrchestratorError('HOKUSAI_WORKER_OPTIONS_INVALID', `Invalid worker options: ${problems}.`);
  }
  return parsed.data;
}

/** Each run's flow, rebuilt once per store, run and flow name (the last few kept). */
function flowCache(resolveFlow: FlowResolver): (data: StepJobData, store: RunStore) => Promise<ResolvedFlow> {
  const flows = new Map<string, Promise<ResolvedFlow>>();
  return (data, store) => {
    const key = `${store.root}\u0000${data.runId}\u0000${data.flow}`;
    let entry = flows.get(key);
    if (entry === undefined) {
      entry = store.readRun(data.runId).then(async (run) => {
        const resolved = await resolveFlow(data.flow, run);
        assertSameHooks(run, resolved);
        return resolved;
      });
      entry.catch(() => flows.delete(key));
      flows.set(key, entry);
      if (flows.size > FLOW_CACHE_SIZE) flows.delete(flows.keys().next().value as string);
    }
    return entry;
  };
}

type JobProcessor = (job: Job, token?: string, signal?: AbortSignal) => Promise<StepJobResult>;

/** Runs one step job: its inputs read by hash, the step bounded by its timeout, the output stored. */
function stepProcessor(deps: { queue: string; id: string; store: string | undefined; flowFor: (data: StepJobData, store: RunStore) => Promise<ResolvedFlow>; Unrecoverable: Unrecoverable }): JobProcessor {
  const { queue, id, flowFor, Unrecoverable } = deps;
  return async (job, _token, signal) => {
    const started = performance.now();
    const data = StepJobDataSchema.safeParse(job.data);
    if (!data.success) {
      throw new Unrecoverable(failureReason(new OrchestratorError('HOKUSAI_JOB_INVALID', `Job ${job.id} on queue ${queue} is not a step job this worker understands (${data.error.issues[0]?.message ?? 'bad data'}); update the worker to the producer's version.`)));
    }
    const task = data.data;
    const store = new RunStore(deps.store ?? task.storeRoot);
    let step: StepDefinition;
    let inputs: Record<string, unknown>;
    let item: unknown;
    try {
      ({ step, inputs, item } = await prepare(task, store, await flowFor(task, store)));
    } catch (error) {
      // A typed error here (unknown flow, run not in this store) or a missing path will not heal
      // by retrying on this worker; a passing fault may.
      if (!isRetryable(error)) throw new Unrecoverable(failureReason(error));
      throw error;
    }
    const itemTask = task.itemIndex === undefined ? undefined : { runId: task.runId, step: task.step, itemIndex: task.itemIndex, inputHashes: task.inputHashes };
    // A duplicate job for an item that already finished (queued again by a resumed run while
    // the killed run's job was still waiting) returns the stored output instead of running again.
    const earlier = itemTask === undefined ? undefined : await finishedItem(store, itemTask);
    if (earlier !== undefined) return { hash: earlier, worker: id, durationMs: Math.round(performance.now() - started) };
    const controller = new AbortController();
    const ctx: StepContext = {
      runId: task.runId,
      step: task.step,
      attempt: task.attempt,
      inputs,
      item,
      signal: controller.signal,
      emit: (event) => {
        job.updateProgress({ ...event }).catch(() => undefined);
      },
    };
    let value: unknown;
    try {
      value = await runBounded(step, ctx, controller, task.timeoutMs ?? step.timeoutMs, signal);
    } catch (error) {
      throw new Unrecoverable(failureReason(error));
    }
    let hash: string;
    try {
      hash = await store.putValue(value);
      if (itemTask !== undefined) await writeItemRecord(store, itemTask, hash, { worker: id, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      if (!isRetryable(error)) throw new Unrecoverable(failureReason(error));
      throw error;
    }
    return { hash, worker: id, durationMs: Math.round(performance.now() - started) };
  };
}

/** The processor, with each job's end reported to `onJob` (completed or failed, and how long). */
function reportingJobs(processor: JobProcessor, onJob: StepWorkerOptions['onJob']): JobProcessor {
  return async (job, token, signal) => {
    const started = performance.now();
    const data = job.data as Partial<StepJobData>;
    const report = (status: WorkerJobReport['status'], error?: string): void =>
      onJob?.({
        runId: String(data.runId ?? '?'),
        step: String(data.step ?? '?'),
        ...(typeof data.itemIndex === 'number' ? { itemIndex: data.itemIndex } : {}),
        status,
        durationMs: Math.round(performance.now() - started),
        ...(error === undefined ? {} : { error }),
      });
    try {
      const result = await processor(job, token, signal);
      report('completed');
      return result;
    } catch (error) {
      report('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  };
}

/** Closes the worker (waiting for running jobs up to the shutdown timeout) and the subscriber, once. */
function workerHandle(
  id: string,
  opts: WorkerOptions,
  onError: (error: Error) => void,
  worker: { close(): Promise<void>; disconnect(): Promise<void> },
  subscriber: { disconnect(): void },
): StepWorker {
  let closing: Promise<void> | undefined;
  return {
    id,
    close: () => {
      closing ??= (async () => {
        if (!(await settlesWithin(worker.close(), opts.shutdownTimeoutMs ?? 10_000))) {
          onError(new OrchestratorError('HOKUSAI_WORKER_SHUTDOWN_FORCED', `Worker ${id} did not close within ${opts.shutdownTimeoutMs ?? 10_000} ms (Redis away or a step still running); it disconnects now.`));
          await settlesWithin(worker.disconnect(), 1000);
        }
        subscriber.disconnect();
      })();
      return closing;
    },
  };
}

async function prepare(task: StepJobData, store: RunStore, resolved: ResolvedFlow): Promise<{ step: StepDefinition; inputs: Record<string, unknown>; item: unknown }> {
  const step = resolved.flow.steps.find((s) => s.name === task.step);
  if (step === undefined) {
    throw new OrchestratorError('HOKUSAI_JOB_INVALID', `Flow "${task.flow}" as rebuilt on this worker has no step "${task.step}"; producer and worker run different versions of the flow.`, { step: task.step });
  }
  const inputs: Record<string, unknown> = {};
  for (const name of step.inputs) {
    const hash = task.inputHashes[name];
    if (hash === undefined) {
      throw new OrchestratorError('HOKUSAI_JOB_INVALID', `Job for step "${task.step}" of run ${task.runId} lacks the stored hash of its input "${name}".`, { step: task.step });
    }
    inputs[name] = store.readValue(hash);
  }
  let item: unknown;
  if (step.foreach !== undefined) {
    const list = inputs[step.foreach];
    if (!Array.isArray(list) || task.itemIndex === undefined || task.itemIndex >= list.length) {
      throw new OrchestratorError('HOKUSAI_JOB_INVALID', `Job for step "${task.step}" of run ${task.runId} names item ${String(task.itemIndex)} of "${step.foreach}", which has no such item.`, { step: task.step });
    }
    item = list[task.itemIndex];
  }
  return { step, inputs, item };
}

/** Runs the step until it settles, its timeout passes, or the job is cancelled. */
async function runBounded(step: StepDefinition, ctx: StepContext, controller: AbortController, timeoutMs: number | undefined, cancel: AbortSignal | undefined): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        controller.abort();
        reject(new OrchestratorError('HOKUSAI_STEP_TIMEOUT', `Step "${step.name}" did not finish within ${timeoutMs} ms.`, { step: step.name }));
      }, timeoutMs);
    }
    if (cancel !== undefined) {
      onCancel = () => {
        controller.abort();
        reject(new OrchestratorError('HOKUSAI_STEP_CANCELLED', `Step "${step.name}" was cancelled by the run that queued it (its timeout passed or the run stopped).`, { step: step.name }));
      };
      if (cancel.aborted) onCancel();
      else cancel.addEventListener('abort', onCancel, { once: true });
    }
  });
  try {
    return await Promise.race([step.run(ctx), stop]);
  } finally {
    clearTimeout(timer);
    if (onCancel !== undefined) cancel?.removeEventListener('abort', onCancel);
  }
}

/** A run recorded with hooks gives the same result only where those exact hooks are applied. */
function assertSameHooks(run: RunRecord, resolved: ResolvedFlow): void {
  const key = (h: { event: string; sha256: string }): string => `${h.event}:${h.sha256}`;
  const recorded = run.hooks.map(key).sort();
  const here = (resolved.hooks ?? []).map(key).sort();
  if (recorded.join(',') !== here.join(',')) {
    const names = run.hooks.map((h) => `${h.event}:${h.name}`).join(', ') || 'none';
    throw new OrchestratorError(
      'HOKUSAI_WORKER_HOOKS_MISMATCH',
      `Run ${run.runId} was started with hooks [${names}] but this worker's flow "${run.flow}" applies ${here.length === 0 ? 'none' : `${here.length} other(s)`}. Register the same hooks in the worker process (the flow factory returns them) or run this flow with the local executor.`,
    );
  }
}

