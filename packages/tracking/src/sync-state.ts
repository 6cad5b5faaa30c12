import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '@hokusai/core';

/**
 * What a sync has delivered, per target server, kept next to the journal as
 * `<journal>.sync-state.json`. It only saves work: runs are also found again through their
 * `hokusai.journal_run_id` tag, so losing this file never duplicates a run.
 */
const targetSchema = z.object({
  runs: z.record(z.string(), z.string()),
  done: z.array(z.string()),
  /** Entries the server refused for good (a 4xx other than 408/429), with its answer: not sent again. */
  refused: z.record(z.string(), z.string()).optional(),
});
const stateSchema = z.object({ v: z.literal(1), targets: z.record(z.string(), targetSchema) });

export type SyncTargetState = z.infer<typeof targetSchema>;
export type SyncState = z.infer<typeof stateSchema>;

export function syncStatePath(journalPath: string): string {
  return `${journalPath}.sync-state.json`;
}

export async function loadSyncState(path: string): Promise<{ state: SyncState; note?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { state: { v: 1, targets: {} } };
  }
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { state: parsed.data };
  } catch {
    // fall through: a damaged state file is rebuilt from the server
  }
  return { state: { v: 1, targets: {} }, note: `Sync state ${path} was unreadable; rebuilt it from the server (runs are matched by their journal tag).` };
}

/** Writes through a temp name and renames, so a crash never leaves half a state file. */
export async function saveSyncState(path: string, state: SyncState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state)}\n`, { fsync: false });
}
