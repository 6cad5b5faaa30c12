import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closestMatch } from '../src/did-you-mean.js';
import { hokusai } from './run-cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hokusai-messages-'));
});

/** A run whose files do not exist: any error about them means the check came too late. */
const NO_DATA = ['--base', 'no-base.csv', '--contributed', 'no-contributed.csv', '--benchmark', 'no-benchmark.csv', '--target', 't', '--out', 'o'];

describe('messages speak the command line', () => {
  it('missing required settings are listed once, by flag name', async () => {
    const r = await hokusai(['run'], { cwd: work, env: { HOKUSAI_PII_KEY: undefined, HOKUSAI_SEED: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --base, --contributed, --benchmark, --target, --out');
    expect(r.stderr).not.toMatch(/expected string, received undefined/);
  });

  it('--seed abc says the seed must be an integer, before any file is read', async () => {
    const r = await hokusai(['run', ...NO_DATA, '--seed', 'abc'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed must be an integer');
    expect(r.stderr).not.toMatch(/NaN|no-base/);
  });

  it('a mistyped config key gets "did you mean", at the top level and nested', async () => {
    const config = join(work, 'typo.json');
    await writeFile(config, JSON.stringify({ sead: 3, pii: { mdoe: 'drop' } }));
    const r = await hokusai(['config', 'validate', config], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key sead (did you mean seed?)');
    expect(r.stderr).toContain('unknown key pii.mdoe (did you mean pii.mode?)');
    expect(r.stderr).toContain(config);
  });

  it('--pii-mode hsah lists the allowed values in one line plus where the help is', async () => {
    const r = await hokusai(['run', ...NO_DATA, '--pii-mode', 'hsah'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hash, redact, drop, fail/);
    expect(r.stderr).not.toContain('Options:');
    const file = join(work, 'mode.yaml');
    await writeFile(file, 'pii:\n  mode: hsah\n');
    const inFile = await hokusai(['config', 'validate', file], { cwd: work });
    expect(inFile.stderr).toContain('pii.mode must be one of hash, redact, drop, fail, not "hsah"');
  });

  it('a short HOKUSAI_PII_KEY names the variable and the 16-character rule, never the key', async () => {
    const r = await hokusai(['run', ...NO_DATA], { cwd: work, env: { HOKUSAI_PII_KEY: 'hunter2' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HOKUSAI_PII_KEY');
    expect(r.stderr).toContain('at least 16 characters');
    expect(r.stderr).not.toContain('hunter2');
    const shown = await hokusai(['config', 'show'], { cwd: work, env: { HOKUSAI_PII_KEY: 'hunter2' } });
    expect(shown.code).toBe(2);
    expect(shown.stderr).not.toContain('hunter2');
  });

  it('a mistyped flag or command prints the suggestion and one line, not the whole help', async () => {
    const flag = await hokusai(['run', '--modle', 'gbdt'], { cwd: work });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('(Did you mean --model?)');
    expect(flag.stderr).toContain('See `hokusai run --help` for the options.');
    expect(flag.stderr).not.toContain('Options:');
    expect(flag.stderr.trim().split('\n')).toHaveLength(3);
    const command = await hokusai(['rn'], { cwd: work });
    expect(command.stderr).toContain('(Did you mean run?)');
    expect(command.stderr).not.toContain('Commands:');
  });

  it('an unknown --model fails before loading any data, naming the nearest registered family', async () => {
    const r = await hokusai(['run', ...NO_DATA, '--model', 'gbtd'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HOKUSAI_UNKNOWN_FAMILY');
    expect(r.stderr).toContain('did you mean gbdt?');
    expect(r.stderr).toMatch(/Registered families: .*logistic_regression/);
    expect(r.stderr).not.toMatch(/no-base/);
  });

  it('verify on a missing folder exits 2 (bad input), as documented', async () => {
    const r = await hokusai(['verify', join(work, 'no-such-folder')], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-folder');
  });

  it('suggestions need a near miss: a typo finds its word, an unrelated word finds none', () => {
    expect(closestMatch('gbtd', ['gbdt', 'mlp', 'logistic_regression'])).toBe('gbdt');
    expect(closestMatch('logistic', ['gbdt', 'mlp', 'logistic_regression'])).toBeUndefined();
    expect(closestMatch('xyz', ['seed', 'out'])).toBeUndefined();
    expect(closestMatch('targte', ['target', 'task'])).toBe('target');
  });
});
