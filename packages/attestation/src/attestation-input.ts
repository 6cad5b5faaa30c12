import { z } from 'zod';
import { AttestationError } from './errors.js';
import type { AttestedPublication } from './attestation.js';

const Hash = z.string().regex(/^[a-f0-9]{64}$/, 'must be a SHA-256 hash: 64 lowercase hex characters');

// Output file names are paths relative to the output folder; anything that could escape it or
// mean different files on different systems is refused.
/** A relative path inside the output folder, "/"-separated, that cannot climb out of it. */
export const isSafeFileName = (s: string): boolean => s.length > 0 && !s.startsWith('/') && !s.includes('\\') && !s.split('/').some((part) => part === '' || part === '.' || part === '..');

const Bits = z.instanceof(Uint8Array);

export const AttestationInputSchema = z.object({
  run_id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"'),
  pipeline_version: z.string().min(1),
  inputs: z.record(
    z.string().min(1),
    z.object({
      file_name: z.string(),
      format: z.string(),
      file_sha256: Hash,
      content_hash: Hash,
      row_count: z.number().int().nonnegative(),
    }),
  ),
  config: z.unknown(),
  models: z.record(
    z.string().min(1),
    z.object({
      onnx_sha256: Hash,
      family: z.string(),
      version: z.string().optional(),
      metadata_sha256: Hash.optional(),
    }),
  ),
  results: z.record(z.string().min(1), z.unknown()),
  files: z.record(z.string(), Hash),
  predictions: z
    .object({ labels: Bits, baseline: Bits, new: Bits })
    .optional(),
  publication: z
    .object({
      contributor_id: z.string().nullable().optional(),
      wallet_address: z.string().regex(/^0[xX][a-fA-F0-9]{40}$/, 'must be 0x and 40 hex digits').nullable().optional(),
      environment: z.enum(['production', 'staging', 'test', 'development']).optional(),
      dry_run: z.boolean().optional(),
      benchmark_type: z.string().min(1).optional(),
      mlflow_run_id: z.string().nullable().optional(),
      contributed_column_count: z.number().int().nonnegative().optional(),
      contributed_columns: z.array(z.string()).optional(),
    })
    .strict()
    .optional(),
});

export interface AttestationInput {
  run_id: string;
  pipeline_version: string;
  /** By role: base, contributed, benchmark. */
  inputs: Record<string, { file_name: string; format: string; file_sha256: string; content_hash: string; row_count: number }>;
  /** The resolved config with secrets removed; stored and hashed as canonical JSON. */
  config: unknown;
  /** By role: baseline, new. */
  models: Record<string, { onnx_sha256: string; family: string; version?: string; metadata_sha256?: string }>;
  /** Result blocks (metrics, delta report, decision, data reports), each plain JSON. */
  results: Record<string, unknown>;
  /** Output file name (relative to the output folder) -> SHA-256 of its bytes. */
  files: Record<string, string>;
  /** 0/1 per benchmark row; makes the accuracy counts provable. */
  predictions?: { labels: Uint8Array; baseline: Uint8Array; new: Uint8Array };
  /** What zk_output_v1.json publishes about the contributor and the run; attested. */
  publication?: AttestedPublication;
}

/** Validates at the package boundary and names the first offending field. */
export function parseAttestationInput(input: unknown): AttestationInput {
  const parsed = AttestationInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new AttestationError('HOKUSAI_INVALID_INPUT', `attestation input is invalid at "${where}": ${issue?.message ?? 'unknown problem'}; fix the value passed to buildAttestation`);
  }
  const value = parsed.data as AttestationInput;
  for (const name of Object.keys(value.files)) {
    if (!isSafeFileName(name)) {
      throw new AttestationError('HOKUSAI_INVALID_INPUT', `attestation input files: "${name}" must be a relative path inside the output folder using "/" (no "..", no leading "/", no empty parts)`);
    }
  }
  const p = value.predictions;
  if (p !== undefined) {
    const n = p.labels.length;
    if (n === 0) throw new AttestationError('HOKUSAI_INVALID_INPUT', 'attestation input predictions: the benchmark has no rows; pass at least one labelled row or leave predictions out');
    for (const [name, bits] of [['labels', p.labels], ['baseline', p.baseline], ['new', p.new]] as const) {
      if (bits.length !== n) {
        throw new AttestationError('HOKUSAI_INVALID_INPUT', `attestation input predictions.${name} has ${bits.length} rows but labels has ${n}; all three must cover the same benchmark rows`);
      }
      const bad = bits.findIndex((b) => b !== 0 && b !== 1);
      if (bad >= 0) {
        throw new AttestationError('HOKUSAI_INVALID_INPUT', `attestation input predictions.${name}[${bad}] is ${bits[bad]}; only 0 and 1 can be proven (threshold scores first)`);
      }
    }
  }
  return value;
}
