import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, exitCodeFor, mergeLayers, resolveConfig } from '../src/index.js';
import { OrchestratorError } from '@hokusai/orchestrator';

const required = { base: 'b.csv', contributed: 'c.csv', benchmark: 't.csv', target: 'y', out: 'o' };

describe('configuration precedence: defaults < file < environment < flags', () => {
  it('takes each setting from the highest layer that sets it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-config-'));
    const file = join(dir, 'hokusai.yaml');
    await writeFile(file, ['base: data/base.csv', 'contributed: c.csv', 'benchmark: t.csv', 'target: churned', 'out: results', 'seed: 5', 'delta:', '  thresholdPp: 2', 'tracking:', '  uri: http://file.example:5000'].join('\n'));
    const fromFile = resolveConfig({ file, flags: {}, env: {} });
    expect(fromFile.seed).toBe(5);
    expect(fromFile.delta.thresholdPp).toBe(2);
    expect(fromFile.delta.alpha).toBe(0.05); // default kept beside the file's nested key
    expect(fromFile.base).toBe(join(dir, 'data/base.csv')); // relative to the config file
    const withEnv = resolveConfig({ file, flags: {}, env: { HOKUSAI_SEED: '9', MLFLOW_TRACKING_URI: 'http://env.example:5000' } });
    expect(withEnv.seed).toBe(9);
    expect(withEnv.tracking.uri).toBe('http://env.example:5000');
    expect(withEnv.tracking.experiment).toBe('hokusai'); // the default
    const withExperiment = resolveConfig({ file, flags: {}, env: { MLFLOW_EXPERIMENT_NAME: 'churn-contributions' } });
    expect(withExperiment.tracking.experiment).toBe('churn-contributions');
    expect(withExperiment.tracking.uri).toBe('http://file.example:5000'); // the file's, merged beside it
    const withFlags = resolveConfig({ file, flags: { seed: 11 }, env: { HOKUSAI_SEED: '9' } });
    expect(withFlags.seed).toBe(11);
    expect(resolveConfig({ flags: required, env: {} }).seed).toBe(42); // the default
  });

  it('reads JSON too, and names the file and the key that is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-config-'));
    const unknown = join(dir, 'unknown.json');
    await writeFile(unknown, JSON.stringify({ ...required, delta: { tresholdPp: 1 } }));
    expect(() => resolveConfig({ file: unknown, flags: {}, env: {} })).toThrow(/unknown\.json.*delta\.tresholdPp/);
    const wrongType = join(dir, 'wrong.json');
    await writeFile(wrongType, JSON.stringify({ ...required, seed: 'seven' }));
    expect(() => resolveConfig({ file: wrongType, flags: {}, env: {} })).toThrow(/wrong\.json.*seed/);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'seed: [1, 2\n');
    expect(() => resolveConfig({ file: broken, flags: {}, env: {} })).toThrow(/broken\.yaml is not valid YAML/);
  });

  it('keeps the PII key out of everything it shows', async () => {
    const config = resolveConfig({ flags: required, env: { HOKUSAI_PII_KEY: 'a-very-secret-key-123' } });
    expect(config.pii.key).toBe('a-very-secret-key-123');
    const { displayConfig } = await import('@hokusai/orchestrator');
    expect(JSON.stringify(displayConfig(config))).not.toContain('a-very-secret-key-123');
  });

  it('checks and checksums the contributor address wherever it comes from', () => {
    const config = resolveConfig({ flags: { ...required, contributor: { wallet: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' } }, env: {} });
    expect(config.contributor.wallet).toBe('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    expect(() => resolveConfig({ flags: { ...required, contributor: { wallet: '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' } }, env: {} })).toThrow(/EIP-55/);
  });

  it('merges nested layers key by key', () => {
    expect(mergeLayers({ a: { x: 1, y: 2 } }, { a: { y: 3 } }, { b: undefined })).toEqual({ a: { x: 1, y: 3 } });
  });
});

describe('exit codes', () => {
  it('maps input errors to 2 and anything else to 3, by kind rather than by the look of the code', () => {
    expect(exitCodeFor(new OrchestratorError('HOKUSAI_CONFIG_INVALID', 'x'))).toBe(EXIT.badInput);
    expect(exitCodeFor(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(EXIT.badInput);
    expect(exitCodeFor(Object.assign(new Error('x'), { code: 'HOKUSAI_LOOKS_TYPED' }))).toBe(EXIT.internal);
    expect(exitCodeFor(new OrchestratorError('HOKUSAI_WORKER_LOST', 'x'))).toBe(EXIT.internal);
    expect(exitCodeFor(new OrchestratorError('HOKUSAI_RUN_STORE_CORRUPT', 'x'))).toBe(EXIT.internal);
    expect(exitCodeFor(new TypeError('undefined is not a function'))).toBe(EXIT.internal);
    // A run stopped by Ctrl-C is neither bad input nor a fault: 130, as shells report SIGINT.
    expect(exitCodeFor(new OrchestratorError('HOKUSAI_RUN_CANCELLED', 'x'))).toBe(EXIT.interrupted);
    expect(EXIT).toEqual({ ok: 0, rejected: 1, badInput: 2, internal: 3, interrupted: 130 });
  });
});
