import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HokusaiError } from '@hokusai/core';
import { OrchestratorError, errorCode } from '../errors.js';

export const DEFAULT_QUEUE = 'hokusai-steps';

/** Bumped when the job data changes shape, so an old worker refuses a job it would misread. */
export const STEP_JOB_PROTOCOL = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest');

/** A job's data: the engine's StepTask, plus what the worker needs to apply the same timeout. */
export const StepJobDataSchema = z.object({
  protocol: z.literal(STEP_JOB_PROTOCOL),
  flow: z.string().min(1),
  runId: z.string().regex(/^[A-Za-z0-9_-]+$/),
  step: z.string().min(1),
  storeRoot: z.string().min(1),
  inputHashes: z.record(z.string(), sha256),
  itemIndex: z.number().int().nonnegative().optional(),
  attempt: z.number().int().positive(),
  timeoutMs: z.number().positive().optional(),
});
export type StepJobData = z.infer<typeof StepJobDataSchema>;

/** What a worker returns: where the output is in the run store, and who computed it. */
export const StepJobResultSchema = z.object({
  hash: sha256,
  worker: z.string(),
  durationMs: z.number().nonnegative(),
});
export type StepJobResult = z.infer<typeof StepJobResultSchema>;

/** A progress event a step sent through `ctx.emit`, as carried by `job.updateProgress`. */
export const StepProgressSchema = z.object({
  type: z.literal('progress'),
  unit: z.string().optional(),
  done: z.number().optional(),
  total: z.number().optional(),
  message: z.string().optional(),
  attempt: z.number().optional(),
  durationMs: z.number().optional(),
});

/**
 * A job id that names one execution: the run store, run, step, item, attempt and input hashes.
 * BullMQ adds no second job under an id it holds, so queuing the same execution again (a
 * resumed producer) joins the first job.
 */
export function stepJobId(data: StepJobData): string {
  const key = JSON.stringify([data.storeRoot, data.runId, data.step, data.itemIndex ?? null, data.attempt, Object.entries(data.inputHashes).sort(([a], [b]) => (a < b ? -1 : 1))]);
  return `step-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

export function jobName(data: Pick<StepJobData, 'flow' | 'step' | 'itemIndex'>): string {
  return data.itemIndex === undefined ? `${data.flow}/${data.step}` : `${data.flow}/${data.step}[${data.itemIndex}]`;
}

/** The channel a producer publishes a job id on to cancel that job wherever it runs. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:hokusai-cancel`;
}

/** An untyped failure as it crosses BullMQ: its message, and its errno code when it has one. */
const UntypedFailureSchema = z.object({ message: z.string(), code: z.string().optional() });

/**
 * BullMQ keeps only a failed job's message, so the error travels in its JSON form: a Hokusai
 * error keeps its code, kind, file, row and column, and the engine on the other side applies the
 * same retry policy and reports the same location as for a local step.
 */
export function failureReason(error: unknown): string {
  if (HokusaiError.isInstance(error)) return JSON.stringify(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  return JSON.stringify(code === undefined ? { message } : { message, code });
}

const STALLED = 'job stalled more than allowable limit';

/** Rebuilds the error of a failed job on the producer's side. */
export function errorFromFailure(reason: string, step: string, jobId: string): Error {
  if (reason === STALLED) {
    return new OrchestratorError('HOKUSAI_WORKER_LOST', `Step "${step}" (job ${jobId}) was running on a worker that stopped answering, more often than the stall limit allows. Check the workers' logs; the step is retried if it has retries left.`, { step });
  }
  const typed = HokusaiError.fromJSON(reason);
  if (typed !== undefined) return typed;
  const untyped = UntypedFailureSchema.safeParse(parseJson(reason));
  if (!untyped.success) return new Error(reason);
  const error = new Error(untyped.data.message);
  // The errno code decides the retry (a missing file is not retried, a refused connection is).
  return untyped.data.code === undefined ? error : Object.assign(error, { code: untyped.data.code });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
