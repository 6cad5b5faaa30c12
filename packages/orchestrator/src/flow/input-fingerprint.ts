import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { canonicalJson } from '@hokusai/attestation';
import { OrchestratorError } from '../errors.js';
import { attestedConfig } from './attested-config.js';
import type { PipelineConfig } from './config.js';

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads: every run hashes its inputs before its first step, and 64 KiB chunks (the
  // default) took about twice as long on hundreds of MB.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A run's id is derived from what decides its results (the attested config and the bytes of
 * every input), so the same inputs give the same id and the same attestation body anywhere.
 */
export async function runIdFor(config: PipelineConfig): Promise<string> {
  const paths = [config.base, config.contributed, config.benchmark, ...(config.baselineModel === undefined ? [] : [config.baselineModel])];
  for (const path of paths) {
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new OrchestratorError('HOKUSAI_INPUT_NOT_FOUND', `Input file ${path} does not exist or is not a file.`);
    }
  }
  const hashes = await Promise.all(paths.map(fileSha256));
  const digest = createHash('sha256').update(canonicalJson({ config: attestedConfig(config), inputs: hashes })).digest('hex');
  return `hk-${digest.slice(0, 20)}`;
}
