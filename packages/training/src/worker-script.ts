import { builtScript } from '@hokusai/core';

/**
 * Path of a compiled worker script, `name` relative to the package's source root (e.g.
 * 'train-worker.js'); when running from sources (tests) the built copy in dist/ is used.
 */
export function workerScript(name: string): string | null {
  return builtScript([new URL(`./${name}`, import.meta.url), new URL(`../dist/${name}`, import.meta.url)]);
}
