import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { INFERENCE_PROOF_FILE, InferenceProofFileSchema, inferenceStatementSha256, linearModelUnsupported, type VerificationCheck } from '@hokusai/attestation';
import { requireInferenceCheck } from './verify-inference.js';

/** The attested summary of the inference proof (results.inference), as the run writes it. */
const AttestedInferenceSchema = z
  .object({
    status: z.enum(['proven', 'not_proven']),
    reason: z.string().nullable(),
    benchmark_commitment: z.string().nullable(),
    registered: z.object({ id: z.string(), version: z.string(), commitment: z.string() }).strict().nullable(),
    statement_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/**
 * Whether both of the folder's ONNX models are ones the inference circuit holds (the linear
 * family as the training package exports it). Read from the models themselves, not from what
 * the attestation says about them.
 */
export async function linearFolder(dir: string): Promise<boolean> {
  const files = ['baseline.onnx', 'model.onnx'].map((name) => join(dir, name));
  if (!files.every((f) => existsSync(f))) return false;
  for (const [i, path] of files.entries()) {
    if (linearModelUnsupported(new Uint8Array(await readFile(path)), i === 0 ? 'baseline.onnx' : 'model.onnx') !== null) return false;
  }
  return true;
}

/**
 * The default expectation of verify: a folder whose counts are proven and whose two models are
 * linear must also carry an inference proof covering both models on every row, as a run makes by
 * default. Without it a forger could re-prove counts for predictions the models do not give and
 * drop inference_proof.json. Null when nothing is expected (no counting proof, or a model
 * outside the linear family: the inference check then says inference is not proven).
 */
export async function expectedInferenceCheck(dir: string, proofSystem: string | undefined, rows: number | undefined): Promise<VerificationCheck | null> {
  if (proofSystem === undefined || proofSystem === 'none') return null;
  if (!(await linearFolder(dir))) return null;
  const required = await requireInferenceCheck(dir, rows);
  return {
    name: 'inference proof expected',
    ok: required.ok,
    detail: required.ok ? `${required.detail} (both models are linear and the counts are proven, so the inference proof is expected)` : `${required.detail}; both models are linear and the counts are proven, so the inference proof is expected (--allow-unproven-inference accepts the folder without it)`,
  };
}

/**
 * results.inference of the attestation against inference_proof.json: the same statement (its hash
 * over everything but the randomized proofs), so the same status and benchmark commitment B. Null
 * when the attestation states nothing about inference.
 */
export async function attestedInferenceCheck(dir: string, stated: unknown): Promise<VerificationCheck | null> {
  if (stated === undefined) return null;
  const name = 'inference stated in the attestation';
  const parsed = AttestedInferenceSchema.safeParse(stated);
  if (!parsed.success) return { name, ok: false, detail: 'results.inference is malformed' };
  const path = join(dir, INFERENCE_PROOF_FILE);
  if (!existsSync(path)) return { name, ok: false, detail: `results.inference says ${parsed.data.status} but the folder has no ${INFERENCE_PROOF_FILE}` };
  const file = InferenceProofFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!file.success) return { name, ok: false, detail: `${INFERENCE_PROOF_FILE} is malformed` };
  const b = file.data.status === 'proven' ? file.data.benchmark_commitment : null;
  const same = file.data.status === parsed.data.status && b === parsed.data.benchmark_commitment;
  const statement = inferenceStatementSha256(file.data);
  const registered = parsed.data.registered;
  return {
    name,
    ok: same && statement === parsed.data.statement_sha256,
    detail: !same
      ? `results.inference (${parsed.data.status}, B ${String(parsed.data.benchmark_commitment)}) does not match ${INFERENCE_PROOF_FILE} (${file.data.status}, B ${String(b)})`
      : statement !== parsed.data.statement_sha256
        ? `${INFERENCE_PROOF_FILE} states something else than the attestation: its statement hashes to ${statement}, results.inference.statement_sha256 is ${parsed.data.statement_sha256}`
        : registered === null
        ? `${parsed.data.status}${parsed.data.reason === null ? '' : `: ${parsed.data.reason}`}`
        : `proven; B matched the commitment registered for ${registered.id}@${registered.version}`,
  };
}
