import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { temporaryWriterPid } from '@hokusai/core';
import { OrchestratorError } from '../errors.js';
import { processAlive } from './process-alive.js';
import { RunStore } from './run-store.js';
import { runState } from './run-state.js';

export interface PruneRunsOptions {
  /** Only runs whose record was last written at least this long ago (ms); default 0: every failed run. */
  olderThanMs?: number;
  /** The present, in ms since the epoch (default: now). */
  now?: number;
  /** List what would be removed without removing it. */
  dryRun?: boolean;
}

/** A failed run removed (or, on a dry run, that would be). */
export interface PrunedRun {
  runId: string;
  /** `interrupted`: killed before it could record an end (see runState). */
  status: 'failed' | 'interrupted';
  /** When its record was last written (when it failed; an interrupted run's: when it started), ISO 8601. */
  failedAt: string;
  error: string | null;
  /** Bytes of its work folder (a streaming run's batch files and partitions); 0 when it has none. */
  workBytes: number;
}

const OptionsSchema = z.object({ olderThanMs: z.number().nonnegative().optional(), now: z.number().optional(), dryRun: z.boolean().optional() }).strict();

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(path);
    else if (e.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/**
 * Removes the failed runs of a run store that nobody resumed: each one's record, step records and
 * work folder (where a streaming run keeps its batch files, which a failure leaves for `resume`).
 * Only runs that failed or were interrupted (see runState: killed before they could record an
 * end), last written at least `olderThanMs` ago: finished runs (whose outputs are in their output
 * folders), running ones, every output folder and the stored objects (content-addressed, possibly
 * shared with other runs) are never touched. A removed run can no longer be resumed.
 */
export async function pruneFailedRuns(storeRoot: string, options: PruneRunsOptions = {}): Promise<PrunedRun[]> {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Invalid prune options: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`);
  const store = new RunStore(storeRoot);
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 0);
  const pruned: PrunedRun[] = [];
  for (const runId of await store.listRuns()) {
    let record;
    let written: Date;
    try {
      record = await store.readRun(runId);
      written = await store.recordTime(runId);
    } catch {
      // A folder without a readable run record is not a run: left alone.
      continue;
    }
    const state = runState(record);
    if ((state !== 'failed' && state !== 'interrupted') || written.getTime() > cutoff) continue;
    const workBytes = await folderBytes(store.workDir(runId));
    if (options.dryRun !== true) await store.removeRun(runId);
    pruned.push({ runId, status: state, failedAt: written.toISOString(), error: record.error?.message ?? null, workBytes });
  }
  return pruned;
}

/** A temporary file a writer killed mid-write left in the store, removed (or, on a dry run, that would be). */
export interface PrunedTemporary {
  /** Its path, relative to the store. */
  path: string;
  bytes: number;
  /** The process that was writing it (no longer running). */
  pid: number;
}

/**
 * A writer still running may be in another process namespace (a container sharing the store),
 * where its id means nothing here: a file it writes is also recent, so only files left unwritten
 * this long are taken for a killed writer's.
 */
const TEMPORARY_IDLE_MS = 60_000;

/**
 * Removes the temporary files that writers killed mid-write left under the store's objects and
 * runs (named by `temporaryPathFor`; an atomic write renames its file into place, so a finished
 * write leaves none): only those whose writer process no longer runs and that were not written
 * for a minute. A stored object or record is never touched: a killed write never replaced one.
 */
export async function pruneTemporaries(storeRoot: string, options: Pick<PruneRunsOptions, 'now' | 'dryRun'> = {}): Promise<PrunedTemporary[]> {
  const cutoff = (options.now ?? Date.now()) - TEMPORARY_IDLE_MS;
  const out: PrunedTemporary[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(storeRoot, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(rel, e.name);
      if (e.isDirectory()) {
        await walk(path);
        continue;
      }
      const pid = e.isFile() ? temporaryWriterPid(e.name) : null;
      if (pid === null || processAlive(pid)) continue;
      const st = await stat(join(storeRoot, path)).catch(() => null);
      if (st === null || st.mtimeMs > cutoff) continue;
      if (options.dryRun !== true) await rm(join(storeRoot, path), { force: true });
      out.push({ path, bytes: st.size, pid });
    }
  };
  await walk('objects');
  await walk('runs');
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
