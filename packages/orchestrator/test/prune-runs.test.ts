import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneFailedRuns, RunStore, type RunRecord } from '../src/index.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-05T00:00:00Z');

async function addRun(store: RunStore, runId: string, status: RunRecord['status'], daysAgo: number, out: string): Promise<void> {
  await store.writeRun({ runId, flow: 'hokusai', status, createdAt: new Date(NOW - daysAgo * DAY).toISOString(), params: { config: { out } }, hooks: [], ...(status === 'failed' ? { error: { message: 'integrate failed' } } : {}) });
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
    expect(dry).toEqual([{ runId: 'hk-old-failed', failedAt: new Date(NOW - 10 * DAY).toISOString(), error: 'integrate failed', workBytes: 1000 }]);
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

  it('refuses a negative age with a typed error, and leaves an empty or missing store alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hokusai-prune-'));
    await expect(pruneFailedRuns(root, { olderThanMs: -1 })).rejects.toMatchObject({ code: 'HOKUSAI_CONFIG_INVALID' });
    expect(await pruneFailedRuns(join(root, 'none'))).toEqual([]);
  });
});
