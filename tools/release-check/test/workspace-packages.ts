import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The published packages in dependency order: leaves first, then the orchestrator, then the command. */
export const PUBLISHED = ['data-integration', 'evaluation', 'attestation', 'tracking', 'training', 'orchestrator', 'server', 'cli'] as const;
export type PublishedName = (typeof PUBLISHED)[number];

export function packageDir(name: PublishedName, root = WORKSPACE_ROOT): string {
  return join(root, 'packages', name);
}

export function packageVersion(name: PublishedName, root = WORKSPACE_ROOT): string {
  return (JSON.parse(readFileSync(join(packageDir(name, root), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `npm pack` of every published package into `destination` (one npm process); returns each tarball's path. */
export function packAll(destination: string): Map<PublishedName, string> {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...PUBLISHED.flatMap((n) => ['-w', `packages/${n}`])], {
    cwd: WORKSPACE_ROOT,
    encoding: 'utf8',
  });
  const infos = JSON.parse(out) as { name: string; filename: string }[];
  const tarballs = new Map<PublishedName, string>();
  for (const name of PUBLISHED) {
    const info = infos.find((i) => i.name === `@hokusai/${name}`);
    if (!info) throw new Error(`npm pack made no tarball for @hokusai/${name}`);
    tarballs.set(name, join(destination, info.filename));
  }
  return tarballs;
}
