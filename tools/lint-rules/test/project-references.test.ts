import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// TypeScript project references let `tsc -b` and editors read a workspace dependency's current
// sources instead of its last build. They only do so when each project's references name every
// workspace package it imports, so they are checked against the package.json files here.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface TsConfig {
  files?: string[];
  compilerOptions?: { composite?: boolean; noEmit?: boolean };
  references?: { path: string }[];
}
interface Project {
  dir: string;
  manifest: Manifest;
  hasLib: boolean;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const projects = new Map<string, Project>();
for (const group of ['packages', 'tools']) {
  for (const name of readdirSync(join(repo, group))) {
    const dir = join(repo, group, name);
    if (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'tsconfig.json'))) continue;
    const manifest = readJson<Manifest>(join(dir, 'package.json'));
    projects.set(manifest.name, { dir, manifest, hasLib: existsSync(join(dir, 'tsconfig.lib.json')) });
  }
}

/** Workspace packages named in the given dependency blocks, as the tsconfig.lib.json paths a reference would name. */
function expectedReferences(from: Project, blocks: (Record<string, string> | undefined)[]): string[] {
  const names = new Set(blocks.flatMap((block) => Object.keys(block ?? {})));
  names.delete(from.manifest.name);
  return [...names]
    .filter((name) => projects.has(name))
    .map((name) => relative(from.dir, join(projects.get(name)!.dir, 'tsconfig.lib.json')))
    .sort();
}
const referencesOf = (config: TsConfig): string[] => (config.references ?? []).map((r) => r.path).sort();

describe('TypeScript project references', () => {
  it('finds the workspace projects', () => {
    expect(projects.size).toBeGreaterThanOrEqual(10);
    expect(projects.has('@hokusai/core')).toBe(true);
  });

  it.each([...projects.keys()])('%s: its build is composite and references what its shipped code depends on', (name) => {
    const project = projects.get(name)!;
    if (!project.hasLib) return;
    const lib = readJson<TsConfig>(join(project.dir, 'tsconfig.lib.json'));
    expect(lib.compilerOptions?.composite).toBe(true);
    expect(referencesOf(lib)).toEqual(expectedReferences(project, [project.manifest.dependencies, project.manifest.peerDependencies]));
  });

  it.each([...projects.keys()])('%s: its typecheck builds through references to itself and every workspace dependency', (name) => {
    const project = projects.get(name)!;
    const config = readJson<TsConfig>(join(project.dir, 'tsconfig.json'));
    const { dependencies, peerDependencies, devDependencies } = project.manifest;
    const own = project.hasLib ? ['./tsconfig.lib.json'] : [];
    expect(referencesOf(config)).toEqual([...own, ...expectedReferences(project, [dependencies, peerDependencies, devDependencies])].sort());
    expect(project.manifest.scripts?.typecheck).toBe('tsc -b tsconfig.json');
  });

  it('the root tsconfig.json is a solution naming every project and compiling nothing itself', () => {
    const solution = readJson<TsConfig>(join(repo, 'tsconfig.json'));
    expect(solution.files).toEqual([]);
    expect(referencesOf(solution)).toEqual([...projects.values()].map((p) => relative(repo, p.dir)).sort());
  });
});
