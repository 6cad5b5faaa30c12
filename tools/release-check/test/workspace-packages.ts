import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

function readManifest(folder: string, root: string): Manifest {
  return JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as Manifest;
}

/**
 * The folders under packages/ whose package is published (not private), dependencies first: the
 * order `nx release publish` must follow. Read from the manifests, so a new package is checked too.
 */
function publishedFolders(root = WORKSPACE_ROOT): string[] {
  const folders = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((f) => !readManifest(f, root).private)
    .sort();
  const byName = new Map(folders.map((f) => [readManifest(f, root).name, f]));
  const ordered: string[] = [];
  const visit = (folder: string, path: string[]): void => {
    if (ordered.includes(folder)) return;
    if (path.includes(folder)) throw new Error(`dependency cycle: ${[...path, folder].join(' -> ')}`);
    for (const dep of Object.keys(readManifest(folder, root).dependencies ?? {})) {
      const depFolder = byName.get(dep);
      if (depFolder) visit(depFolder, [...path, folder]);
    }
    ordered.push(folder);
  };
  for (const folder of folders) visit(folder, []);
  return ordered;
}

export const PUBLISHED: readonly string[] = publishedFolders();

export function packageDir(name: string, root = WORKSPACE_ROOT): string {
  return join(root, 'packages', name);
}

export function packageVersion(name: string, root = WORKSPACE_ROOT): string {
  return readManifest(name, root).version;
}

/** `name` and every published package that depends on it, directly or through another. */
export function withDependents(name: string, root = WORKSPACE_ROOT): string[] {
  const found = new Set([name]);
  for (const folder of PUBLISHED) {
    const deps = Object.keys(readManifest(folder, root).dependencies ?? {});
    if (deps.some((d) => [...found].some((f) => d === `@hokusai/${f}`))) found.add(folder);
  }
  return PUBLISHED.filter((f) => found.has(f));
}

/** `npm pack` of every published package into `destination` (one npm process); returns each tarball's path. */
export function packAll(destination: string): Map<string, string> {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...PUBLISHED.flatMap((n) => ['-w', `packages/${n}`])], {
    cwd: WORKSPACE_ROOT,
    encoding: 'utf8',
  });
  const infos = JSON.parse(out) as { name: string; filename: string }[];
  const tarballs = new Map<string, string>();
  for (const name of PUBLISHED) {
    const info = infos.find((i) => i.name === `@hokusai/${name}`);
    if (!info) throw new Error(`npm pack made no tarball for @hokusai/${name}`);
    tarballs.set(name, join(destination, info.filename));
  }
  return tarballs;
}
