import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { canonicalJson } from '@hokusai/attestation';
import { OrchestratorError } from '../errors.js';
import { attestedConfig } from './attested-config.js';
import type { PipelineConfig } from './config.js';
import { fileSha256, sameFileStat, type KnownFileHash } from '@hokusai/data-integration';

/**
 * A file's hash with its stat when hashed, or the bare hash when the file changed meanwhile. A
 * hash offered by the caller serves when the file still has the stat it was computed with.
 */
async function hashOf(path: string, offered?: Promise<KnownFileHash | null>): Promise<{ sha256: string; known?: KnownFileHash }> {
  const early = offered === undefined ? null : await offered.catch(() => null);
  const before = statSync(path);
  if (early !== null && sameFileStat(before, early)) return { sha256: early.sha256, known: early };
  const sha256 = await fileSha256(path);
  const known = { sha256, size: before.size, mtimeMs: before.mtimeMs, ctimeMs: before.ctimeMs, ino: before.ino };
  return sameFileStat(statSync(path), known) ? { sha256, known } : { sha256 };
}

/**
 * A run's id is derived from what decides its results (the attested config and the bytes of
 * every input), so the same inputs give the same id and the same attestation body anywhere.
 * `known` holds each input's hash with the file's stat then, for the loads to reuse (a load does
 * not hash a file again that still has that stat; see LoadOptions.knownSha256). `offered`: hashes
 * the caller computed or is computing (PipelineRunOptions.inputHashes), by absolute path.
 */
export async function runIdAndHashes(config: PipelineConfig, offered?: ReadonlyMap<string, Promise<KnownFileHash | null>>): Promise<{ runId: string; known: Map<string, KnownFileHash> }> {
  const paths = [config.base, config.contributed, config.benchmark, ...(config.baselineModel === undefined ? [] : [config.baselineModel])];
  for (const path of paths) {
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new OrchestratorError('HOKUSAI_INPUT_NOT_FOUND', `Input file ${path} does not exist or is not a file.`);
    }
  }
  const hashed = await Promise.all(paths.map((path) => hashOf(path, offered?.get(path))));
  const digest = createHash('sha256').update(canonicalJson({ config: attestedConfig(config), inputs: hashed.map((h) => h.sha256) })).digest('hex');
  const known = new Map<string, KnownFileHash>();
  hashed.forEach((h, k) => {
    if (h.known !== undefined) known.set(paths[k] as string, h.known);
  });
  return { runId: `hk-${digest.slice(0, 20)}`, known };
}
