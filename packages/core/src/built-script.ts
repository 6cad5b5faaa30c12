import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of a compiled script, such as a worker thread's entry: the first of `candidates` that
 * exists. A module passes its sibling (found when it runs built, from dist/) and the same file
 * under its package's dist/ (found when it runs from sources, as tests do); null when neither is built.
 */
export function builtScript(candidates: readonly URL[]): string | null {
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}
