import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerEnv, consumerZkCache, makeConsumer, npmInstall, run } from './consumer.js';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';
import { exampleModule, readmeExamples } from './readme-examples.js';
import { PUBLISHED, WORKSPACE_ROOT, packageDir, packageVersion, withDependents } from './workspace-packages.js';

// A release as a team would make one, from a clone of this repository: a fix to one package, `nx
// release` versions it and its dependents, writes their changelog sections and tags them, `nx
// release publish` puts every package on a local Verdaccio, and consumers in empty folders outside
// the workspace install from it and run what the READMEs say.

const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'Release Check', GIT_AUTHOR_EMAIL: 'release-check@localhost', GIT_COMMITTER_NAME: 'Release Check', GIT_COMMITTER_EMAIL: 'release-check@localhost' };
// The package the release fixes, and what nx release must bump with it.
const DEPENDENTS_OF_EVALUATION = withDependents('evaluation');

let folder: string;
let clone: string;
let registry: LocalRegistry;
const before = new Map<string, string>();
const after = new Map<string, string>();

function nxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...GIT_IDENTITY, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true', ...extra };
}

function patchBump(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number);
  return `${major}.${minor}.${(patch as number) + 1}`;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'hokusai-release-'));
  mkdirSync(join(folder, 'registry'));
  registry = await startLocalRegistry(join(folder, 'registry'));
  // A clean clone of the committed tree, with the workspace's installed dependencies and builds.
  clone = join(folder, 'clone');
  execFileSync('git', ['clone', '--quiet', WORKSPACE_ROOT, clone]);
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(clone, 'node_modules'));
  for (const name of PUBLISHED) {
    cpSync(join(packageDir(name), 'dist'), join(packageDir(name, clone), 'dist'), { recursive: true });
    before.set(name, packageVersion(name, clone));
  }
});

afterAll(async () => {
  await registry?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('nx release', () => {
  it('versions a fixed package and its dependents, writes their changelog sections and tags them', () => {
    appendFileSync(join(packageDir('evaluation', clone), 'README.md'), '\n');
    execFileSync('git', ['commit', '--quiet', '-am', 'fix(evaluation): end the README with a blank line'], { cwd: clone, env: nxEnv() });
    const release = run('npx', ['nx', 'release', '--skip-publish'], clone, nxEnv());
    expect(release.status, release.stdout + release.stderr).toBe(0);

    for (const name of PUBLISHED) after.set(name, packageVersion(name, clone));
    for (const name of PUBLISHED) {
      const expected = DEPENDENTS_OF_EVALUATION.includes(name) ? patchBump(before.get(name) as string) : before.get(name);
      expect(after.get(name), `@hokusai/${name}`).toBe(expected);
    }
    const cli = JSON.parse(readFileSync(join(packageDir('cli', clone), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(cli.dependencies['@hokusai/evaluation']).toBe(after.get('evaluation'));
    expect(cli.dependencies['@hokusai/orchestrator']).toBe(after.get('orchestrator'));

    const changelog = readFileSync(join(packageDir('evaluation', clone), 'CHANGELOG.md'), 'utf8');
    expect(changelog.startsWith(`## ${after.get('evaluation')} (`)).toBe(true);
    expect(changelog).toContain('end the README with a blank line');
    // The hand-written history stays below the generated section.
    expect(changelog).toContain(readFileSync(join(packageDir('evaluation'), 'CHANGELOG.md'), 'utf8').split('\n')[0]);
    expect(readFileSync(join(packageDir('cli', clone), 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## ${after.get('cli')?.replaceAll('.', '\\.')} [^\\n]*\\n\\n### .*Updated Dependencies\\n\\n- Updated @hokusai/orchestrator to ${after.get('orchestrator')?.replaceAll('.', '\\.')}`));

    const tags = execFileSync('git', ['tag', '--points-at', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim().split('\n').sort();
    expect(tags).toEqual(DEPENDENTS_OF_EVALUATION.map((n) => `@hokusai/${n}@${after.get(n)}`).sort());
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  });

  it('publishes every package to the registry, each after the packages it depends on', () => {
    const publish = run('npx', ['nx', 'release', 'publish', '--registry', `${registry.url}/`], clone, nxEnv({ npm_config_userconfig: registry.npmrc }));
    expect(publish.status, publish.stdout + publish.stderr).toBe(0);
    const published = new Map<string, number>();
    for (const name of PUBLISHED) {
      const doc = JSON.parse(execFileSync('npm', ['view', `@hokusai/${name}`, '--json', '--registry', `${registry.url}/`], { encoding: 'utf8', env: consumerEnv() })) as { version: string; time: Record<string, string>; dependencies?: Record<string, string> };
      expect(doc.version, `@hokusai/${name}`).toBe(after.get(name));
      published.set(`@hokusai/${name}`, Date.parse(doc.time[doc.version] as string));
    }
    for (const name of PUBLISHED) {
      const manifest = JSON.parse(readFileSync(join(packageDir(name, clone), 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@hokusai/'))) {
        expect(published.get(dep), `${dep} before @hokusai/${name}`).toBeLessThanOrEqual(published.get(`@hokusai/${name}`) as number);
      }
    }
  });
});

describe('a consumer of the published packages', () => {
  it('installs @hokusai/cli alone, runs the quickstart with a proof and verifies it', { timeout: 2_400_000 }, () => {
    const consumer = makeConsumer(join(folder, 'cli-consumer'), registry.url);
    const env = consumerEnv({ HOKUSAI_PII_KEY: 'release-check-pii-key-0123456789', HOKUSAI_ZK_CACHE: consumerZkCache() });
    const install = npmInstall(consumer, registry.url, [`@hokusai/cli@${after.get('cli')}`], env);
    expect(install.status, install.stdout + install.stderr).toBe(0);
    const data = join(consumer, 'quickstart');
    mkdirSync(data);
    for (const file of readdirSync(join(WORKSPACE_ROOT, 'examples/quickstart'))) copyFileSync(join(WORKSPACE_ROOT, 'examples/quickstart', file), join(data, file));

    // The counting proof on all 1,000 rows; the inference proof (on by default, 167 chunks here) is
    // proven on small benchmarks by the cli and orchestrator tests.
    const pipeline = run('npx', ['hokusai', 'run', '--config', 'quickstart/hokusai.config.json', '--out', 'results', '--no-prove-inference'], consumer, env, 1_800_000);
    expect(pipeline.status, pipeline.stdout + pipeline.stderr).toBe(0);
    const attestation = JSON.parse(readFileSync(join(consumer, 'results', 'attestation.json'), 'utf8')) as { proof?: unknown };
    expect(attestation.proof).toBeTruthy();
    const verify = run('npx', ['hokusai', 'verify', 'results', '--allow-unproven-inference'], consumer, env);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    console.log(`consumer: npm install @hokusai/cli ${(install.ms / 1000).toFixed(1)} s, hokusai run ${(pipeline.ms / 1000).toFixed(1)} s, hokusai verify ${(verify.ms / 1000).toFixed(1)} s`);
    console.log(`hokusai run:\n${pipeline.stdout}\nhokusai verify:\n${verify.stdout}`);

    // The same folder, every package named: each loads through require() from CommonJS.
    const all = npmInstall(consumer, registry.url, PUBLISHED.map((n) => `@hokusai/${n}@${after.get(n)}`), env);
    expect(all.status, all.stdout + all.stderr).toBe(0);
    copyFileSync(join(WORKSPACE_ROOT, 'tools/release-check/test/require-each.cjs'), join(consumer, 'require-each.cjs'));
    const required = run(process.execPath, ['require-each.cjs', ...PUBLISHED], consumer, env);
    expect(required.status, required.stderr).toBe(0);
    expect(required.stdout.trim().split('\n')).toHaveLength(PUBLISHED.length);
  });

  it('installs @hokusai/evaluation alone and runs its README example', () => {
    const consumer = makeConsumer(join(folder, 'evaluation-consumer'), registry.url);
    const env = consumerEnv();
    const install = npmInstall(consumer, registry.url, [`@hokusai/evaluation@${after.get('evaluation')}`], env);
    expect(install.status, install.stdout + install.stderr).toBe(0);
    // evaluation and the one package below every leaf, nothing else of ours.
    expect(readdirSync(join(consumer, 'node_modules', '@hokusai')).sort()).toEqual(['core', 'evaluation']);
    const [example] = readmeExamples(join(packageDir('evaluation', clone), 'README.md'));
    if (!example) throw new Error('the evaluation README has no example');
    writeFileSync(join(consumer, 'example.mjs'), exampleModule(example));
    const ran = run(process.execPath, ['example.mjs'], consumer, env);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('NOT_SIGNIFICANT');
    expect(existsSync(join(consumer, 'node_modules', '@hokusai', 'evaluation', 'LICENSE'))).toBe(true);
    console.log(`consumer: npm install @hokusai/evaluation ${(install.ms / 1000).toFixed(1)} s; README example printed:\n${ran.stdout}`);
  });
});
