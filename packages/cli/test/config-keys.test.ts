import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PipelineConfigSchema } from '@hokusai/orchestrator';
import { configKeys, configKeysMarkdown } from '../src/config/config-keys.js';
import { hokusai, jsonResult } from './run-cli.js';

const exec = promisify(execFile);
const reference = new URL('../docs/config-keys.md', import.meta.url);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hokusai-keys-'));
});

describe('config keys, defaults and completion', () => {
  it('docs/config-keys.md is the reference generated from the schema, up to date', async () => {
    // Regenerate with: node packages/cli/dist/bin.js config keys --markdown > packages/cli/docs/config-keys.md
    expect(await readFile(reference, 'utf8')).toBe(configKeysMarkdown());
  });

  it('documents every key of the schema, nested ones included, with defaults and flags', () => {
    const keys = new Map(configKeys().map((k) => [k.key, k]));
    for (const top of Object.keys(PipelineConfigSchema.shape)) expect(keys.has(top), top).toBe(true);
    expect(keys.get('seed')).toMatchObject({ type: 'integer >= 0', default: '42', flag: '--seed', required: false });
    expect(keys.get('pii.mode')).toMatchObject({ type: 'hash | redact | drop | fail', default: '"hash"', flag: '--pii-mode' });
    expect(keys.get('delta.alpha')).toMatchObject({ type: 'number > 0 < 1', default: '0.05' });
    expect(keys.get('base')).toMatchObject({ required: true, flag: '--base' });
    // On by default for linear models; both flags set it.
    expect(keys.get('proof.inference')).toMatchObject({ type: 'auto | true | false', default: '"auto"', flag: '--prove-inference, --no-prove-inference' });
    expect(keys.get('positiveClass')).toMatchObject({ type: 'string | number | boolean' });
    for (const key of keys.values()) expect(key.description, key.key).not.toBe('');
  });

  it('`hokusai config keys` lists them; `config show` works without a config file', async () => {
    const listed = await hokusai(['config', 'keys'], { cwd: work });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^delta\.thresholdPp +number, default 1$/m);
    const shown = await hokusai(['--json', 'config', 'show'], { cwd: work, env: { HOKUSAI_PII_KEY: undefined, HOKUSAI_SEED: undefined } });
    expect(shown.code).toBe(0);
    const doc = jsonResult<{ config: { seed: number; pii: { mode: string } }; notSet: string[] }>(shown.stdout);
    expect(doc.config.seed).toBe(42);
    expect(doc.config.pii.mode).toBe('hash');
    expect(doc.notSet).toEqual(['base', 'contributed', 'benchmark', 'target', 'out']);
    const text = await hokusai(['config', 'show'], { cwd: work, env: { HOKUSAI_SEED: '7' } });
    expect(text.stdout).toContain('"seed": 7');
    expect(text.stdout).toContain('not set: base, contributed, benchmark, target, out');
  });

  it('run --help shows the defaults', async () => {
    const help = await hokusai(['run', '--help'], { cwd: work });
    expect(help.stdout).toMatch(/--seed <n> +random seed, an integer \(default: 42\)/);
    expect(help.stdout).toMatch(/--pii-mode <mode>[^]*\(default: hash\)[^]*choices: "hash", "redact", "drop", "fail"/);
    expect(help.stdout).toMatch(/--model <family>[^]*\(default: logistic_regression\)/);
  });

  it('bash completion completes flag values and commands after flags with values', async () => {
    const script = join(work, 'hokusai.bash');
    await writeFile(script, (await hokusai(['completion', 'bash'])).stdout);
    const complete = async (...words: string[]): Promise<string[]> => {
      const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _hokusai; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await exec('bash', ['-c', line], { cwd: work });
      return stdout.split('\n').filter(Boolean);
    };
    expect(await complete('hokusai', 'run', '--model', '')).toEqual(['gbdt', 'logistic_regression', 'mlp']);
    expect(await complete('hokusai', 'run', '--pii-mode', 'r')).toEqual(['redact']);
    // After a flag and its value, the run command's flags are still offered.
    expect(await complete('hokusai', 'run', '--base', 'x.csv', '--tar')).toEqual(['--target']);
    expect(await complete('hokusai', 'runs', 'l')).toEqual(['list']);
  });

  it('fish completion names each command with its flags and their values', async () => {
    const fish = await hokusai(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c hokusai -n '__fish_use_subcommand' -a run ");
    expect(fish.stdout).toMatch(/complete -c hokusai -n '__fish_seen_subcommand_from run' -l model -x -a 'gbdt logistic_regression mlp'/);
    expect(fish.stdout).toMatch(/-n '__fish_seen_subcommand_from run' -l pii-mode -x -a 'hash redact drop fail'/);
    expect(fish.stdout).toMatch(/-n '__fish_seen_subcommand_from runs; and not __fish_seen_subcommand_from list show open prune' -a show/);
  });
});
