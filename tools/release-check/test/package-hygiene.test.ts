import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import type { ResolutionKind } from '@arethetypeswrong/core/types';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED, WORKSPACE_ROOT, packAll } from './workspace-packages.js';

// The packages are ES modules only; CommonJS consumers load them through require(esm) (Node
// 20.19+), which TypeScript's node16-cjs resolution (and node10) do not model. These are the
// resolutions `attw --profile esm-only` ignores; every other problem fails the test.
const IGNORED_RESOLUTIONS: readonly ResolutionKind[] = ['node10', 'node16-cjs'];

let folder: string;
let tarballs: Map<string, string>;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'hokusai-tarballs-'));
  tarballs = packAll(folder);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function tarballBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(tarballs.get(name) as string));
}

describe.each(PUBLISHED)('@hokusai/%s tarball', (name) => {
  it('has no publint error or warning', async () => {
    const bytes = tarballBytes(name);
    const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer as ArrayBuffer }, level: 'suggestion' });
    const lines = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    console.log(`publint @hokusai/${name}: ${lines.length === 0 ? 'no messages' : `\n  ${lines.join('\n  ')}`}`);
    expect(messages.filter((m) => m.type !== 'suggestion')).toEqual([]);
  });

  it('ships, beside each bundled worker entry, the license of every third-party package in it', () => {
    const tarball = tarballs.get(name) as string;
    const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const bundle of list.filter((f) => f.endsWith('.bundle.js'))) {
      expect(list).toContain(`${bundle}.LICENSE.txt`);
      const code = spawnSync('tar', ['-xzOf', tarball, bundle], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
      const notices = spawnSync('tar', ['-xzOf', tarball, `${bundle}.LICENSE.txt`], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
      // Every package whose modules esbuild marked in the bundle ("// node_modules/<name>/...").
      const bundled = new Set([...code.matchAll(/^\/\/ (?:\.\.\/)*node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)].map((m) => m[1] as string));
      expect(bundled.size).toBeGreaterThan(0);
      for (const pkg of bundled) {
        const version = (JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
        expect(notices, `${bundle} holds ${pkg}`).toContain(`${pkg} ${version} (`);
      }
    }
  });

  it('has types that resolve for ESM, bundler and require(esm) consumers (arethetypeswrong)', async () => {
    const analysis = await checkPackage(createPackageFromTarballData(tarballBytes(name)));
    if (!analysis.types) throw new Error(`@hokusai/${name} ships no types`);
    const table = Object.entries(analysis.entrypoints).map(([entry, info]) =>
      `  "${entry}": ${Object.entries(info.resolutions).map(([kind, r]) => `${kind} ${r.resolution?.fileName.replace(/^\/node_modules\/@hokusai\/[^/]+\//, '') ?? 'unresolved'}`).join(', ')}`,
    );
    const problems = analysis.problems.filter((p) => !('resolutionKind' in p) || !IGNORED_RESOLUTIONS.includes(p.resolutionKind));
    console.log(`attw @hokusai/${name}@${analysis.packageVersion}: ${problems.length} problems\n${table.join('\n')}`);
    expect(problems).toEqual([]);
  });

  it('ships LICENSE, README, CHANGELOG, src and source maps with their sources', () => {
    const tarball = tarballs.get(name) as string;
    const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
    for (const file of ['package/LICENSE', 'package/README.md', 'package/CHANGELOG.md', 'package/package.json', 'package/dist/index.js', 'package/dist/index.js.map', 'package/src/index.ts']) {
      expect(list).toContain(file);
    }
    const map = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/dist/index.js.map'], { encoding: 'utf8' }).stdout) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources).toEqual(['../src/index.ts']);
    expect(map.sourcesContent?.[0]).toBe(readFileSync(join(WORKSPACE_ROOT, 'packages', name, 'src/index.ts'), 'utf8'));
    expect(readFileSync(join(WORKSPACE_ROOT, 'packages', name, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('declares a public publish, its repository, homepage and bugs', () => {
    const manifest = JSON.parse(spawnSync('tar', ['-xzOf', tarballs.get(name) as string, 'package/package.json'], { encoding: 'utf8' }).stdout) as Record<string, unknown>;
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${name}` });
    expect(typeof manifest.homepage).toBe('string');
    expect(manifest.bugs).toHaveProperty('url');
    expect(manifest.license).toBe('Apache-2.0');
  });
});

describe('CommonJS consumers', () => {
  it('require() each package by name', () => {
    const run = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'tools/release-check/test/require-each.cjs'), ...PUBLISHED], { encoding: 'utf8', cwd: WORKSPACE_ROOT });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(PUBLISHED.map((n) => expect.stringMatching(new RegExp(`^@hokusai/${n} \\d+ exports$`))));
  });
});
