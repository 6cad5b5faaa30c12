import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTracker, MlflowClient, readJournal, syncJournal } from '../src/index.js';
import { pipelineOutput, tempJournal } from './fixtures.js';
import { startMlflowServer, type MlflowServer } from '@hokusai/test-helpers';

// A server of its own (started by the global set-up, in parallel with the shared one): this
// file stops it mid-run, which the shared one must never see.
const spare = inject('spareMlflow');
let restarted: MlflowServer | undefined;
afterAll(async () => {
  await restarted?.stop();
});

async function stopSpare(): Promise<void> {
  const down = async (tries: number): Promise<boolean> => {
    for (let i = 0; i < tries; i++) {
      const up = await fetch(`${spare.uri}/health`).then(
        () => true,
        () => false,
      );
      if (!up) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  process.kill(-spare.pid, 'SIGTERM');
  if (await down(100)) return;
  // On a loaded machine MLflow's workers can take longer than 10 s to finish; the outage is what
  // matters here, so the process group is killed outright.
  process.kill(-spare.pid, 'SIGKILL');
  if (await down(100)) return;
  throw new Error('the spare MLflow server did not stop');
}

describe('server going away mid-run', () => {
  // Restarting a real server takes most of a minute on a busy machine.
  it('keeps the pipeline going, journals what could not be sent, and sync delivers the rest', { timeout: 180_000 }, async () => {
    const { dir, model } = await pipelineOutput();
    const journalPath = await tempJournal();
    const tracker = await createTracker({ trackingUri: spare.uri, journalPath, experimentName: 'outage', timeoutMs: 2000, retries: 1 }, { backoffMs: 20 });
    expect(tracker.mode).toBe('server');
    const parent = await tracker.startRun({ name: 'pipeline' });
    await parent.logParams({ seed: 42 });
    const before = await tracker.startRun({ name: 'integrate', parentRunId: parent.runId });
    for (let step = 0; step < 3; step++) await parent.logMetrics({ loss: 1 / (step + 1) }, { step, timestamp: 1_700_000_000_000 + step });
    await before.end('FINISHED');

    await stopSpare();

    const started = Date.now();
    for (let step = 3; step < 8; step++) await parent.logMetrics({ loss: 1 / (step + 1) }, { step, timestamp: 1_700_000_000_000 + step });
    const after = await tracker.startRun({ name: 'train', parentRunId: parent.runId });
    await after.logMetrics({ duration_seconds: 1.5 });
    await after.end('FINISHED');
    await parent.logMetrics({ 'delta.auroc': 0.0312 });
    await parent.logArtifact(join(dir, 'model.onnx'), 'model');
    await parent.setTags({ 'hokusai.deltaone': 'accepted' });
    await parent.end('FINISHED');
    await tracker.close();
    // Only the first failing call waits for retries; the rest go straight to the journal.
    expect(Date.now() - started).toBeLessThan(15_000);

    expect(tracker.mode).toBe('journal');
    const warning = tracker.warnings.join('\n');
    expect(warning).toMatch(/unreachable/);
    expect(warning).toMatch(/12 calls journaled/);
    expect(warning).toContain(`hokusai tracking sync ${journalPath} --to ${spare.uri}`);
    // Handles keep the server ids they were created with, so callers' references stay valid.
    expect(parent.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(after.runId).toMatch(/^journal-/);

    const { entries } = await readJournal(journalPath);
    expect(entries.filter((e) => !e.sent)).toHaveLength(12);

    restarted = await startMlflowServer({ port: spare.port, dir: spare.dir });
    const reader = new MlflowClient(spare.uri);
    try {
      // Before sync the server has only the first part.
      expect(await reader.getMetricHistory(parent.runId, 'loss')).toHaveLength(3);

      const result = await syncJournal(journalPath, spare.uri);
      expect(result.errors).toEqual([]);
      expect(result).toMatchObject({ created: 1, delivered: 11, failed: 0 });
      expect(result.runs[parent.journalRunId]).toBe(parent.runId);

      const loss = await reader.getMetricHistory(parent.runId, 'loss');
      expect(loss.map((m) => m.step).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(loss.find((m) => m.step === 7)?.value).toBe(1 / 8);
      const run = await reader.getRun(parent.runId);
      expect(run.info.status).toBe('FINISHED');
      expect(run.params).toEqual({ seed: '42' });
      expect(run.tags['hokusai.deltaone']).toBe('accepted');
      expect(run.metrics.find((m) => m.key === 'delta.auroc')?.value).toBe(0.0312);
      expect((await reader.readArtifact(parent.runId, 'model/model.onnx')).equals(model)).toBe(true);
      const children = await reader.searchRuns({ experimentIds: [run.info.experimentId], filter: `tags.\`mlflow.parentRunId\` = '${parent.runId}'` });
      expect(children.runs.map((r) => [r.info.runName, r.info.status]).sort()).toEqual([
        ['integrate', 'FINISHED'],
        ['train', 'FINISHED'],
      ]);

      const again = await syncJournal(journalPath, spare.uri);
      expect(again).toMatchObject({ created: 0, delivered: 0, failed: 0, skipped: entries.length });
      expect(await reader.getMetricHistory(parent.runId, 'loss')).toHaveLength(8);
    } finally {
      await reader.close();
    }
  });
});
