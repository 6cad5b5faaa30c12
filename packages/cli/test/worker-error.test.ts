import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type RedisServer } from '@hokusai/test-helpers';
import { bin, hokusai } from './run-cli.js';

const quickstart = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

let redis: RedisServer;
let root: string;
let worker: ChildProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  root = await mkdtemp(join(tmpdir(), 'hokusai-worker-error-'));
  for (const name of ['base.csv', 'benchmark.csv']) await copyFile(join(quickstart, name), join(root, name));
  // Row 3 of the contributed data has no label: an input error the data step raises on the worker.
  const lines = (await readFile(join(quickstart, 'contributed.csv'), 'utf8')).split('\n');
  lines[3] = (lines[3] as string).replace(/,[^,]*$/, ',');
  await writeFile(join(root, 'contributed.csv'), lines.join('\n'));
  worker = spawn(process.execPath, [bin, 'worker', '--redis', redis.url], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: 'ignore' });
}, 60_000);

afterAll(async () => {
  if (worker !== undefined && worker.exitCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => worker.kill('SIGKILL'), 15_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.kill('SIGTERM');
    });
  }
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('an input error raised on a hokusai worker (BullMQ on a real Redis)', () => {
  it('reaches the CLI with its code, kind, file, row and column, and exits 2', async () => {
    const args = ['--base', 'base.csv', '--contributed', 'contributed.csv', '--benchmark', 'benchmark.csv', '--target', 'churned', '--no-proof'];
    const result = await hokusai(['--json', 'run', ...args, '--out', 'out', '--store', 'store', '--redis', redis.url], { cwd: root });
    expect(result.code, result.stderr).toBe(2);
    const reported = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as { error: Record<string, unknown>; exitCode: number };
    expect(reported.exitCode).toBe(2);
    expect(reported.error).toMatchObject({ code: 'HOKUSAI_TARGET_NULL', kind: 'input', file: join(root, 'contributed.csv'), row: 3, column: 'churned' });
    expect(result.stderr).toMatch(/HOKUSAI_TARGET_NULL: .*contributed\.csv, row 3, column 'churned'/);
  });
});
