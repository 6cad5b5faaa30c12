import { z } from 'zod';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const StepProgressSchema = z
  .object({
    status: z.enum(['running', 'finished', 'failed', 'reused']),
    startedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    done: z.number().nullable().describe('units done in the step (rows, epochs, trials, ...)'),
    total: z.number().nullable(),
    unit: z.string().nullable(),
  })
  .strict();

/** What the server knows of one submitted run; kept as run.json in the run's folder. */
export const ServerRunSchema = z
  .object({
    id: z.string().regex(/^r[a-z0-9]{16,}$/),
    status: z.enum(RUN_STATUSES),
    /** Key id that submitted the run. */
    owner: z.string(),
    contributor: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()).describe('the submitted run settings'),
    inputs: z.object({ base: z.string(), contributed: z.string(), benchmark: z.string() }).strict().describe('input file names'),
    steps: z.record(z.string(), StepProgressSchema),
    decision: z.enum(['accepted', 'rejected']).nullable(),
    deltaOne: z.number().nullable(),
    pipelineRunId: z.string().nullable(),
    cancelRequested: z.boolean(),
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        kind: z.enum(['input', 'transient', 'internal']).optional(),
        file: z.string().optional().describe('input file the error is about, as the submission named it'),
        row: z.number().int().optional(),
        column: z.string().optional(),
      })
      .strict()
      .nullable(),
  })
  .strict();

export type ServerRun = z.infer<typeof ServerRunSchema>;
export type StepProgress = z.infer<typeof StepProgressSchema>;
