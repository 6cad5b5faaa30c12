import { z } from 'zod';
import { PipelineConfigSchema } from '@hokusai/orchestrator';
import { SCOPES } from './api-keys.js';
import { RUN_STATUSES, ServerRunSchema } from './run-record.js';

/**
 * The run settings a submission may give: the pipeline's own config schema, less everything that
 * names a file or folder on the server (inputs, output, run store, ptau, baseline model) or a
 * secret (the PII key) or where results go (tracking): those are the server's to set.
 */
export const RunSettingsSchema = PipelineConfigSchema.pick({
  target: true,
  seed: true,
  task: true,
  model: true,
  search: true,
  exclude: true,
  strata: true,
  quality: true,
  delta: true,
  benchmarkId: true,
})
  .extend({
    pii: z.object({ mode: z.enum(['hash', 'redact', 'drop', 'fail']).default('hash') }).strict().optional(),
    proof: z.object({ enabled: z.boolean().default(true), circuitN: z.number().int().positive().optional(), inference: PipelineConfigSchema.shape.proof.unwrap().shape.inference.optional() }).strict().optional(),
    contributor: z
      .object({ id: z.string().max(200).optional(), wallet: z.string().optional() })
      .strict()
      .optional()
      .describe('contributor id (ignored for keys bound to a contributor) and Ethereum address'),
  })
  .strict();

export type RunSettings = z.infer<typeof RunSettingsSchema>;

const FileName = z
  .string()
  .min(1)
  .max(1024)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters')
  .describe("a file in the server's data folder, relative to it");

/** A submission that names files in the server's data folder (multipart uploads carry the same fields). */
export const SubmitRunSchema = z
  .object({
    files: z
      .object({ base: FileName, contributed: FileName, benchmark: FileName.optional().describe('optional when settings.benchmarkId names a registered benchmark') })
      .strict(),
    settings: RunSettingsSchema,
  })
  .strict();

export const RunSchema = ServerRunSchema.omit({ owner: true, idempotencyKey: true }).extend({
  links: z.object({ self: z.string(), events: z.string(), report: z.string(), files: z.string(), verify: z.string() }).strict(),
});

export const RunListSchema = z
  .object({ runs: z.array(RunSchema), next_cursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last page') })
  .strict();

export const RunListQuerySchema = z
  .object({
    status: z.enum(RUN_STATUSES).optional(),
    contributor: z.string().optional(),
    decision: z.enum(['accepted', 'rejected']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().regex(/^r[a-z0-9]{16,}$/).optional(),
  })
  .strict();

export const FileListSchema = z.object({ files: z.array(z.string()) }).strict();

export const VerificationSchema = z
  .object({
    ok: z.boolean(),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }).strict()),
    // What a passing folder proves: a folder without a proof can pass every check and prove nothing.
    proven: z.object({ counts: z.boolean(), inference: z.boolean() }).strict(),
  })
  .strict();

export const RegisterBenchmarkSchema = z
  .object({
    file: FileName,
    id: z.string().regex(/^[A-Za-z0-9._-]+$/),
    version: z.string().regex(/^[A-Za-z0-9._-]+$/),
    target: z.string().min(1),
    task: z.enum(['binary', 'multiclass']).default('binary'),
    description: z.string().max(2000).optional(),
  })
  .strict();

export const BenchmarkSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    content_hash: z.string(),
    target: z.string(),
    task: z.enum(['binary', 'multiclass']),
    rows: z.number().int().optional(),
    description: z.string().optional(),
  })
  .strict();

export const BenchmarkListSchema = z.object({ benchmarks: z.array(BenchmarkSchema) }).strict();

export const SessionRequestSchema = z.object({ key: z.string().min(1).max(200) }).strict();
export const SessionSchema = z.object({ signed_in: z.literal(true), key_id: z.string(), scopes: z.array(z.enum(SCOPES)), contributor: z.string().nullable() }).strict();
export const SessionStateSchema = z.union([SessionSchema, z.object({ signed_in: z.literal(false) }).strict()]);

export const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) }).strict();

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('stable Hokusai error code'),
    kind: z.enum(['input', 'transient', 'internal']),
    instance: z.string().optional(),
    file: z.string().optional(),
    row: z.number().int().optional(),
    column: z.string().optional(),
  })
  .strict();
