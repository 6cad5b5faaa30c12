import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { declarationExports } from './declaration-exports.js';

type ExportEntry = string | { types?: string; import?: string };

/**
 * Every name (value or type) each entry point of an installed package exports whose README does
 * not name it, keyed by specifier (`@hokusai/training`, `@hokusai/training/search`); entry points
 * whose every export is named are left out, so a fully documented package gives `{}`.
 * The package is resolved by name from `from` (a test's `import.meta.url`), as a consumer meets it.
 */
export function undocumentedExports(name: string, from: string): Record<string, string[]> {
  const manifestPath = createRequire(from).resolve(`${name}/package.json`);
  const root = dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, ExportEntry> };
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const missing: Record<string, string[]> = {};
  for (const [subpath, entry] of Object.entries(manifest.exports)) {
    const types = typeof entry === 'string' ? (entry.endsWith('.d.ts') ? entry : undefined) : entry.types;
    if (types === undefined) continue;
    const names = exportedNames(join(root, types)).filter((exported) => !new RegExp(`\\b${exported}\\b`).test(readme));
    if (names.length > 0) missing[subpath === '.' ? name : `${name}/${subpath.slice(2)}`] = names;
  }
  return missing;
}

/** Every name a declaration file exports, types included. */
export function exportedNames(declarationFile: string): string[] {
  return declarationExports(declarationFile)
    .symbols.map((symbol) => symbol.name)
    .sort();
}
