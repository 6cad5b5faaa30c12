import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTracker, MlflowClient, readJournal, syncJournal, TrackingError, type RunHandle, type Tracker } from '../src/index.js';
import { pipelineOutput, tempJournal } from './fixtures.js';

const uri = inject('mlflowUri');
const reader = new MlflowClient(uri);
afterAll(() => reader.close());

const DATA_SHA = 'c0ffee'.repeat(10) + 'beef';

/** What the orchestrator does for one pipeline run: a parent, a nested run per step, artifacts, a model version. */
async function logPipeline(tracker: Tracker, outDir: string): Promise<{ parent: RunHandle; children: RunHandle[] }> {
  const parent = await tracker.startRun({ name: 'pipeline', tags: { 'hokusai.attestation_root': 'ab12', 'hokusai.deltaone': 'accepted' } });
  await parent.logParams({ 'train.epochs': 5, 'train.lr': 0.01, 'eval.stratify': true, 'data.path': '/data/contrib.csv' });
  await parent.logInputs([{ name: 'contributed', sha256: DATA_SHA, source: '/data/contrib.csv', context: 'training' }]);
  const children: RunHandle[] = [];
  for (const step of ['integrate', 'train', 'evaluate']) {
    const child = await tracker.startRun({ name: step, parentRunId: parent.runId, tags: { 'hokusai.step': step } });
    await child.logMetrics({ duration_seconds: step.length / 10 });
    await child.end('FINISHED');
    children.push(child);
  }
  await parent.logMetrics({ 'baseline.auroc': 0.8123, 'new.auroc': 0.8435, 'delta.auroc': 0.0312 });
  for (let epoch = 0; epoch < 5; epoch++) await parent.logMetrics({ 'train.loss': 1 / (epoch + 1) }, { step: epoch, timestamp: 1_700_000_000_000 + epoch });
  await parent.logArtifact(join(outDir, 'attestation.json'));
  await parent.logArtifact(join(outDir, 'report.json'));
  await parent.logArtifact(join(outDir, 'model.onnx'), 'model');
  await parent.logArtifact(join(outDir, 'manifests'), 'manifests');
  return { parent, children };
}

async function expectPipelineOnServer(runId: string, model: Buffer, modelName: string | undefined): Promise<void> {
  const run = await reader.getRun(runId);
  expect(run.info.status).toBe('FINISHED');
  expect(run.params).toMatchObject({ 'train.epochs': '5', 'train.lr': '0.01', 'eval.stratify': 'true', 'data.path': '/data/contrib.csv' });
  const latest = Object.fromEntries(run.metrics.map((m) => [m.key, m.value]));
  expect(latest).toMatchObject({ 'baseline.auroc': 0.8123, 'new.auroc': 0.8435, 'delta.auroc': 0.0312, 'train.loss': 0.2 });
  const loss = await reader.getMetricHistory(runId, 'train.loss');
  expect(loss.map((m) => [m.step, m.value]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
    [0, 1],
    [1, 0.5],
    [2, 1 / 3],
    [3, 0.25],
    [4, 0.2],
  ]);
  expect(run.tags).toMatchObject({ 'hokusai.attestation_root': 'ab12', 'hokusai.deltaone': 'accepted', [`hokusai.dataset.contributed.sha256`]: DATA_SHA });
  expect(run.inputs.map((d) => [d.name, d.digest, d.tags['hokusai.sha256']])).toEqual([['contributed', DATA_SHA.slice(0, 36), DATA_SHA]]);
  const children = await reader.searchRuns({ experimentIds: [run.info.experimentId], filter: `tags.\`mlflow.parentRunId\` = '${runId}'` });
  expect(children.runs.map((r) => r.info.runName).sort()).toEqual(['evaluate', 'integrate', 'train']);
  for (const c of children.runs) {
    expect(c.info.status).toBe('FINISHED');
    expect(c.metrics.map((m) => m.key)).toEqual(['duration_seconds']);
    expect(c.tags['hokusai.step']).toBe(c.info.runName);
  }
  const files = (await reader.listArtifacts(runId, undefined, { recursive: true })).filter((f) => !f.isDir).map((f) => f.path);
  expect(files).toEqual(['attestation.json', 'manifests/baseline.json', 'manifests/contributed.json', 'model/model.onnx', 'report.json']);
  expect((await reader.readArtifact(runId, 'model/model.onnx')).equals(model)).toBe(true);
  expect((await reader.readArtifact(runId, 'attestation.json')).toString()).toContain('"root":"ab12"');
  if (modelName !== undefined) {
    const version = await reader.getModelVersionByAlias(modelName, 'candidate');
    expect(version?.runId).toBe(runId);
    expect(version?.source.endsWith('/model/model.onnx')).toBe(true);
    expect(version?.tags).toMatchObject({ 'hokusai.data_sha256': DATA_SHA, 'hokusai.delta': '0.0312' });
  }
}

describe('tracker with a server', () => {
  it('logs a full pipeline run that reads back through REST, and journals it as sent', async () => {
    const { dir, model } = await pipelineOutput();
    const journalPath = await tempJournal();
    const experimentName = `pipeline-${randomUUID()}`;
    const tracker = await createTracker({ trackingUri: uri, journalPath, experimentName });
    expect(tracker.mode).toBe('server');
    const { parent } = await logPipeline(tracker, dir);
    const modelName = `churn-${randomUUID()}`;
    const mv = await tracker.registerModel({
      name: modelName,
      runId: parent.runId,
      artifactPath: 'model/model.onnx',
      alias: 'candidate',
      tags: { 'hokusai.data_sha256': DATA_SHA, 'hokusai.delta': '0.0312' },
    });
    expect(mv).toEqual({ name: modelName, version: '1', journaled: false });
    await parent.end('FINISHED');
    await tracker.close();
    expect(tracker.warnings).toEqual([]);
    expect(parent.runId).toMatch(/^[0-9a-f]{32}$/);
    await expectPipelineOnServer(parent.runId, model, modelName);

    const { entries } = await readJournal(journalPath);
    expect(entries.every((e) => e.sent)).toBe(true);
    expect(entries.filter((e) => e.op === 'startRun')).toHaveLength(4);
    // Everything is already there: a sync to the same server sends nothing.
    const sync = await syncJournal(journalPath, uri);
    expect(sync).toMatchObject({ created: 0, delivered: 0, failed: 0 });
    expect(sync.skipped).toBe(entries.length);
  });

  it('marks a failed run FAILED with the error, and skips non-finite metrics with a warning', async () => {
    const tracker = await createTracker({ trackingUri: uri, journalPath: await tempJournal(), experimentName: `fail-${randomUUID()}` });
    const run = await tracker.startRun({ name: 'broken' });
    await run.logMetrics({ ok: 1, nan: Number.NaN, inf: Number.NEGATIVE_INFINITY });
    await run.end('FAILED', `training diverged\n${'x'.repeat(9000)}`);
    await tracker.close();
    const got = await reader.getRun(run.runId);
    expect(got.info.status).toBe('FAILED');
    expect(got.tags['hokusai.error']?.startsWith('training diverged')).toBe(true);
    expect([...(got.tags['hokusai.error'] ?? '')].length).toBeLessThanOrEqual(5000);
    expect(got.metrics.map((m) => m.key)).toEqual(['ok']);
    expect(tracker.warnings.join('\n')).toMatch(/"nan" is NaN/);
    expect(tracker.warnings.join('\n')).toMatch(/"inf" is -Infinity/);
  });

  it("with onInvalidValue 'throw', rejects the whole call before logging anything", async () => {
    const tracker = await createTracker({ trackingUri: uri, journalPath: await tempJournal(), experimentName: `strict-${randomUUID()}`, onInvalidValue: 'throw' });
    const run = await tracker.startRun({ name: 'strict' });
    const error = await run.logMetrics({ ok: 1, bad: Number.NaN }).catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_NON_FINITE_METRIC');
    const long = await run.logParams({ p: 'v'.repeat(7000) }).catch((e: unknown) => e);
    expect((long as TrackingError).code).toBe('HOKUSAI_TRACKING_LIMIT_EXCEEDED');
    await run.end('FINISHED');
    await tracker.close();
    const got = await reader.getRun(run.runId);
    expect(got.metrics).toEqual([]);
    expect(got.params).toEqual({});
  });

  it('checks its options with typed errors', async () => {
    const error = await createTracker({ journalPath: '', experimentName: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackingError);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_INVALID_OPTIONS');
    expect((error as TrackingError).message).toMatch(/journalPath/);
  });
});

describe('journal without a server, then sync', () => {
  it('journals everything locally and a sync delivers it once, even when run twice or with its state lost', async () => {
    const { dir, model } = await pipelineOutput();
    const journalPath = await tempJournal();
    const experimentName = `offline-${randomUUID()}`;
    const modelName = `offline-model-${randomUUID()}`;
    const tracker = await createTracker({ journalPath, experimentName }, { env: {} });
    expect(tracker.mode).toBe('journal');
    const { parent, children } = await logPipeline(tracker, dir);
    const mv = await tracker.registerModel({
      name: modelName,
      runId: parent.runId,
      artifactPath: 'model/model.onnx',
      alias: 'candidate',
      tags: { 'hokusai.data_sha256': DATA_SHA, 'hokusai.delta': '0.0312' },
    });
    expect(mv).toEqual({ name: modelName, version: undefined, journaled: true });
    await parent.end('FINISHED');
    await tracker.close();
    expect(tracker.warnings).toEqual([]);
    expect(parent.runId).toBe(parent.journalRunId);
    expect(parent.runId).toMatch(/^journal-/);

    const lines = (await readFile(journalPath, 'utf8')).trim().split('\n');
    const { entries } = await readJournal(journalPath);
    expect(entries).toHaveLength(lines.length);
    expect(entries.some((e) => e.sent)).toBe(false);

    const first = await syncJournal(journalPath, uri);
    expect(first.failed).toBe(0);
    expect(first.errors).toEqual([]);
    expect(first.created).toBe(4);
    expect(first.delivered).toBe(entries.length - 4);
    expect(first.modelVersions).toEqual([{ name: modelName, version: '1' }]);
    const serverId = first.runs[parent.journalRunId] as string;
    await expectPipelineOnServer(serverId, model, modelName);
    expect(Object.keys(first.runs).sort()).toEqual([parent, ...children].map((r) => r.journalRunId).sort());

    const second = await syncJournal(journalPath, uri);
    expect(second).toMatchObject({ created: 0, delivered: 0, failed: 0, skipped: entries.length });

    // Without the state file, runs are found by their journal tag and versions by theirs.
    await rm(`${journalPath}.sync-state.json`);
    const third = await syncJournal(journalPath, uri);
    expect(third.created).toBe(0);
    expect(third.failed).toBe(0);
    expect(third.runs).toEqual(first.runs);
    const exp = await reader.getExperimentByName(experimentName);
    const all = await reader.searchRuns({ experimentIds: [exp?.experimentId as string] });
    expect(all.runs).toHaveLength(4);
    const versions = await reader.searchModelVersions(`name = '${modelName}'`);
    expect(versions.map((v) => v.version)).toEqual(['1']);
    const loss = await reader.getMetricHistory(serverId, 'train.loss');
    expect(loss).toHaveLength(5);
  });

  it('batches many journaled calls into few requests, and one refused call does not sink the others', async () => {
    const journalPath = await tempJournal();
    const tracker = await createTracker({ journalPath, experimentName: `batched-${randomUUID()}` }, { env: {} });
    const run = await tracker.startRun({ name: 'r' });
    await run.logParams({ lr: 0.1 });
    for (let step = 0; step < 1500; step++) await run.logMetrics({ loss: 1 / (step + 1) }, { step, timestamp: 1_700_000_000_000 + step });
    await run.logParams({ lr: 0.2 });
    await run.logMetrics({ final: 0.9 });
    await run.end('FINISHED');
    await tracker.close();
    const result = await syncJournal(journalPath, uri);
    expect(result.failed).toBe(1);
    expect(result.errors.join('\n')).toMatch(/Changing param values is not allowed/);
    expect(result.delivered).toBe(1 + 1500 + 1 + 1);
    const serverId = result.runs[run.journalRunId] as string;
    const got = await reader.getRun(serverId);
    expect(got.params).toEqual({ lr: '0.1' });
    expect(got.metrics.find((m) => m.key === 'final')?.value).toBe(0.9);
    expect(await reader.getMetricHistory(serverId, 'loss')).toHaveLength(1500);
    expect(got.info.status).toBe('FINISHED');
    // The refused call stays owed: a second sync tries it again and nothing else.
    const again = await syncJournal(journalPath, uri);
    expect(again).toMatchObject({ created: 0, delivered: 0, failed: 1 });
  });

  it('refuses to upload an artifact that changed after it was journaled', async () => {
    const { dir } = await pipelineOutput();
    const journalPath = await tempJournal();
    const tracker = await createTracker({ journalPath, experimentName: `changed-${randomUUID()}` }, { env: {} });
    const run = await tracker.startRun({ name: 'r' });
    await run.logArtifact(join(dir, 'report.json'));
    await run.end('FINISHED');
    await tracker.close();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'report.json'), '{"delta":{"auroc":0.9}}');
    const result = await syncJournal(journalPath, uri);
    expect(result.failed).toBe(1);
    expect(result.errors.join('\n')).toMatch(/changed since it was logged/);
    const serverId = result.runs[run.journalRunId] as string;
    expect((await reader.listArtifacts(serverId)).map((f) => f.path)).toEqual([]);
    expect((await reader.getRun(serverId)).info.status).toBe('FINISHED');
  });
});
