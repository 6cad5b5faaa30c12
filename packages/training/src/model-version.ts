import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sortKeys } from './checkpoints.js';
import { TrainingError } from './errors.js';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const HASH = /^[a-f0-9]{64}$/;

const VersionInput = z.object({
  semver: z.string().regex(SEMVER, 'must be a semantic version such as 1.2.0'),
  dataManifestHashes: z.array(z.string().regex(HASH, 'must be 64 lowercase hex characters')),
  config: z.unknown(),
  seed: z.number().int(),
  backend: z.string().min(1),
});
export type ModelVersionInput = z.input<typeof VersionInput>;

export interface ModelVersion {
  /** `<semver>+sha256.<first 12 hex of the ONNX hash>`: readable and unique per file. */
  id: string;
  semver: string;
  /** SHA-256 of the ONNX bytes: the weights, the featurization and the embedded metadata. */
  onnxSha256: string;
  training: {
    /** Sorted, so the order the manifests were listed in does not change the version. */
    dataManifestHashes: string[];
    /** SHA-256 of the config as JSON with sorted keys. */
    configHash: string;
    seed: number;
    backend: string;
  };
}

/** A model's version: the hash of its ONNX bytes plus a semantic version and what it was trained from. */
export function modelVersion(onnx: Uint8Array, input: ModelVersionInput): ModelVersion {
  const parsed = VersionInput.safeParse(input);
  if (!parsed.success) {
    throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `Invalid model version input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  const v = parsed.data;
  const onnxSha256 = createHash('sha256').update(onnx).digest('hex');
  const configHash = createHash('sha256').update(JSON.stringify(sortKeys(v.config ?? null))).digest('hex');
  return {
    id: `${v.semver}+sha256.${onnxSha256.slice(0, 12)}`,
    semver: v.semver,
    onnxSha256,
    training: { dataManifestHashes: [...v.dataManifestHashes].sort(), configHash, seed: v.seed, backend: v.backend },
  };
}
