import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHED, WORKSPACE_ROOT } from './workspace-packages.js';

interface Manifest {
  exports: Record<string, string | { types?: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Whether the package's own declared types, reached from its entry points, name apache-arrow: its
 * contract then takes or gives an Arrow Table, which must be the consumer's copy of the library (a
 * second copy fails every `instanceof Table` and Arrow's own type checks).
 */
function contractNamesArrow(folder: string, manifest: Manifest): boolean {
  const root = join(WORKSPACE_ROOT, 'packages', folder);
  const pending = Object.values(manifest.exports).flatMap((e) => (typeof e === 'object' && e.types !== undefined ? [join(root, e.types)] : []));
  const seen = new Set<string>();
  // The package's own declaration files, followed through their relative imports and re-exports.
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
      if (specifier === 'apache-arrow') return true;
      if (specifier?.startsWith('.')) pending.push(join(dirname(file), specifier.replace(/\.js$/, '.d.ts')));
    }
  }
  return false;
}

describe.each(PUBLISHED)('@hokusai/%s', (folder) => {
  const manifest = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'packages', folder, 'package.json'), 'utf8')) as Manifest;
  it('takes apache-arrow as a peer (and dev) dependency exactly when its contract is an Arrow Table', () => {
    const arrow = contractNamesArrow(folder, manifest);
    const declared = { dependency: manifest.dependencies?.['apache-arrow'], peer: manifest.peerDependencies?.['apache-arrow'], dev: manifest.devDependencies?.['apache-arrow'] };
    if (arrow) {
      expect(declared.dependency, 'not a dependency: the consumer supplies the one copy').toBeUndefined();
      expect(declared.peer).toMatch(/^\^\d+\.\d+\.\d+$/);
      expect(declared.dev, 'the version tests and builds use').toBe(declared.peer?.slice(1));
    } else {
      expect(declared.peer).toBeUndefined();
    }
  });
});

// A guard on the check itself: the packages built on Arrow are found by it.
it('finds the Arrow contract of data-integration and training', () => {
  const manifest = (folder: string): Manifest => JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'packages', folder, 'package.json'), 'utf8')) as Manifest;
  expect(contractNamesArrow('data-integration', manifest('data-integration'))).toBe(true);
  expect(contractNamesArrow('training', manifest('training'))).toBe(true);
  expect(contractNamesArrow('evaluation', manifest('evaluation'))).toBe(false);
});
