import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryPathFor } from '@hokusai/core';
import { pruneFailedRuns, pruneTemporaries, RunStore, runState, type RunOwner, type RunRecord } from '../src/index.js';
import { processStartTicks } from '../src/engine/process-alive.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-05T00:00:00Z');

async function addRun(store: RunStore, runId: string, status: RunRecord['status'], daysAgo: number, out: string, owner?: RunOwner): Promise<void> {
  await store.writeRun({ runId, flow: 'hokusai', status, createdAt: new Date(NOW - daysAgo * DAY).toISOString(), params: { config: { out } }, hooks: [], ...(status === 'failed' ? { error: { message: 'integrate failed' } } : {}), ...(owner === undefined ? {} : { owner }) });
  await store.writeStep(runId, { step: 'load_base', status: 'finished', attempts: 1, durationMs: 1 });
  // Every kind of run may have a work folder: a streaming run keeps its batch files there until it finishes.
  await mkdir(join(store.workDir(runId), 'inputs', 'base'), { recursive: true });
  await writeFile(join(store.workDir(runId), 'inputs', 'base', 'chunk-000000.arrow'), Buffer.alloc(1000));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'report.json'), '{}');
  const when = new Date(NOW - daysAgo * DAY);
  await utimes(join(store.root, 'runs', runId, 'run.json'), when, when);
}

describe('pruning failed runs', () => {
  it('removes failed runs older than the cutoff (record, steps, work folder) and nothing else', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-prune-'));
    const store = new RunStore(join(root, 'store'));
    await addRun(store, 'hk-old-failed', 'failed', 10, join(root, 'out-old-failed'));
    await addRun(store, 'hk-new-failed', 'failed', 1, join(root, 'out-new-failed'));
    await addRun(store, 'hk-finished', 'finished', 30, join(root, 'out-finished'));
    await addRun(store, 'hk-running', 'running', 30, join(root, 'out-running'));
    const objects = await store.putObject('shared bytes');

    const dry = await pruneFailedRuns(store.root, { olderThanMs: 7 * DAY, now: NOW, dryRun: true });
    expect(dry).toEqual([{ runId: 'hk-old-failed', status: 'failed', failedAt: new Date(NOW - 10 * DAY).toISOString(), error: 'integrate failed', workBytes: 1000 }]);
    expect(existsSync(store.workDir('hk-old-failed'))).toBe(true);

    expect(await pruneFailedRuns(store.root, { olderThanMs: 7 * DAY, now: NOW })).toEqual(dry);
    expect(await store.listRuns()).toEqual(['hk-finished', 'hk-new-failed', 'hk-running']);
    expect(existsSync(store.workDir('hk-old-failed'))).toBe(false);
    await expect(store.readRun('hk-old-failed')).rejects.toMatchObject({ code: 'HOKUSAI_RUN_NOT_FOUND' });
    // Output folders (a failed run's too), other runs' work folders and the stored objects stay.
    for (const name of ['out-old-failed', 'out-new-failed', 'out-finished', 'out-running']) expect(existsSync(join(root, name, 'report.json'))).toBe(true);
    for (const id of ['hk-new-failed', 'hk-finished', 'hk-running']) expect(existsSync(store.workDir(id))).toBe(true);
    expect(store.hasObject(objects)).toBe(true);

    // Without an age, every failed run goes; finished and running ones never.
    expect((await pruneFailedRuns(store.root, { now: NOW })).map((r) => r.runId)).toEqual(['hk-new-failed']);
    expect(await store.listRuns()).toEqual(['hk-finished', 'hk-running']);
  });

  it('tells a run whose process was killed from one still running, and prunes it as failed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-prune-'));
    const store = new RunStore(join(root, 'store'));
    const dead = await deadPid();
    await addRun(store, 'hk-killed', 'running', 2, join(root, 'out-killed'), { pid: dead, host: hostname() });
    const ticks = processStartTicks(process.pid);
    await addRun(store, 'hk-alive', 'running', 2, join(root, 'out-alive'), { pid: process.pid, host: hostname(), ...(ticks === null ? {} : { startTicks: ticks }) });
    // A process on another host cannot be probed; a record from before owners were kept names none.
    await addRun(store, 'hk-elsewhere', 'running', 2, join(root, 'out-elsewhere'), { pid: dead, host: `not-${hostname()}` });
    await addRun(store, 'hk-unowned', 'running', 2, join(root, 'out-unowned'));
    // This process's pid, but not this process: it started at another time.
    await addRun(store, 'hk-pid-reused', 'running', 2, join(root, 'out-pid-reused'), { pid: process.pid, host: hostname(), startTicks: 1 });
    const states = Object.fromEntries(await Promise.all((await store.listRuns()).map(async (id) => [id, runState(await store.readRun(id))])));
    expect(states).toEqual({ 'hk-killed': 'interrupted', 'hk-alive': 'running', 'hk-elsewhere': 'running', 'hk-unowned': 'running', 'hk-pid-reused': 'interrupted' });
    expect((await pruneFailedRuns(store.root, { now: NOW })).map((r) => [r.runId, r.status])).toEqual([['hk-killed', 'interrupted'], ['hk-pid-reused', 'interrupted']]);
    expect(await store.listRuns()).toEqual(['hk-alive', 'hk-elsewhere', 'hk-unowned']);
    expect(processStartTicks(process.pid)).toBeGreaterThan(0);
  });

  it('refuses a negative age with a typed error, and leaves an empty or missing store alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-prune-'));
    await expect(pruneFailedRuns(root, { olderThanMs: -1 })).rejects.toMatchObject({ code: 'HOKUSAI_CONFIG_INVALID' });
    expect(await pruneFailedRuns(join(root, 'none'))).toEqual([]);
  });
});

/** The pid of a process that ran and was killed (SIGKILL), so no process has it now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
  return child.pid as number;
}

/** A process that starts an atomic write's temporary file beside `target`, then is killed mid-write. */
async function killedWriter(target: string): Promise<string> {
  const script = `import { openSync, writeSync } from 'node:fs'; import { temporaryPathFor } from '@hokusai/core';
const tmp = temporaryPathFor(${JSON.stringify(target)}); const fd = openSync(tmp, 'w'); writeSync(fd, Buffer.alloc(4096, 7));
process.stdout.write(tmp + '\\n'); setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] });
  const tmp = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (b: Buffer) => resolve(b.toString().trim()));
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
  return tmp;
}

describe('pruning what killed writers left', () => {
  it('removes a temporary file whose writer was killed, once it sat a minute, and nothing else', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-prune-tmp-'));
    const store = new RunStore(join(root, 'store'));
    await addRun(store, 'hk-run', 'running', 0, join(root, 'out'));
    const sha = await store.putObject('stored bytes');
    const dir = join(store.root, 'objects', sha.slice(0, 2));
    const killed = await killedWriter(join(dir, 'f'.repeat(64)));
    const killedRecent = await killedWriter(join(store.root, 'runs', 'hk-run', 'run.json'));
    // This process's own temporary: a write in progress.
    const live = temporaryPathFor(join(dir, 'e'.repeat(64)));
    await writeFile(live, 'partial');
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(killed, old, old);
    await utimes(live, old, old);

    const dry = await pruneTemporaries(store.root, { dryRun: true });
    expect(dry).toEqual([{ path: join('objects', sha.slice(0, 2), basename(killed)), bytes: 4096, pid: expect.any(Number) as number }]);
    expect(existsSync(killed)).toBe(true);
    expect(await pruneTemporaries(store.root)).toEqual(dry);
    expect(existsSync(killed)).toBe(false);
    // The killed writer's file written a moment ago, the live write, the object and the run stay.
    for (const path of [killedRecent, live]) expect(existsSync(path)).toBe(true);
    expect(store.hasObject(sha)).toBe(true);
    expect((await store.readRun('hk-run')).status).toBe('running');
    // A minute later the other killed writer's file goes too.
    expect((await pruneTemporaries(store.root, { now: Date.now() + 2 * 60_000 })).map((t) => basename(t.path))).toEqual([basename(killedRecent)]);
    expect(existsSync(live)).toBe(true);
    expect(await pruneTemporaries(join(root, 'none'))).toEqual([]);
  });
});
