import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { OrchestratorError } from '../errors.js';
import type { Executor, StepTask } from '../engine/executor.js';
import { RunStore } from '../engine/run-store.js';
import type { StepContext, StepDefinition } from '../engine/step.js';
import { FanOutProgress } from './fan-out-progress.js';
import { finishedItem } from './item-records.js';
import { eventStreamTail, readJobOutcome, type JobOutcome } from './job-outcome.js';
import { loadBullMq, loadIoRedis } from './redis-modules.js';
import { settlesWithin } from './deadline.js';
import { assertRedisReachable, redisOptionsFromUrl, type RedisConnectionSettings } from './redis-connection.js';
import {
  DEFAULT_QUEUE,
  STEP_JOB_PROTOCOL,
  StepJobResultSchema,
  StepProgressSchema,
  cancelChannel,
  errorFromFailure,
  failureReason,
  jobName,
  stepJobId,
  type StepJobData,
} from './step-job.js';

export interface BullMqExecutorOptions {
  redisUrl: string;
  /** Queue the workers listen on (default 'hokusai-steps'). */
  queue?: string;
  /** BullMQ key prefix (default 'bull'); producer and workers must agree. */
  prefix?: string;
  /** BullMQ attempts for faults around a step on the worker (store I/O, Redis); default 3. A
   * failing step itself is not retried by BullMQ: the engine applies the step's `retries`. */
  attempts?: number;
  /** First BullMQ backoff delay, doubled on each attempt (default 1000 ms). */
  backoffMs?: number;
  /** How long finished jobs stay in Redis for inspection (default 3600 s). */
  keepJobsSeconds?: number;
  /** Fails `execute` when Redis cannot be reached within this time (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** How often a waiting job's state is read from Redis, in case its completion event never
   * arrives (default 5000 ms). Events normally settle a job at once. */
  pollMs?: number;
  /** When Redis stops answering for this long while steps are queued or waited for, they fail
   * with HOKUSAI_REDIS_UNREACHABLE instead of waiting forever (default 30 000 ms). */
  outageTimeoutMs?: number;
  /** Called when a step job settles: which worker ran it, how long it took, how it ended. */
  onJob?: (report: StepJobReport) => void;
}

export interface StepJobReport {
  /** Empty for a reused item: no job was queued. */
  jobId: string;
  runId: string;
  step: string;
  itemIndex?: number;
  attempt: number;
  /** 'reused': a foreach item that had finished earlier in this run (before a kill) was not queued again. */
  status: 'completed' | 'failed' | 'cancelled' | 'reused';
  /** The worker that computed the output (completed jobs). */
  worker?: string;
  /** Output hash in the run store (completed jobs and reused items). */
  hash?: string;
  durationMs: number;
  error?: string;
}

const OptionsSchema = z.object({
  redisUrl: z.string().min(1),
  queue: z.string().min(1).optional(),
  prefix: z.string().min(1).optional(),
  attempts: z.number().int().positive().optional(),
  backoffMs: z.number().int().nonnegative().optional(),
  keepJobsSeconds: z.number().int().positive().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
  pollMs: z.number().int().positive().optional(),
  outageTimeoutMs: z.number().int().positive().optional(),
});

interface Watch {
  progress(data: unknown): void;
  stalled(): void;
  finished(outcome: JobOutcome): void;
}

/**
 * Runs each step execution (each foreach item) as a BullMQ job. A worker, on any machine that
 * mounts the run store, rebuilds the flow, runs the step and stores its output; this executor
 * waits for the job and reads the output back from the store by hash.
 */
export class BullMqExecutor implements Executor {
  readonly name = 'bullmq';
  readonly queueName: string;
  private readonly options: z.infer<typeof OptionsSchema>;
  private readonly onJob: ((report: StepJobReport) => void) | undefined;
  private readonly prefix: string;
  private readonly connection: RedisConnectionSettings;
  private clients: { queue: Queue; events: QueueEvents; publisher: Redis } | undefined;
  private readonly watches = new Map<string, Watch>();
  private readonly fanOut = new FanOutProgress();
  private ready: Promise<void> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private health: NodeJS.Timeout | undefined;
  private lastContact = Date.now();
  private checkingHealth = false;
  /** Rejecters of queue operations in flight: an outage ends them too. */
  private readonly outageListeners = new Set<(error: Error) => void>();
  private closed = false;

  constructor(options: BullMqExecutorOptions) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new OrchestratorError('HOKUSAI_EXECUTOR_OPTIONS_INVALID', `Invalid BullMQ executor options: ${problems}.`);
    }
    this.options = parsed.data;
    this.onJob = options.onJob;
    this.connection = redisOptionsFromUrl(parsed.data.redisUrl);
    this.queueName = parsed.data.queue ?? DEFAULT_QUEUE;
    this.prefix = parsed.data.prefix ?? 'bull';
  }

  private connect(): Promise<{ queue: Queue; events: QueueEvents; publisher: Redis }> {
    this.ready ??= (async () => {
      await assertRedisReachable(this.options.redisUrl, this.connection, this.options.connectTimeoutMs ?? 10_000);
      const connection = this.connection;
      const [{ Queue, QueueEvents }, { Redis }] = await Promise.all([loadBullMq(), loadIoRedis()]);
      const queue = new Queue(this.queueName, { connection, prefix: this.prefix });
      const publisher = new Redis(connection);
      const lastEventId = await eventStreamTail(publisher, queue.keys.events as string);
      const events = new QueueEvents(this.queueName, { connection, prefix: this.prefix, lastEventId });
      // A Redis restart later on shows as jobs that wait longer; the emitters need a listener so
      // that it does not crash the process.
      const ignore = (): void => undefined;
      queue.on('error', ignore);
      events.on('error', ignore);
      publisher.on('error', ignore);
      events.on('progress', ({ jobId, data }) => this.watches.get(jobId)?.progress(data));
      events.on('stalled', ({ jobId }) => this.watches.get(jobId)?.stalled());
      events.on('completed', ({ jobId, returnvalue }) => this.watches.get(jobId)?.finished({ status: 'completed', value: returnvalue }));
      events.on('failed', ({ jobId, failedReason }) => this.watches.get(jobId)?.finished({ status: 'failed', reason: failedReason }));
      this.clients = { queue, events, publisher };
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      // Events settle jobs at once; reading the state of every waiting job now and then settles
      // one whose event never arrived (the stream is trimmed, or a job was removed by hand).
      this.poller = setInterval(() => void this.pollWatched(), this.options.pollMs ?? 5000);
      this.poller.unref();
      this.lastContact = Date.now();
      this.health = setInterval(() => void this.checkHealth(), Math.min(1000, this.outageMs / 4));
      this.health.unref();
    })();
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready.then(() => this.clients as { queue: Queue; events: QueueEvents; publisher: Redis });
  }

  private get outageMs(): number {
    return this.options.outageTimeoutMs ?? 30_000;
  }

  /**
   * BullMQ's connections retry forever and queue every command meanwhile, so an outage would
   * leave the run waiting without end. A ping with its own deadline tells whether Redis
   * answers; after `outageTimeoutMs` without an answer, everything waiting fails.
   */
  private async checkHealth(): Promise<void> {
    if (this.checkingHealth || this.clients === undefined || this.closed) return;
    this.checkingHealth = true;
    try {
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        this.clients.publisher.ping().then(() => true, () => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), 2000);
        }),
      ]);
      clearTimeout(timer);
      if (answered) {
        this.lastContact = Date.now();
        return;
      }
      if (Date.now() - this.lastContact < this.outageMs || (this.watches.size === 0 && this.outageListeners.size === 0)) return;
      const message = `Redis at ${this.options.redisUrl} has not answered for ${Math.round((Date.now() - this.lastContact) / 1000)} s (limit ${this.outageMs} ms); the run stops. Restart Redis and \`hokusai resume\` the run.`;
      for (const listener of this.outageListeners) listener(new OrchestratorError('HOKUSAI_REDIS_UNREACHABLE', message));
      const reason = failureReason(new OrchestratorError('HOKUSAI_REDIS_UNREACHABLE', message));
      for (const watch of this.watches.values()) watch.finished({ status: 'failed', reason });
    } finally {
      this.checkingHealth = false;
    }
  }

  /** Runs a queue operation, failing it when Redis is declared unreachable meanwhile. */
  private async duringContact<T>(operation: Promise<T>): Promise<T> {
    let listener: ((error: Error) => void) | undefined;
    const outage = new Promise<never>((_, reject) => {
      listener = reject;
      this.outageListeners.add(reject);
    });
    try {
      return await Promise.race([operation, outage]);
    } finally {
      if (listener !== undefined) this.outageListeners.delete(listener);
    }
  }

  private polling = false;

  private async pollWatched(): Promise<void> {
    if (this.polling || this.clients === undefined) return;
    this.polling = true;
    try {
      for (const jobId of [...this.watches.keys()]) await this.checkJob(jobId);
    } finally {
      this.polling = false;
    }
  }

  private async checkJob(jobId: string): Promise<void> {
    if (this.clients === undefined) return;
    try {
      const outcome = await readJobOutcome(this.clients.queue, jobId);
      if (outcome !== undefined) this.watches.get(jobId)?.finished(outcome);
    } catch {
      // Redis is away for now: the next poll, or the job's event, settles it.
    }
  }

  async execute(step: StepDefinition, ctx: StepContext, task: StepTask): Promise<unknown> {
    if (this.closed) throw new OrchestratorError('HOKUSAI_EXECUTOR_CLOSED', `The BullMQ executor was closed; step "${step.name}" cannot be queued.`, { step: step.name });
    if (task.itemIndex !== undefined) {
      const reused = await this.reuseItem(step, ctx, task, task.itemIndex);
      if (reused !== undefined) return reused.value;
    }
    const { queue } = await this.connect();
    const data: StepJobData = {
      protocol: STEP_JOB_PROTOCOL,
      flow: task.flow,
      runId: task.runId,
      step: task.step,
      storeRoot: task.storeRoot,
      inputHashes: task.inputHashes,
      attempt: task.attempt,
      ...(task.itemIndex === undefined ? {} : { itemIndex: task.itemIndex }),
      ...(step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs }),
    };
    const started = Date.now();
    // The same execution gets the same id: a resumed run finds the job its killed predecessor
    // queued (waiting, running or done) instead of running the step twice.
    const jobId = stepJobId(data);
    const report = (fields: Pick<StepJobReport, 'status'> & Partial<StepJobReport>): void =>
      this.onJob?.({
        jobId,
        runId: task.runId,
        step: task.step,
        attempt: task.attempt,
        durationMs: Date.now() - started,
        ...(task.itemIndex === undefined ? {} : { itemIndex: task.itemIndex }),
        ...fields,
      });
    // Progress is watched from before the job is queued, since a step reports as soon as it
    // starts; its outcome only once the job is known to be this execution's.
    let resolveOutcome: (outcome: JobOutcome) => void = () => undefined;
    const finished = new Promise<JobOutcome>((resolve) => {
      resolveOutcome = resolve;
    });
    let queued = false;
    this.watches.set(jobId, {
      progress: (raw) => {
        const event = StepProgressSchema.safeParse(raw);
        if (event.success) ctx.emit(this.fanOut.item(step, ctx, task.itemIndex, event.data));
      },
      stalled: () => ctx.emit({ type: 'progress', message: `job ${jobId} lost its worker and was handed back to the queue` }),
      finished: (outcome) => {
        if (queued) resolveOutcome(outcome);
      },
    });
    try {
      await this.duringContact(this.enqueue(queue, data, jobId, task.storeRoot));
    } catch (error) {
      this.watches.delete(jobId);
      throw error;
    }
    queued = true;
    // Closed while the job was being queued: close() met the watch before its outcome counted, and
    // nothing else will settle it.
    if (this.closed) {
      this.watches.delete(jobId);
      throw new OrchestratorError('HOKUSAI_EXECUTOR_CLOSED', `The BullMQ executor was closed while job ${jobId} was being queued.`, { step: step.name });
    }
    // The job may have finished before its watch was set.
    void this.checkJob(jobId);
    let stopWaiting: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      stopWaiting = () => {
        reject(new OrchestratorError('HOKUSAI_STEP_CANCELLED', `Step "${step.name}" (job ${jobId}) was cancelled.`, { step: step.name }));
        void this.cancel(jobId);
      };
    });
    const unsubscribe = this.onAbort(ctx.signal, stopWaiting as () => void);
    let raw: unknown;
    try {
      const outcome = await Promise.race([finished, aborted]);
      if (outcome.status === 'missing') {
        throw new OrchestratorError('HOKUSAI_JOB_LOST', `Job ${jobId} for step "${step.name}" left queue ${this.queueName} before it finished (was it removed by hand?).`, { step: step.name });
      }
      if (outcome.status === 'failed') throw errorFromFailure(outcome.reason, step.name, jobId);
      raw = outcome.value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const cancelled = ctx.signal.aborted;
      report({ status: cancelled ? 'cancelled' : 'failed', error: message });
      throw error;
    } finally {
      this.watches.delete(jobId);
      unsubscribe();
    }
    const result = StepJobResultSchema.safeParse(raw);
    if (!result.success) {
      throw new OrchestratorError('HOKUSAI_JOB_INVALID', `Job ${jobId} for step "${step.name}" returned ${JSON.stringify(raw)}, not a stored output hash; is another kind of worker listening on queue ${this.queueName}?`, { step: step.name });
    }
    const value = new RunStore(task.storeRoot).readValue(result.data.hash);
    report({ status: 'completed', worker: result.data.worker, hash: result.data.hash });
    // The run log (logs/events.jsonl) records which worker ran each step and item.
    ctx.emit({ type: 'progress', worker: result.data.worker, message: `ran on worker ${result.data.worker}${task.itemIndex === undefined ? '' : ` (item ${task.itemIndex})`}` });
    return value;
  }

  /**
   * Queues the execution under its id. If an earlier producer of this run queued it, a job that
   * waits, runs, or is done with its output in the store is joined; one that failed, or is done
   * with an output the store no longer holds, is queued again.
   */
  private async enqueue(queue: Queue, data: StepJobData, jobId: string, storeRoot: string): Promise<void> {
    const keep = { age: this.options.keepJobsSeconds ?? 3600 };
    const add = (): Promise<Job> =>
      queue.add(jobName(data), data, {
        jobId,
        attempts: this.options.attempts ?? 3,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
        removeOnComplete: keep,
        removeOnFail: keep,
      });
    const job = await add();
    const stored = await queue.getJob(jobId);
    if (stored === undefined || stored.timestamp === job.timestamp) return;
    const state = await stored.getState();
    if (state === 'failed' || (state === 'completed' && !outputStored(stored.returnvalue, storeRoot))) {
      await stored.remove();
      await add();
    }
  }

  /** A foreach item that finished earlier in this run (its worker recorded it) is not queued again. */
  private async reuseItem(step: StepDefinition, ctx: StepContext, task: StepTask, itemIndex: number): Promise<{ value: unknown } | undefined> {
    const store = new RunStore(task.storeRoot);
    const hash = await finishedItem(store, { runId: task.runId, step: task.step, itemIndex, inputHashes: task.inputHashes });
    if (hash === undefined) return undefined;
    const value = store.readValue(hash);
    this.fanOut.reused(ctx, itemIndex);
    ctx.emit({ type: 'progress', message: `item ${itemIndex} of ${step.name} reused from the run store` });
    this.onJob?.({ jobId: '', runId: task.runId, step: task.step, itemIndex, attempt: task.attempt, status: 'reused', hash, durationMs: 0 });
    return { value };
  }

  /** One listener per signal: the items of a foreach share their step's signal. */
  private readonly aborts = new WeakMap<AbortSignal, Set<() => void>>();

  private onAbort(signal: AbortSignal, callback: () => void): () => void {
    if (signal.aborted) {
      callback();
      return () => undefined;
    }
    let callbacks = this.aborts.get(signal);
    if (callbacks === undefined) {
      const set = new Set<() => void>();
      callbacks = set;
      this.aborts.set(signal, set);
      signal.addEventListener('abort', () => {
        for (const cb of set) cb();
      }, { once: true });
    }
    callbacks.add(callback);
    return () => callbacks.delete(callback);
  }

  /** Drops a job that has not started; tells the worker running it to abort its step. */
  private async cancel(jobId: string): Promise<void> {
    if (this.clients === undefined) return;
    const { publisher, queue } = this.clients;
    try {
      await publisher.publish(cancelChannel(this.prefix, this.queueName), jobId);
      const job = await queue.getJob(jobId);
      if (job !== undefined && (await job.getState()) !== 'active') await job.remove();
    } catch {
      // Best effort: a job that cannot be removed runs to its end and its output is ignored.
    }
  }

  /** Stops waiting for jobs and closes the connections. Jobs already queued stay queued. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready?.catch(() => undefined);
    clearInterval(this.poller);
    clearInterval(this.health);
    for (const [jobId, watch] of this.watches) {
      watch.finished({ status: 'failed', reason: failureReason(new OrchestratorError('HOKUSAI_EXECUTOR_CLOSED', `The BullMQ executor was closed while job ${jobId} was still queued or running.`)) });
    }
    if (this.clients === undefined) return;
    const { queue, events, publisher } = this.clients;
    // A graceful close waits for Redis; if Redis went away meanwhile, give up after a while.
    // Otherwise their connections would keep reconnecting, and the process alive, for ever.
    if (!(await settlesWithin(Promise.allSettled([events.close(), queue.close()]), 3000))) {
      await settlesWithin(Promise.allSettled([events.disconnect(), queue.disconnect()]), 1000);
    }
    publisher.disconnect();
  }
}

function outputStored(returnvalue: unknown, storeRoot: string): boolean {
  const result = StepJobResultSchema.safeParse(returnvalue);
  return result.success && new RunStore(storeRoot).hasObject(result.data.hash);
}
