import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Local paths in a journal are stored relative to the journal's folder, `/`-separated: the output
 * folder can be moved or copied to another machine and its journal still finds its files.
 */
export function toJournalPath(journalPath: string, localPath: string): string {
  const rel = relative(dirname(resolve(journalPath)), resolve(localPath));
  return rel.split(sep).join('/');
}

/** The absolute path of a journaled local path (older journals hold absolute paths). */
export function fromJournalPath(journalPath: string, stored: string): string {
  return isAbsolute(stored) ? stored : resolve(dirname(resolve(journalPath)), ...stored.split('/'));
}
