import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent, RunEvent } from '@hokusai/orchestrator';
import { startRedisServer, type RedisServer } from '@hokusai/test-helpers';
import { bin } from './run-cli.js';

const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

let redis: RedisServer;
let work: string;
const children: ChildProcess[] = [];

interface Watched {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves once stderr matches. */
  waitFor: (pattern: RegExp) => Promise<void>;
}

function start(args: string[]): Watched {
  const child = spawn(process.execPath, [bin, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  children.push(child);
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.filter((x) => x.pattern.test(text))) w.resolve();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    stderr: () => text,
    exited,
    waitFor: (pattern) => (pattern.test(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
  };
}

beforeAll(async () => {
  redis = await startRedisServer();
  work = await mkdtemp(join(tmpdir(), 'hokusai-distributed-cli-'));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

describe('hokusai run --redis from the command line', () => {
  it('says it waits for a worker, notices one join, and the worker logs each job and is named in the run log', async () => {
    const store = join(work, 'store');
    const run = start(['run', '--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id', '--no-proof', '--out', join(work, 'out'), '--store', store, '--redis', redis.url]);
    await run.waitFor(/waiting for a worker \(0 connected\)/);
    const worker = start(['worker', '--redis', redis.url]);
    await run.waitFor(/1 worker connected/);
    expect(await run.exited).toBe(0);
    // Each job as it ends: the run, the step, the duration.
    expect(worker.stderr()).toMatch(/^run hk-[0-9a-f]+: load_base done in \d+\.\d\d s$/m);
    expect(worker.stderr()).toMatch(/^run hk-[0-9a-f]+: report done in \d+\.\d\d s$/m);
    worker.child.kill('SIGTERM');
    await worker.exited;
    const events = (await readFile(join(work, 'out', 'logs', 'events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    const ranOn = new Map(events.filter((e): e is ProgressEvent => e.type === 'progress' && e.worker !== undefined).map((e) => [e.step, e.worker]));
    for (const step of ['load_base', 'integrate', 'train_new', 'evaluate', 'report']) expect(ranOn.get(step), step).toMatch(/:\d+$/);
  }, 180_000);
});
