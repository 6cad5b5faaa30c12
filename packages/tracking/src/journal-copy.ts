import { resolve } from 'node:path';
import { writeFileAtomic } from '@hokusai/core';
import { readJournal } from './journal.js';
import { fromJournalPath, toJournalPath } from './journal-paths.js';

/**
 * Copies a journal to another folder, rewriting the local paths it holds (stored relative to the
 * journal's folder) so they still name the same files from the new place. A run journaled live
 * in one folder (e.g. the run store) and kept beside its results in another then still syncs.
 * With `runs`, only those journal runs and the runs nested under them are copied. The copy is
 * written to a temporary name and renamed: a reader never sees half of it.
 */
export async function copyJournal(from: string, to: string, options: { runs?: readonly string[] } = {}): Promise<void> {
  const source = resolve(from);
  const target = resolve(to);
  const { entries } = await readJournal(source);
  let kept = entries;
  if (options.runs !== undefined) {
    // The runs asked for and every run nested under them (a parent starts before its children).
    const wanted = new Set(options.runs);
    for (const e of entries) if (e.op === 'startRun' && e.parentRun !== undefined && wanted.has(e.parentRun)) wanted.add(e.run);
    kept = entries.filter((e) => wanted.has(e.run));
  }
  const lines = kept.map((entry) => {
    if (entry.op !== 'artifact' && entry.op !== 'logModel') return JSON.stringify(entry);
    return JSON.stringify({ ...entry, localPath: toJournalPath(target, fromJournalPath(source, entry.localPath)) });
  });
  await writeFileAtomic(target, lines.map((l) => `${l}\n`).join(''));
}
