import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { OrchestratorError } from '../errors.js';

/**
 * Writes a run's output folder in one piece: every file goes into a sibling temporary folder,
 * which is renamed into place only when all are written. A crash leaves no half-written folder
 * at the output path.
 */
export async function writeOutputFolder(
  out: string,
  files: Record<string, Uint8Array | string>,
  options: { overwrite: boolean; runId: string; fill?: (staging: string) => Promise<void> },
): Promise<void> {
  assertOutputFree(out, options.overwrite);
  const target = resolve(out);
  const staging = `${target}.partial-${options.runId}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const [name, data] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      const path = join(staging, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, data);
    }
    await options.fill?.(staging);
    if (existsSync(target)) {
      const old = `${target}.old-${options.runId}`;
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await rename(staging, target);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Fails before any work is done when the output folder is taken. */
export function assertOutputFree(out: string, overwrite: boolean): void {
  if (existsSync(resolve(out)) && !overwrite) {
    throw new OrchestratorError('HOKUSAI_OUTPUT_EXISTS', `The output folder ${out} already exists. Choose another --out or pass --overwrite.`);
  }
}
