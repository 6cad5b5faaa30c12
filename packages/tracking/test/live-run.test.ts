import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { copyJournal, createTracker, JOURNAL_RUN_TAG, MlflowClient, readJournal, syncJournal, TrackingError } from '../src/index.js';
import { tempJournal } from './fixtures.js';

const uri = inject('mlflowUri');
const reader = new MlflowClient(uri);
afterAll(() => reader.close());

const SHA = 'ab'.repeat(32);

describe('a run continued by a later tracker (a resumed pipeline)', () => {
  it('keeps the same server run: RUNNING after the first tracker stops, FINISHED with the given end time after the second', async () => {
    const journalPath = await tempJournal();
    const experimentName = `live-${randomUUID()}`;
    const first = await createTracker({ journalPath, experimentName, trackingUri: uri });
    const parent = await first.startRun({ name: 'pipeline', startTime: 1_700_000_000_000 });
    await parent.logMetrics({ 'pipeline.step': 1 }, { step: 1, timestamp: 1_700_000_001_000 });
    // The process dies here: nothing ends the run.
    await first.close();
    expect((await reader.getRun(parent.runId)).info.status).toBe('RUNNING');
    expect(first.runUrl(parent.runId)).toBe(`${uri}/#/experiments/${(await reader.getRun(parent.runId)).info.experimentId}/runs/${parent.runId}`);

    const second = await createTracker({ journalPath, experimentName, trackingUri: uri });
    const resumed = await second.resumeRun(parent.journalRunId);
    expect(resumed.runId).toBe(parent.runId);
    await resumed.logMetrics({ 'pipeline.step': 2 }, { step: 2, timestamp: 1_700_000_002_000 });
    await resumed.end('FINISHED', undefined, 1_700_000_003_000);
    await second.close();
    expect(second.warnings).toEqual([]);

    const run = await reader.getRun(parent.runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.startTime).toBe(1_700_000_000_000);
    expect(run.info.endTime).toBe(1_700_000_003_000);
    const history = await reader.getMetricHistory(parent.runId, 'pipeline.step');
    expect(history.map((m) => [m.step, m.timestamp])).toEqual([
      [1, 1_700_000_001_000],
      [2, 1_700_000_002_000],
    ]);
    // One journal run, positions continuing where the first tracker stopped.
    const { entries } = await readJournal(journalPath);
    expect(new Set(entries.map((e) => e.run))).toEqual(new Set([parent.journalRunId]));
    expect(entries.map((e) => e.i)).toEqual([0, 1, 2, 3]);
  });

  it('a resumed run reads a metric\'s points from the server, one the journal lost included; offline, none', async () => {
    const journalPath = await tempJournal();
    const experimentName = `live-history-${randomUUID()}`;
    const first = await createTracker({ journalPath, experimentName, trackingUri: uri });
    const parent = await first.startRun({ name: 'pipeline', startTime: 1_700_000_000_000 });
    await parent.logMetrics({ 'pipeline.step': 1 }, { step: 1, timestamp: 1_700_000_001_000 });
    await parent.logMetrics({ 'pipeline.step': 2 }, { step: 2, timestamp: 1_700_000_002_000 });
    await first.close();
    // The process died after the server took the second point and before its journal line.
    const lines = (await readFile(journalPath, 'utf8')).trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ op: 'log', metrics: [{ key: 'pipeline.step', value: 2 }] });
    await writeFile(journalPath, `${lines.slice(0, -1).join('\n')}\n`);

    const second = await createTracker({ journalPath, experimentName, trackingUri: uri });
    const resumed = await second.resumeRun(parent.journalRunId);
    expect((await resumed.serverMetricHistory('pipeline.step')).map((m) => [m.value, m.timestamp, m.step])).toEqual([
      [1, 1_700_000_001_000, 1],
      [2, 1_700_000_002_000, 2],
    ]);
    expect(await resumed.serverMetricHistory('no.such.metric')).toEqual([]);
    await resumed.end('FINISHED');
    await second.close();

    const offline = await createTracker({ journalPath: await tempJournal(), experimentName }, { env: {} });
    const alone = await offline.startRun({ name: 'pipeline' });
    await alone.logMetrics({ 'pipeline.step': 1 }, { step: 1 });
    expect(await alone.serverMetricHistory('pipeline.step')).toEqual([]);
    await offline.close();
  });

  it('offline: continues the journal run past a line the killed process cut short, and a sync delivers one finished run', async () => {
    const journalPath = await tempJournal();
    const experimentName = `live-offline-${randomUUID()}`;
    const first = await createTracker({ journalPath, experimentName }, { env: {} });
    const parent = await first.startRun({ name: 'pipeline', startTime: 1_700_000_000_000 });
    await parent.logMetrics({ 'pipeline.step': 1 }, { step: 1, timestamp: 1_700_000_001_000 });
    await first.close();
    await appendFile(journalPath, '{"v":1,"op":"log","run":"cut');

    const second = await createTracker({ journalPath, experimentName }, { env: {} });
    const resumed = await second.resumeRun(parent.journalRunId);
    expect(resumed.runId).toBe(parent.journalRunId);
    const child = await second.startRun({ name: 'train baseline', parentRunId: resumed.runId, startTime: 1_700_000_001_500 });
    await child.logMetrics({ training_loss: 0.6 }, { step: 0 });
    await child.logMetrics({ training_loss: 0.4 }, { step: 7 });
    await child.end('FINISHED', undefined, 1_700_000_001_900);
    await resumed.logMetrics({ 'pipeline.step': 2 }, { step: 2, timestamp: 1_700_000_002_000 });
    await resumed.end('FINISHED', undefined, 1_700_000_003_000);
    await second.close();

    const synced = await syncJournal(journalPath, uri);
    expect(synced.errors).toEqual([]);
    expect(synced.created).toBe(2);
    const run = await reader.getRun(synced.runs[parent.journalRunId] as string);
    expect(run.info).toMatchObject({ status: 'FINISHED', startTime: 1_700_000_000_000, endTime: 1_700_000_003_000 });
    expect((await reader.getMetricHistory(run.info.runId, 'pipeline.step')).map((m) => m.step)).toEqual([1, 2]);
    const trained = await reader.getRun(synced.runs[child.journalRunId] as string);
    expect(trained.tags['mlflow.parentRunId']).toBe(run.info.runId);
    expect(trained.info).toMatchObject({ status: 'FINISHED', startTime: 1_700_000_001_500, endTime: 1_700_000_001_900 });
    expect((await reader.getMetricHistory(trained.info.runId, 'training_loss')).map((m) => [m.step, m.value])).toEqual([
      [0, 0.6],
      [7, 0.4],
    ]);
  });

  it('ends KILLED a nested run the server holds but the journal never recorded (the process died between the two)', async () => {
    const journalPath = await tempJournal();
    const experimentName = `live-orphan-${randomUUID()}`;
    const first = await createTracker({ journalPath, experimentName, trackingUri: uri });
    const parent = await first.startRun({ name: 'pipeline', startTime: 1_700_000_000_000 });
    const journaled = await first.startRun({ name: 'train baseline', parentRunId: parent.runId, startTime: 1_700_000_000_500 });
    const experimentId = (await reader.getRun(parent.runId)).info.experimentId;
    // startRun creates the run on the server and then journals it: a kill in between leaves this.
    const orphan = await reader.createRun({ experimentId, runName: 'train new', startTime: 1_700_000_000_600, tags: { 'mlflow.parentRunId': parent.runId, [JOURNAL_RUN_TAG]: `journal-${randomUUID()}` } });
    const elsewhere = await reader.createRun({ experimentId, runName: 'not nested', startTime: 1_700_000_000_700 });
    await first.close();

    const second = await createTracker({ journalPath, experimentName, trackingUri: uri });
    const resumed = await second.resumeRun(parent.journalRunId);
    await second.close();
    expect(second.warnings).toEqual([]);
    const ended = await reader.getRun(orphan.runId);
    expect(ended.info.status).toBe('KILLED');
    expect(ended.info.endTime).toBeGreaterThan(0);
    // The journal's own open run is the resuming caller's to continue or end; other runs are not touched.
    expect((await reader.getRun(journaled.runId)).info.status).toBe('RUNNING');
    expect((await reader.getRun(elsewhere.runId)).info.status).toBe('RUNNING');
    expect((await reader.getRun(resumed.runId)).info.status).toBe('RUNNING');
  });

  it('refuses to resume a run its journal does not hold', async () => {
    const journalPath = await tempJournal();
    await writeFile(journalPath, '').catch(() => undefined);
    const tracker = await createTracker({ journalPath, experimentName: 'x' }, { env: {} });
    await tracker.startRun({ name: 'other' });
    await tracker.close();
    const again = await createTracker({ journalPath, experimentName: 'x' }, { env: {} });
    const error = await again.resumeRun('journal-missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackingError);
    expect((error as TrackingError).message).toContain('holds no run journal-missing');
    await again.close();
  });
});

describe('datasets and journal copies', () => {
  it('sends a dataset source as the JSON object MLflow clients read ({"uri": ...}), with its schema and profile', async () => {
    const journalPath = await tempJournal();
    const tracker = await createTracker({ journalPath, experimentName: `datasets-${randomUUID()}`, trackingUri: uri });
    const run = await tracker.startRun({ name: 'with data' });
    const schema = JSON.stringify({ mlflow_colspec: [{ type: 'double', name: 'age', required: true }] });
    await run.logInputs([{ name: 'base', sha256: SHA, source: 'base.csv', context: 'training', schema, profile: '{"num_rows": 3}' }]);
    await run.end('FINISHED');
    await tracker.close();
    const [input] = (await reader.getRun(run.runId)).inputs;
    expect(input).toMatchObject({ name: 'base', sourceType: 'local', source: '{"uri":"base.csv"}', schema, profile: '{"num_rows": 3}' });
    expect(input?.tags['mlflow.data.context']).toBe('training');
  });

  it('a journal copied to another folder still finds the files it logged', async () => {
    const journalPath = await tempJournal();
    const data = await mkdtemp(join(tmpdir(), 'hokusai-copy-'));
    await writeFile(join(data, 'report.json'), '{"ok":true}');
    const tracker = await createTracker({ journalPath, experimentName: `copy-${randomUUID()}` }, { env: {} });
    const run = await tracker.startRun({ name: 'copied' });
    await run.logArtifact(join(data, 'report.json'));
    await run.end('FINISHED');
    await tracker.close();
    const copy = join(data, 'tracking', 'journal.jsonl');
    await copyJournal(journalPath, copy);
    const [, artifact] = (await readJournal(copy)).entries;
    expect(artifact).toMatchObject({ op: 'artifact', localPath: '../report.json' });
    const synced = await syncJournal(copy, uri);
    expect(synced.errors).toEqual([]);
    expect((await reader.readArtifact(synced.runs[run.journalRunId] as string, 'report.json')).toString()).toBe('{"ok":true}');
  });
});
