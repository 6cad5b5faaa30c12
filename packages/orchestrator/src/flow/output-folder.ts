import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { replaceFolderAtomic } from '@hokusai/core';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OrchestratorError } from '../errors.js';
import { processAlive } from '../engine/process-alive.js';

/**
 * Written into every output folder. `--overwrite` only ever replaces a folder that holds it, so
 * a mistyped `--out` can never empty a folder of someone's own files.
 */
export const OUTPUT_MARKER = '.hokusai-output';

/** Paths an output folder may never contain or be: the run's inputs and its run store. */
export interface ProtectedPaths {
  inputs: string[];
  store?: string;
}

/**
 * Writes a run's output folder in one piece: every file goes into a sibling temporary folder,
 * which is renamed into place only when all are written. A crash or a full disk leaves no
 * half-written folder at the output path.
 */
export async function writeOutputFolder(
  out: string,
  files: Record<string, Uint8Array | string>,
  options: { overwrite: boolean; runId: string; protect?: ProtectedPaths; fill?: (staging: string) => Promise<void> },
): Promise<void> {
  assertOutputFree(out, options.overwrite, options.protect);
  const target = resolve(out);
  // Unique per process: two runs of the same inputs never share (or delete) each other's staging.
  const suffix = `${options.runId}-${process.pid}-${randomBytes(4).toString('hex')}`;
  await removeAbandonedStaging(target);
  await replaceFolderAtomic(
    target,
    async (staging) => {
      await writeFile(join(staging, OUTPUT_MARKER), `${JSON.stringify({ hokusai_output: 1, run_id: options.runId })}\n`);
      for (const [name, data] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
        const path = join(staging, name);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, data);
      }
      await options.fill?.(staging);
    },
    { suffix },
  );
}

/**
 * Staging and old folders of this output whose writer process is gone (killed mid-write): the
 * caller holds the output's lock, so nobody else on this host is writing them.
 */
async function removeAbandonedStaging(target: string): Promise<void> {
  const prefix = basename(target);
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`${prefix}.partial-`) && !name.startsWith(`${prefix}.old-`)) continue;
    const pid = /-(\d+)-[0-9a-f]{8}$/.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) await rm(join(dirname(target), name), { recursive: true, force: true });
  }
}

/** The run id recorded in a Hokusai output folder's marker, or undefined when it has none. */
export function outputFolderRunId(out: string): string | undefined {
  const marker = join(resolve(out), OUTPUT_MARKER);
  try {
    if (!lstatSync(marker).isFile()) return undefined;
    const parsed = JSON.parse(readFileSync(marker, 'utf8')) as { run_id?: unknown };
    return typeof parsed.run_id === 'string' ? parsed.run_id : '';
  } catch {
    return undefined;
  }
}

const realOrResolved = (path: string): string => {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
};

const isSameOrInside = (path: string, folder: string): boolean => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/**
 * Fails before any work is done when the output folder is taken, and refuses to replace anything
 * that is not a Hokusai output: a folder without the marker, the working folder or one of its
 * parents, or a folder holding an input or the run store.
 */
export function assertOutputFree(out: string, overwrite: boolean, protect: ProtectedPaths = { inputs: [] }): void {
  const target = resolve(out);
  let info;
  try {
    info = lstatSync(target);
  } catch {
    return;
  }
  if (!overwrite) {
    throw new OrchestratorError('HOKUSAI_OUTPUT_EXISTS', `The output folder ${out} already exists. Choose another --out or pass --overwrite.`);
  }
  const refuse = (why: string): never => {
    throw new OrchestratorError('HOKUSAI_OUTPUT_NOT_REPLACEABLE', `--overwrite will not replace ${target}: ${why}`);
  };
  if (info.isSymbolicLink() || !info.isDirectory()) refuse('it is not a folder. Choose another --out.');
  const real = realOrResolved(target);
  if (isSameOrInside(realOrResolved(process.cwd()), real)) refuse('it is the working folder or one of its parents. Choose another --out.');
  for (const input of protect.inputs) {
    if (isSameOrInside(realOrResolved(input), real)) refuse(`it holds the input ${input}. Choose another --out.`);
  }
  if (protect.store !== undefined && isSameOrInside(realOrResolved(protect.store), real)) refuse(`it holds the run store ${protect.store}. Choose another --out or --store.`);
  if (outputFolderRunId(target) === undefined) {
    refuse(`it is not a Hokusai output folder (it has no ${OUTPUT_MARKER} file), so it may hold files of your own. Choose another --out, or delete it yourself if it is disposable.`);
  }
}
