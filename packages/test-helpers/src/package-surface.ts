import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { declarationExports } from './declaration-exports.js';

export interface PackageSurface {
  manifest: { name: string; files: string[]; exports: Record<string, string | { types?: string; import?: string }> };
  /** `exports` entries whose target is missing from the built package, as "subpath → target". */
  missingTargets: string[];
  /** Names the `.` entry's declaration file exports as values (type-only re-exports excluded). */
  typedValues: string[];
  /** Names the built module gives at run time, and their values. */
  runtime: Record<string, unknown>;
}

/**
 * A package as a consumer meets it: resolved by name through node_modules from `from` (a test's
 * `import.meta.url`), its manifest, whether every `exports` target exists, and what its types
 * promise against what its module gives.
 */
export async function inspectPackageSurface(name: string, from: string): Promise<PackageSurface> {
  const manifestPath = createRequire(from).resolve(`${name}/package.json`);
  const root = dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageSurface['manifest'];
  const missingTargets: string[] = [];
  for (const [subpath, entry] of Object.entries(manifest.exports)) {
    const targets = typeof entry === 'string' ? [entry] : [entry.types, entry.import];
    for (const target of targets) if (target === undefined || !existsSync(join(root, target))) missingTargets.push(`${subpath} → ${String(target)}`);
  }
  const main = manifest.exports['.'];
  if (typeof main !== 'object' || main.types === undefined) throw new Error(`${name}: exports["."] has no types entry`);
  const runtime = (await import(name)) as Record<string, unknown>;
  return { manifest, missingTargets, typedValues: valueExportsOf(join(root, main.types)), runtime };
}

function valueExportsOf(declarationFile: string): string[] {
  const { checker, symbols } = declarationExports(declarationFile);
  return symbols
    .filter((symbol) => !(symbol.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d)))
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
}
