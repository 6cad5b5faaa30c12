import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from '@hokusai/attestation';
import { OrchestratorError } from '../errors.js';
import type { PipelineConfig } from './config.js';

/** Creates the folder if needed and writes (then removes) a probe file: the real test, as root too. */
async function probe(folder: string): Promise<string | undefined> {
  const file = join(folder, `.hokusai-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(file, '');
    await rm(file, { force: true });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/**
 * Checks, before the pipeline runs, every folder it will write besides the output folder (whose
 * lock proves that one): the run store and, when proving, the circuit and key cache. A read-only
 * folder then fails in a second with its path named, not after the whole pipeline.
 */
export async function assertFoldersWritable(config: PipelineConfig, store: string): Promise<void> {
  const storeProblem = await probe(store);
  if (storeProblem !== undefined) {
    throw new OrchestratorError('HOKUSAI_STORE_NOT_WRITABLE', `Cannot write the run store ${store} (${storeProblem}). Pass --store <folder> (or set HOKUSAI_STORE) to a folder you can write.`);
  }
  if (!config.proof.enabled) return;
  const cache = defaultCacheDir();
  const cacheProblem = await probe(cache);
  if (cacheProblem !== undefined) {
    const source = process.env.HOKUSAI_ZK_CACHE === undefined ? 'the default inside the installed package' : 'from HOKUSAI_ZK_CACHE';
    throw new OrchestratorError(
      'HOKUSAI_ZK_CACHE_NOT_WRITABLE',
      `Cannot write the proof cache ${cache} (${source}; ${cacheProblem}). Set HOKUSAI_ZK_CACHE to a folder you can write, or pass --no-proof.`,
    );
  }
}
