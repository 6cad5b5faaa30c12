import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of a compiled script, such as a worker thread's entry: the first of `candidates` that
 * exists. A module passes its sibling (found when it runs built, from dist/) and the same file
 * under its package's dist/ (found when it runs from sources, as tests do); null when neither is built.
 *
 * Where the build bundled a candidate `x.js` into `x.bundle.js` (scripts/bundle-workers.mjs),
 * the bundle is taken: a thread then compiles one file instead of resolving a few hundred modules.
 * A bundle older than its entry (the entry rebuilt by tsc alone) is passed over, so it never runs
 * stale code.
 */
export function builtScript(candidates: readonly URL[]): string | null {
  for (const url of candidates) {
    const path = fileURLToPath(url);
    const bundled = path.endsWith('.js') ? `${path.slice(0, -3)}.bundle.js` : null;
    const entry = statSync(path, { throwIfNoEntry: false });
    const bundle = bundled === null ? undefined : statSync(bundled, { throwIfNoEntry: false });
    if (bundle !== undefined && (entry === undefined || bundle.mtimeMs >= entry.mtimeMs)) return bundled;
    if (entry !== undefined) return path;
  }
  return null;
}
