import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const name = '@hokusai/training';
// Resolved through node_modules by the package's name, as a consumer resolves it.
const manifestPath = createRequire(import.meta.url).resolve(`${name}/package.json`);
const root = dirname(manifestPath);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
  name: string;
  files: string[];
  exports: Record<string, string | { types?: string; import?: string }>;
};

/** Names the declaration file exports as values (`export type` re-exports excluded). */
function valueExportsOf(declarationFile: string): string[] {
  const program = ts.createProgram([declarationFile], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(declarationFile);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${declarationFile} is not a module`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => !(symbol.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d)))
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
}

describe(`${name} as installed`, () => {
  it('exports its public surface with types', async () => {
    expect(manifest.name).toBe(name);
    expect(manifest.files).toContain('dist');
    // Every entry of `exports` points at files that exist in the built package.
    for (const [subpath, entry] of Object.entries(manifest.exports)) {
      const targets = typeof entry === 'string' ? [entry] : [entry.types, entry.import];
      for (const target of targets) {
        expect(target, `exports["${subpath}"]`).toBeDefined();
        expect(existsSync(join(root, target ?? '')), `exports["${subpath}"] → ${target}`).toBe(true);
      }
    }
    const main = manifest.exports['.'];
    if (typeof main !== 'object' || main.types === undefined) throw new Error('exports["."] has no types entry');
    // What the types promise is what the built module gives, name for name.
    const runtime: Record<string, unknown> = await import(name);
    const typed = valueExportsOf(join(root, main.types));
    expect(typed.length).toBeGreaterThan(0);
    expect(Object.keys(runtime).sort()).toEqual(typed);
    for (const key of typed) expect(runtime[key], key).toBeDefined();
  });
});
