import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Path of a compiled worker script, `name` relative to the package's source root (e.g.
 * 'train-worker.js'); when running from sources (tests) the built copy in dist/ is used.
 */
export function workerScript(name: string): string | null {
  for (const url of [new URL(`./${name}`, import.meta.url), new URL(`../dist/${name}`, import.meta.url)]) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}
