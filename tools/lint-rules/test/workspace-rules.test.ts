import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The rules are checked on a temporary copy of the workspace (manifests, tsconfigs, sources), so
// probe files that break them never touch the repository that other tasks read at the same time.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/** Probe files by path in the copy; each either breaks one rule or keeps to all of them. */
const probes: Record<string, string> = {
  // A leaf importing another leaf, and a leaf importing the orchestrator.
  'packages/evaluation/src/probe-cross-leaf.ts': "export { canonicalJson } from '@hokusai/attestation';\n",
  'packages/data-integration/src/probe-leaf-to-orchestrator.ts': "export { runPipeline } from '@hokusai/orchestrator';\n",
  // Allowed: the orchestrator reads leaves; the CLI reads the orchestrator and leaves.
  'packages/orchestrator/src/probe-allowed.ts': "export { trainModel } from '@hokusai/training';\nexport { computeDelta } from '@hokusai/evaluation';\n",
  'packages/cli/src/probe-allowed.ts': "export { runPipeline } from '@hokusai/orchestrator';\nexport { MlflowClient } from '@hokusai/tracking';\n",
  // The base package: any package may import it; it imports no other package of ours.
  'packages/evaluation/src/probe-core.ts': "export { HokusaiError } from '@hokusai/core';\n",
  'packages/core/src/probe-core-to-leaf.ts': "export { canonicalJson } from '@hokusai/attestation';\n",
  // Another package's test/ folder, by a relative path.
  'packages/orchestrator/test/probe-test-folder.test.ts': "export { startMlflowServer } from '../../tracking/test/mlflow-server.js';\n",
  // The private test-helpers package: fine from a test, not from shipped code.
  'packages/evaluation/test/probe-helpers.test.ts': "export { helper } from '@hokusai/test-helpers';\n",
  'packages/evaluation/src/probe-helpers.ts': "export { helper } from '@hokusai/test-helpers';\n",
  // A promise nobody awaits, and one used as a condition and as a void callback.
  'packages/tracking/src/probe-floating.ts': [
    'async function save(): Promise<void> {}',
    'export function run(): void {',
    '  save();',
    '}',
    '',
  ].join('\n'),
  'packages/tracking/src/probe-misused.ts': [
    'const ready: Promise<boolean> = Promise.resolve(true);',
    'export function check(): number {',
    '  if (ready) return 1;',
    '  return 0;',
    '}',
    'export function each(items: string[]): void {',
    '  items.forEach(async (item) => { await Promise.resolve(item); });',
    '}',
    '',
  ].join('\n'),
  // A step output read back by a cast instead of through a typed step reference.
  'packages/orchestrator/src/probe-output-cast.ts': [
    "import type { StepContext } from './engine/step.js';",
    'interface TrainOutput { onnx: Uint8Array }',
    'export function onnxOf(ctx: StepContext, outputs: Map<string, unknown>): Uint8Array[] {',
    '  return [(ctx.inputs.train_new as TrainOutput).onnx, (outputs.get(\'train_new\') as { onnx: Uint8Array }).onnx];',
    '}',
    '',
  ].join('\n'),
  // Kept to every rule: awaited promises.
  'packages/tracking/src/probe-awaited.ts': [
    'async function save(): Promise<void> {}',
    'export async function run(): Promise<void> {',
    '  await save();',
    '  void save();',
    '}',
    '',
  ].join('\n'),
  // A function of 121 counted lines in shipped code; one of 104 counted lines padded past 120 by
  // blank lines and comments; and a long function in a test file.
  'packages/server/src/probe-long.ts': longFunction(118, 0),
  'packages/server/src/probe-padded.ts': longFunction(101, 40),
  'packages/server/test/probe-long.test.ts': longFunction(150, 0),
};

/** A function of `statements` + 3 counted lines (signature, return, brace), with `padding` blank and comment lines. */
function longFunction(statements: number, padding: number): string {
  const lines = ['export function long(): number {', '  let x = 0;'];
  for (let i = 1; i < statements; i++) lines.push('  x += 1;');
  for (let i = 0; i < padding; i++) lines.push(i % 2 === 0 ? '' : '  // a comment');
  lines.push('  return x;', '}', '');
  return lines.join('\n');
}

/** A stand-in for the private test-helpers package, tagged as the workspace expects it to be. */
function addTestHelpers(root: string): void {
  const dir = join(root, 'packages/test-helpers');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const manifest = {
    name: '@hokusai/test-helpers',
    version: '0.1.0',
    private: true,
    type: 'module',
    exports: { '.': { types: './src/index.ts', import: './src/index.ts' } },
    nx: { tags: ['scope:test'] },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }));
  // The packages' tsconfig.json files reference it as a project.
  const lib = { extends: '../../tsconfig.base.json', compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist' }, include: ['src/**/*.ts'] };
  writeFileSync(join(dir, 'tsconfig.lib.json'), JSON.stringify(lib));
  writeFileSync(join(dir, 'src/index.ts'), 'export const helper = 1;\n');
}

function copyWorkspace(root: string): void {
  for (const file of ['nx.json', 'package.json', 'tsconfig.base.json', 'tsconfig.json', 'eslint.config.js']) cpSync(join(repo, file), join(root, file));
  for (const group of ['packages', 'tools']) {
    for (const name of readdirSync(join(repo, group))) {
      const from = join(repo, group, name);
      if (!existsSync(join(from, 'package.json'))) continue;
      for (const entry of readdirSync(from)) {
        if (entry === 'package.json' || /^tsconfig.*\.json$/.test(entry) || entry === 'src') {
          cpSync(join(from, entry), join(root, group, name, entry), { recursive: true });
        }
      }
    }
  }
  linkNodeModules(root);
}

/**
 * The copy borrows the repository's installed packages, but not its workspace links: npm links
 * node_modules/@hokusai/* to the repository's own packages/ and tools/, and a whole-folder symlink
 * would carry those links over. Since the manifests' exports gained a "default" condition, Nx's
 * import resolution (require.resolve) follows such a link to the repository's dist/, a file outside
 * the copy that belongs to no project of it, and gives up instead of falling back to the package
 * names, so every @hokusai/* import would read as an unresolvable dependency. Each workspace link
 * is therefore made again to point at the copy's own package.
 */
function linkNodeModules(root: string): void {
  const from = join(repo, 'node_modules');
  const to = join(root, 'node_modules');
  const inWorkspace = (path: string): boolean => {
    if (!existsSync(path)) return false;
    const real = realpathSync(path);
    return real.startsWith(repo + sep) && !real.startsWith(from + sep);
  };
  mkdirSync(to);
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const scoped = entry.startsWith('@') && lstatSync(source).isDirectory();
    if (scoped && readdirSync(source).some((name) => inWorkspace(join(source, name)))) {
      mkdirSync(join(to, entry));
      for (const name of readdirSync(source)) {
        const linked = join(source, name);
        const target = inWorkspace(linked) ? join(root, relative(repo, realpathSync(linked))) : linked;
        symlinkSync(target, join(to, entry, name), 'dir');
      }
    } else if (!scoped && lstatSync(source).isSymbolicLink() && inWorkspace(source)) {
      symlinkSync(join(root, relative(repo, realpathSync(source))), join(to, entry), 'dir');
    } else {
      symlinkSync(source, join(to, entry), lstatSync(source).isDirectory() ? 'dir' : 'file');
    }
  }
}

/** Nx's environment from a surrounding `nx run` would point the child at the repository's graph. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('NX_')) env[key] = value;
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
}

let root: string;
const byFile = new Map<string, LintMessage[]>();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hokusai-lint-rules-'));
  copyWorkspace(root);
  addTestHelpers(root);
  for (const [path, text] of Object.entries(probes)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  // The Nx rules read the cached project graph, as they do under `nx run <project>:lint`.
  execFileSync(process.execPath, [join(repo, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: root, env: childEnv(), stdio: 'pipe' });
  const files = [...Object.keys(probes), 'packages/evaluation/package.json'];
  const eslint = spawnSync(process.execPath, [join(repo, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...files], {
    cwd: root,
    env: childEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (eslint.status !== 0 && eslint.status !== 1) throw new Error(`eslint exited ${eslint.status}: ${eslint.stderr}`);
  for (const result of JSON.parse(eslint.stdout) as LintResult[]) {
    byFile.set(result.filePath.slice(root.length + 1), result.messages);
  }
});

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function rules(path: string): (string | null)[] {
  const messages = byFile.get(path);
  if (messages === undefined) throw new Error(`${path} was not linted`);
  return messages.map((m) => m.ruleId);
}
function text(path: string): string {
  return (byFile.get(path) ?? []).map((m) => `${m.ruleId}: ${m.message}`).join('\n');
}

describe('the workspace lint configuration', () => {
  it('parses every probe with type information (no parsing errors)', () => {
    for (const path of Object.keys(probes)) expect(rules(path), text(path)).not.toContain(null);
  });

  it('fails a leaf package that imports another leaf', () => {
    expect(rules('packages/evaluation/src/probe-cross-leaf.ts')).toContain('@nx/enforce-module-boundaries');
    expect(text('packages/evaluation/src/probe-cross-leaf.ts')).toMatch(/scope:leaf/);
  });

  it('fails a leaf package that imports the orchestrator', () => {
    expect(rules('packages/data-integration/src/probe-leaf-to-orchestrator.ts')).toContain('@nx/enforce-module-boundaries');
  });

  it('lets the orchestrator import leaves and the CLI import the orchestrator and leaves', () => {
    expect(text('packages/orchestrator/src/probe-allowed.ts')).toBe('');
    expect(text('packages/cli/src/probe-allowed.ts')).toBe('');
  });

  it('lets a leaf import the base package, and fails the base package importing a leaf', () => {
    expect(text('packages/evaluation/src/probe-core.ts')).toBe('');
    expect(rules('packages/core/src/probe-core-to-leaf.ts')).toContain('@nx/enforce-module-boundaries');
    // Every leaf depends on core, so the rule reports the cycle (or the tags, were there none).
    expect(text('packages/core/src/probe-core-to-leaf.ts')).toMatch(/scope:core|Circular dependency/);
  });

  it("fails a test that imports another package's test/ folder", () => {
    expect(rules('packages/orchestrator/test/probe-test-folder.test.ts')).toContain('no-restricted-imports');
  });

  it('lets tests, and only tests, import the private test-helpers package', () => {
    expect(text('packages/evaluation/test/probe-helpers.test.ts')).toBe('');
    expect(rules('packages/evaluation/src/probe-helpers.ts')).toContain('@nx/enforce-module-boundaries');
  });

  it('fails a package.json that does not declare a workspace package its code imports', () => {
    expect(rules('packages/evaluation/package.json')).toContain('@nx/dependency-checks');
    expect(text('packages/evaluation/package.json')).toMatch(/@hokusai\/attestation/);
  });

  it('fails a shipped function over 120 lines, not counting blank lines and comments, and not in tests', () => {
    expect(rules('packages/server/src/probe-long.ts')).toEqual(['max-lines-per-function']);
    expect(text('packages/server/src/probe-long.ts')).toMatch(/\(121\)/);
    expect(text('packages/server/src/probe-padded.ts')).toBe('');
    expect(text('packages/server/test/probe-long.test.ts')).toBe('');
  });

  it('fails a cast of a step output in the orchestrator', () => {
    expect(rules('packages/orchestrator/src/probe-output-cast.ts')).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
  });

  it('fails a floating promise and a promise used as a condition or a void callback', () => {
    expect(rules('packages/tracking/src/probe-floating.ts')).toEqual(['@typescript-eslint/no-floating-promises']);
    expect(rules('packages/tracking/src/probe-misused.ts')).toEqual([
      '@typescript-eslint/no-misused-promises',
      '@typescript-eslint/no-misused-promises',
    ]);
    expect(text('packages/tracking/src/probe-awaited.ts')).toBe('');
  });
});
