import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const example = join(repo, 'examples', 'quickstart');

/** The commands of the root README's fenced `sh` blocks, continuation lines joined, in order. */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([^]*?)^```$/gm)) {
    const joined = (block[1] as string).replace(/\\\n\s*/g, '');
    for (const line of joined.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** Commands this test does not run, and why; every other README command runs as written. */
const SKIPPED: [RegExp, string][] = [
  [/^ONNXRUNTIME_NODE_INSTALL=skip npm ci/, 'installs from the npm registry and runs the example (network, minutes); CI runs it on a fresh clone'],
  [/^npm test$/, 'the whole test suite: installs and starts services (minutes); it is what CI runs'],
  [/^npx nx /, 'builds, type-checks, lints and tests packages (minutes); CI runs them'],
  [/^npx tsc -b/, "type-checks from the repository's root and brings packages' dist/ up to date (a minute); CI runs the same tsc -b as each package's typecheck"],
  [/^redis-server |^npx hokusai worker |--redis /, 'starts long-lived services in the background; test/distributed-cli.test.ts runs the same commands against a test Redis'],
];

const commands = readmeCommands(readFileSync(join(repo, 'README.md'), 'utf8'));
const skipReason = (command: string): string | undefined => SKIPPED.find(([pattern]) => pattern.test(command))?.[1];

let fresh: string;

beforeAll(async () => {
  // A fresh folder inside the repository (so `npx hokusai` finds the workspace's command), with
  // the example's files as "your data": no run store, no outputs, no config.
  await mkdir(join(repo, 'tmp'), { recursive: true });
  fresh = await mkdtemp(join(repo, 'tmp', 'readme-'));
  for (const name of ['base.csv', 'contributed.csv']) await copyFile(join(example, name), join(fresh, name));
  // The first 30 benchmark rows: `run` proves both linear models' inference by default (5 chunks
  // of 7 rows here instead of 143), and completes with a rejection (30 rows are below the
  // 100-row minimum for a decision), which `verify` then checks like any other run.
  const lines = readFileSync(join(example, 'benchmark.csv'), 'utf8').trim().split('\n');
  await writeFile(join(fresh, 'benchmark.csv'), `${lines.slice(0, BENCHMARK_ROWS + 1).join('\n')}\n`);
});

const BENCHMARK_ROWS = 30;

/** What a command must end with: `run` on the small benchmark gives its verdict, a rejection (exit 1). */
const expectedOutcome = (command: string): { code: number; output?: RegExp } => (/^npx hokusai run /.test(command) ? { code: 1, output: /REJECTED/ } : { code: 0 });

afterAll(async () => {
  if (fresh !== undefined) await rm(fresh, { recursive: true, force: true });
});

describe('the root README commands work as written, from a fresh folder', () => {
  it('has commands to run, and skips only those with a listed reason', () => {
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((c) => skipReason(c) === undefined).length).toBeGreaterThanOrEqual(5);
  });

  for (const command of commands) {
    const reason = skipReason(command);
    if (reason !== undefined) {
      it.skip(`${command} — skipped: ${reason}`, () => undefined);
      continue;
    }
    it(command, async () => {
      const { HOKUSAI_STORE: _store, ...inherited } = process.env;
      const env = { ...inherited, FORCE_COLOR: '0' };
      const result = await exec('bash', ['-c', command], { cwd: fresh, env, maxBuffer: 64 << 20 }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
      );
      const expected = expectedOutcome(command);
      expect(result.code, `${command}\n${result.stderr}`).toBe(expected.code);
      if (expected.output !== undefined) expect(`${result.stdout}${result.stderr}`).toMatch(expected.output);
    }, /^npx hokusai run /.test(command) ? 300_000 : 180_000);
  }
});
