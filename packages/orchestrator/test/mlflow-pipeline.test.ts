import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowClient, syncJournal } from '@hokusai/tracking';
import { chromium, type Page } from 'playwright-core';
// The tracking package's test harness starts a real `mlflow server` (SQLite, served artifacts).
import { startMlflowServer, type MlflowServer } from '@hokusai/test-helpers';
import { hokusaiHooks, RunStore, runPipeline, verifyRun, type PipelineResult } from '../src/index.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Screenshots a test run keeps for people to look at (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../.vitest-artifacts/', import.meta.url));
const SECRET = 's3cret-tracking-pw';
const REGISTRY_SCORES = fileURLToPath(new URL('./python/registry_scores.py', import.meta.url));
const RUN_DATASETS = fileURLToPath(new URL('./python/run_datasets.py', import.meta.url));


/** Opens headless Chromium on a fresh profile, runs `use`, and closes it. */
async function withChromium(viewport: { width: number; height: number }, use: (page: Page) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (bash scripts/setup.sh --services)`);
  await mkdir(ARTIFACTS, { recursive: true });
  const userData = mkdtempSync(join(tmpdir(), 'hokusai-chromium-'));
  const context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport });
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
    await rm(userData, { recursive: true, force: true });
  }
}

/** The run id at the end of an MLflow UI link. */
function liveRunId(url: string | undefined): string {
  return (url ?? '').split('/runs/')[1] ?? '';
}

// One real `mlflow server` (SQLite, served artifacts) for the whole file.
let server: MlflowServer;
beforeAll(async () => {
  server = await startMlflowServer();
}, 300_000);
afterAll(async () => {
  await server?.stop();
});

describe('a pipeline run logged to a real MLflow server', () => {
  let client: MlflowClient;
  let result: PipelineResult;
  let out: string;
  let store: string;
  let runUrl: string | undefined;
  let statusWhileRunning: Promise<string> | undefined;
  let liveShot: string | undefined;

  beforeAll(async () => {
    client = new MlflowClient(server.uri);
    const work = await mkdtemp(join(tmpdir(), 'hokusai-mlflow-'));
    out = join(work, 'out');
    store = join(work, 'store');
    // While the new model is about to train, the MLflow UI shows the run live: RUNNING, the steps
    // so far on its timeline, the two trainings under it.
    const hooks = hokusaiHooks();
    hooks.register(
      'pre_training',
      async (payload) => {
        if (payload.role !== 'new') return payload;
        try {
          await withChromium({ width: 1400, height: 1600 }, async (page) => {
            await page.goto(runUrl as string);
            await page.getByText('step.search.duration_seconds').first().waitFor({ timeout: 60_000 });
            await page.screenshot({ path: join(ARTIFACTS, 'mlflow-live-run.png') });
          });
          liveShot = (await client.getRun(liveRunId(runUrl))).info.status;
        } catch (error) {
          liveShot = `no screenshot: ${(error as Error).message}`;
        }
        return payload;
      },
      'mlflow-ui-live-screenshot',
    );
    result = await runPipeline(
      // Credentials in the URI: the server does not check them, so they must simply never show.
      quickstartConfig(out, {
        delta: { bootstrapResamples: 200 },
        search: { strategy: 'grid', space: { l2: { values: [1e-4, 1e-3] } }, metric: 'log_loss' },
        tracking: { uri: server.uri.replace('http://', `http://alice:${SECRET}@`), experiment: 'hokusai-it', modelName: 'churn-model' },
      }),
      {
        store,
        hooks,
        onTracking: (t) => (runUrl = t.runUrl),
        // While the pipeline runs, its MLflow run is already there and RUNNING.
        onEvent: (event) => {
          if (event.type === 'step_finished' && event.step === 'integrate') statusWhileRunning = client.getRun(liveRunId(runUrl)).then((r) => r.info.status);
        },
      },
    );
  }, 300_000);

  afterAll(async () => {
    await client?.close();
  });

  it('logs one parent run with params, both models\' metrics, every delta and the tags', async () => {
    expect(result.tracking.mode).toBe('server');
    expect(result.tracking.warnings).toEqual([]);
    const run = await client.getRun(result.tracking.runId as string);
    expect(run.info.status).toBe('FINISHED');
    const metric = (key: string): number | undefined => run.metrics.find((m) => m.key === key)?.value;
    expect(metric('baseline.accuracy')).toBe(result.baselineMetrics.accuracy);
    expect(metric('new.accuracy')).toBe(result.newMetrics.accuracy);
    expect(metric('delta_one')).toBe(result.deltaOne);
    for (const [name, m] of Object.entries(result.delta.metrics)) {
      if (m.absolute_delta !== null) expect(metric(`delta.${name}`), name).toBe(m.absolute_delta);
    }
    expect(run.params['target']).toBe('churned');
    expect(run.params['model.family']).toBe('logistic_regression');
    expect(JSON.stringify(run.params)).not.toMatch(/[A-Za-z0-9._%+-]+@example\.com/);
    expect(run.tags['hokusai.merkle_root']).toBe(result.merkleRoot);
    expect(run.tags['hokusai.decision']).toBe('accepted');
    expect(run.tags['hokusai.version.evaluation']).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.inputs.map((i) => i.name).sort()).toEqual(['base', 'benchmark', 'contributed']);
  });

  it('starts the run with the pipeline (RUNNING while it runs, link given at the start) and ends it FINISHED at the true end', async () => {
    const run = await client.getRun(result.tracking.runId as string);
    expect(runUrl).toBe(`${server.uri}/#/experiments/${run.info.experimentId}/runs/${run.info.runId}`);
    expect(result.tracking.runUrl).toBe(runUrl);
    expect(await statusWhileRunning).toBe('RUNNING');
    const steps = [...(await new RunStore(store).readSteps(result.runId)).values()];
    expect(run.info.startTime).toBeLessThanOrEqual(Math.min(...steps.map((r) => r.startedAt as number)));
    expect(run.info.endTime).toBeGreaterThanOrEqual(Math.max(...steps.map((r) => r.finishedAt as number)));
    // A real duration, not the moment of logging after the end.
    expect((run.info.endTime as number) - (run.info.startTime as number)).toBeGreaterThanOrEqual(steps.reduce((t, r) => Math.max(t, r.durationMs), 0));
  });

  it('links report.json and report.html to the MLflow run, without credentials, and still verifies', async () => {
    const runId = result.tracking.runId as string;
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { context: { mlflow: { run_id: string; url: string } | null } };
    expect(report.context.mlflow).toEqual({ run_id: runId, url: `${server.uri}/#/runs/${runId}` });
    expect(JSON.stringify(report)).not.toContain(SECRET);
    const verification = await verifyRun(out);
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    // The address opens this run in the MLflow UI (its direct route for a run).
    const userData = mkdtempSync(join(tmpdir(), 'hokusai-chromium-'));
    const context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(report.context.mlflow?.url as string);
      await page.getByText(result.runId).first().waitFor({ timeout: 60_000 });
      expect(page.url()).toContain(runId);
    } finally {
      await context.close();
      await rm(userData, { recursive: true, force: true });
    }
  }, 120_000);

  it('the parent carries the step timeline: each step\'s duration at its true end time, and pipeline.step by step index', async () => {
    const runId = result.tracking.runId as string;
    const steps = [...(await new RunStore(store).readSteps(result.runId)).values()];
    expect(steps.length).toBeGreaterThanOrEqual(13);
    for (const record of steps) {
      const [point, ...more] = await client.getMetricHistory(runId, `step.${record.step}.duration_seconds`);
      expect(more, record.step).toEqual([]);
      expect(point?.value, record.step).toBe(record.durationMs / 1000);
      expect(point?.timestamp, record.step).toBe(record.finishedAt);
    }
    const progress = await client.getMetricHistory(runId, 'pipeline.step');
    expect(progress.map((m) => m.step).sort((a, b) => a - b)).toEqual(steps.map((_, i) => i + 1));
    expect(progress.every((m) => m.value === m.step)).toBe(true);
    expect(progress.map((m) => m.timestamp).sort((a, b) => a - b)).toEqual(steps.map((r) => r.finishedAt as number).sort((a, b) => a - b));
  });

  it('child runs only for the two trainings (params, loss per iteration, true times), with the search trials under train baseline', async () => {
    const runId = result.tracking.runId as string;
    const experiment = await client.getExperimentByName('hokusai-it');
    const childrenOf = async (id: string) => (await client.searchRuns({ experimentIds: [experiment?.experimentId as string], filter: `tags.mlflow.parentRunId = '${id}'` })).runs;
    const trainings = await childrenOf(runId);
    expect(trainings.map((r) => r.info.runName).sort()).toEqual(['train baseline', 'train new']);
    const records = await new RunStore(store).readSteps(result.runId);
    for (const training of trainings) {
      const step = training.tags['hokusai.step'] as string;
      const record = records.get(step);
      expect(training.info.status).toBe('FINISHED');
      expect(training.info.startTime, step).toBe(record?.startedAt);
      expect(training.info.endTime, step).toBe(record?.finishedAt);
      expect(training.params).toMatchObject({ family: 'logistic_regression', seed: expect.stringMatching(/^\d+$/), 'params.l2': expect.stringMatching(/^0\.001$|^0\.0001$|^1e-4$/) });
      const loss = await client.getMetricHistory(training.info.runId, 'training_loss');
      expect(loss.length, step).toBeGreaterThan(1);
      const bySteps = [...loss].sort((a, b) => a.step - b.step);
      expect(new Set(bySteps.map((m) => m.step)).size).toBe(loss.length);
      expect((bySteps[bySteps.length - 1] as { value: number }).value).toBeLessThan((bySteps[0] as { value: number }).value);
    }
    const baseline = trainings.find((r) => r.info.runName === 'train baseline');
    const trials = await childrenOf(baseline?.info.runId as string);
    expect(trials.map((r) => r.info.runName).sort()).toEqual(['trial 0', 'trial 1']);
    for (const trial of trials) {
      expect(trial.info.status).toBe('FINISHED');
      expect(['0.0001', '0.001', '1e-4']).toContain(trial.params['l2']);
      expect(trial.metrics.find((m) => m.key === 'validation_log_loss')?.value).toBeGreaterThan(0);
    }
    expect(await childrenOf((trainings.find((r) => r.info.runName === 'train new') as { info: { runId: string } }).info.runId)).toEqual([]);
  });

  it('logs the three inputs as datasets mlflow.data.get_source reads, with a schema, the content hash as digest and their context', async () => {
    const py = spawnSync('python3', [RUN_DATASETS, result.tracking.runId as string], { encoding: 'utf8', env: { ...process.env, MLFLOW_TRACKING_URI: server.uri }, timeout: 120_000 });
    expect(py.status, py.stderr.slice(-3000)).toBe(0);
    const datasets = JSON.parse(py.stdout.trim().split('\n').pop() as string) as Array<{ name: string; digest: string; context: string; source_class: string; source_uri: string; columns: Array<[string, string, boolean]>; profile: { num_rows: number } }>;
    expect(datasets.map((d) => [d.name, d.context, d.source_class, d.source_uri])).toEqual([
      ['base', 'training', 'LocalArtifactDatasetSource', 'base.csv'],
      ['benchmark', 'evaluation', 'LocalArtifactDatasetSource', 'benchmark.csv'],
      ['contributed', 'training', 'LocalArtifactDatasetSource', 'contributed.csv'],
    ]);
    for (const d of datasets) {
      const manifest = JSON.parse(await readFile(join(out, 'manifests', `${d.name === 'benchmark' ? 'benchmark' : d.name}.json`), 'utf8')) as { content_hash: string; row_count: number; columns: string[] };
      expect(d.digest).toBe(manifest.content_hash.slice(0, 36));
      expect(d.profile.num_rows).toBe(manifest.row_count);
      expect(d.columns.map((c) => c[0])).toEqual(manifest.columns);
    }
    const base = datasets.find((d) => d.name === 'base');
    expect(base?.columns.find((c) => c[0] === 'age')?.[1]).toMatch(/^(long|double)$/);
    expect(base?.columns.find((c) => c[0] === 'region')?.[1]).toBe('string');
  }, 150_000);

  it('uploads the output folder as artifacts, byte for byte', async () => {
    const runId = result.tracking.runId as string;
    for (const file of ['attestation.json', 'model.onnx', 'report.json', 'manifests/contributed.json']) {
      const served = await client.readArtifact(runId, file);
      expect(Buffer.compare(served, await readFile(join(out, file))), file).toBe(0);
    }
  });

  it('registers the new model as a version with the run, data hash and delta, and an alias', async () => {
    const version = await client.getModelVersionByAlias('churn-model', 'accepted');
    expect(version?.runId).toBe(result.tracking.runId);
    expect(version?.tags['hokusai.delta_one']).toBe(String(result.deltaOne));
    expect(version?.tags['hokusai.data_sha256']).toMatch(/^[a-f0-9]{64}$/);
  });

  it('logs both models as MLflow logged models, READY, linked to the run, and registers the new one from its model folder', async () => {
    const runId = result.tracking.runId as string;
    const run = await client.getRun(runId);
    const models = await client.searchLoggedModels({ experimentIds: [run.info.experimentId], filter: `source_run_id = '${runId}'` });
    expect(models.map((m) => m.name).sort()).toEqual(['baseline', 'model']);
    for (const m of models) expect(m.status, m.name).toBe('LOGGED_MODEL_READY');
    const logged = models.find((m) => m.name === 'model');
    const files = (await client.listModelArtifacts(logged?.modelId as string, undefined, { recursive: true })).map((f) => f.path).sort();
    expect(files).toEqual(['MLmodel', 'conda.yaml', 'input_example.json', 'model.onnx', 'python_env.yaml', 'requirements.txt', 'serving_input_example.json']);
    const served = await client.artifacts.read(logged?.modelId as string, 'model.onnx');
    expect(Buffer.compare(served, await readFile(join(out, 'model.onnx')))).toBe(0);
    const version = await client.getModelVersionByAlias('churn-model', 'accepted');
    expect(version?.source).toBe(logged?.artifactLocation);
    // MLflow 3.17's own stores keep the version <-> logged model link on the logged model.
    const linked = await client.getLoggedModel(logged?.modelId as string);
    expect(JSON.parse(linked.tags['mlflow.modelVersions'] ?? '[]')).toEqual([{ name: 'churn-model', version: Number(version?.version) }]);
  });

  it('mlflow.pyfunc loads models:/churn-model@accepted and reproduces predictions.json on the benchmark to 1e-6', () => {
    const py = spawnSync('python3', [REGISTRY_SCORES, 'models:/churn-model@accepted', join(QUICKSTART, 'benchmark.csv'), join(out, 'predictions.json')], {
      encoding: 'utf8',
      env: { ...process.env, MLFLOW_TRACKING_URI: server.uri },
      timeout: 180_000,
    });
    expect(py.status, py.stderr.slice(-3000)).toBe(0);
    const report = JSON.parse(py.stdout.trim().split('\n').pop() as string) as { rows: number; max_abs_diff: number; flavors: string[]; signature_inputs: string[] };
    expect(report.rows).toBe(1000);
    expect(report.max_abs_diff).toBeLessThanOrEqual(1e-6);
    expect(report.flavors).toEqual(['onnx', 'python_function']);
    expect(report.signature_inputs).toEqual(['age', 'income', 'tenure_months', 'monthly_spend', 'support_calls', 'region', 'plan']);
  }, 200_000);

  it('never shows the tracking URI credentials: not in params, tags, the journal, run.json or warnings, and params hold no absolute paths', async () => {
    const run = await client.getRun(result.tracking.runId as string);
    expect(run.params['tracking.uri']).toBe(server.uri.replace('http://', 'http://***@'));
    for (const value of Object.values(run.params)) expect(value.startsWith('/'), value).toBe(false);
    const texts = [
      JSON.stringify(run.params),
      JSON.stringify(run.tags),
      await readFile(join(out, 'tracking', 'journal.jsonl'), 'utf8'),
      await readFile(join(store, 'runs', result.runId, 'run.json'), 'utf8'),
      result.tracking.warnings.join('\n'),
    ];
    for (const text of texts) expect(text).not.toContain(SECRET);
  });

  it('sets the tags MLflow users expect, a Markdown note with verdict, DeltaOne and the metric table, and logs p-values, intervals and confusion counts', async () => {
    const run = await client.getRun(result.tracking.runId as string);
    expect(run.tags['mlflow.user']).toMatch(/.+/);
    expect(run.tags['mlflow.source.name']).toBe('hokusai');
    expect(run.tags['mlflow.source.type']).toBe('LOCAL');
    const note = run.tags['mlflow.note.content'] ?? '';
    expect(note).toContain(`**ACCEPTED**: DeltaOne ${(result.deltaOne as number).toFixed(2)} on accuracy`);
    expect(note).toMatch(/\| accuracy \| \d\.\d{4} \| \d\.\d{4} \|/);
    const metric = (key: string): number | undefined => run.metrics.find((m) => m.key === key)?.value;
    expect(metric('p_value.accuracy')).toBe(result.delta.metrics['accuracy']?.p_value);
    expect(metric('ci_low.accuracy')).toBe(result.delta.metrics['accuracy']?.ci?.[0]);
    expect(metric('ci_high.accuracy')).toBe(result.delta.metrics['accuracy']?.ci?.[1]);
    expect(metric('new.confusion.tp')).toBe(result.newMetrics.confusion.tp);
    expect(metric('baseline.confusion.fn')).toBe(result.baselineMetrics.confusion.fn);
    expect(metric('mcnemar.p_value')).toBe(result.delta.tests.mcnemar.p_value);
  });

  it('the MLflow UI shows the live run, then the finished one: step timeline, trainings and trials, logged models, datasets with schema, the note (headless Chromium screenshots kept under .vitest-artifacts/)', async () => {
    // Taken by the pre_training hook of the new model, while the pipeline was running.
    expect(liveShot).toBe('RUNNING');
    expect(existsSync(join(ARTIFACTS, 'mlflow-live-run.png'))).toBe(true);
    const run = await client.getRun(result.tracking.runId as string);
    const runPage = `${server.uri}/#/experiments/${run.info.experimentId}/runs/${run.info.runId}`;
    await withChromium({ width: 1400, height: 2400 }, async (page) => {
      await page.goto(runPage);
      await page.getByText('ACCEPTED', { exact: false }).first().waitFor({ timeout: 60_000 });
      await page.getByText(result.runId).first().waitFor({ timeout: 30_000 });
      await page.getByText('step.train_baseline.duration_seconds').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'mlflow-run.png') });
      // The dataset drawer shows the schema: column names and MLflow types.
      await page.getByText('benchmark (', { exact: false }).first().click();
      await page.getByText('monthly_spend').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'mlflow-dataset-schema.png') });
    });
    await withChromium({ width: 1400, height: 1400 }, async (page) => {
      await page.goto(`${runPage}/model-metrics`);
      await page.getByPlaceholder(/search/i).first().fill('step', { timeout: 60_000 });
      await page.getByText('pipeline.step').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(3000);
      await page.screenshot({ path: join(ARTIFACTS, 'mlflow-step-timeline.png') });
    });
    // The baseline training: its trials as child runs, its params, and its loss per iteration.
    const trainings = (await client.searchRuns({ experimentIds: [run.info.experimentId], filter: `tags.mlflow.parentRunId = '${run.info.runId}'` })).runs;
    const baselinePage = `${server.uri}/#/experiments/${run.info.experimentId}/runs/${trainings.find((r) => r.info.runName === 'train baseline')?.info.runId as string}`;
    await withChromium({ width: 1400, height: 1400 }, async (page) => {
      await page.goto(baselinePage);
      await page.getByText('trial 1').first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'mlflow-train-baseline.png') });
      await page.goto(`${baselinePage}/model-metrics`);
      await page.getByText('training_loss').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(3000);
      await page.screenshot({ path: join(ARTIFACTS, 'mlflow-training-loss.png') });
    });
    for (const shot of ['mlflow-run.png', 'mlflow-dataset-schema.png', 'mlflow-step-timeline.png', 'mlflow-train-baseline.png', 'mlflow-training-loss.png']) expect(existsSync(join(ARTIFACTS, shot)), shot).toBe(true);
  }, 300_000);
});

describe('rejected contributions and the offline journal, against a real MLflow server', () => {
  let client: MlflowClient;
  let work: string;
  // Same data, a bar it cannot clear: the contribution is rejected.
  const rejecting = { delta: { bootstrapResamples: 200, thresholdPp: 90 } };

  beforeAll(async () => {
    client = new MlflowClient(server.uri);
    work = await mkdtemp(join(tmpdir(), 'hokusai-mlflow-rejected-'));
  }, 300_000);

  afterAll(async () => {
    await client?.close();
  });

  it('tracking.modelName names the registered model; a rejected run is logged but not registered by default', async () => {
    const result = await runPipeline(quickstartConfig(join(work, 'out-a'), { ...rejecting, tracking: { uri: server.uri, experiment: 'rejected', modelName: 'churn-rejected' } }), { store: join(work, 'store-a') });
    expect(result.accepted).toBe(false);
    const run = await client.getRun(result.tracking.runId as string);
    expect(run.tags['hokusai.decision']).toBe('rejected');
    const models = await client.searchLoggedModels({ experimentIds: [run.info.experimentId], filter: `source_run_id = '${run.info.runId}'` });
    expect(models.map((m) => m.name).sort()).toEqual(['baseline', 'model']);
    expect((await client.searchRegisteredModels()).map((m) => m.name)).not.toContain('churn-rejected');
  }, 300_000);

  it('offline, the same events are journaled as they happen; sync delivers the same run, and registerRejected registers the rejected model under tracking.modelName', async () => {
    const out = join(work, 'out-b');
    const store = join(work, 'store-b');
    const saved = process.env.MLFLOW_TRACKING_URI;
    delete process.env.MLFLOW_TRACKING_URI;
    let result: PipelineResult;
    try {
      result = await runPipeline(
        quickstartConfig(out, { ...rejecting, search: { strategy: 'grid', space: { l2: { values: [1e-4, 1e-3] } }, metric: 'log_loss' }, tracking: { experiment: 'offline', modelName: 'churn-kept', registerRejected: true } }),
        { store },
      );
    } finally {
      if (saved !== undefined) process.env.MLFLOW_TRACKING_URI = saved;
    }
    expect(result.tracking.mode).toBe('journal');
    expect(result.tracking.journal).toBe(join(out, 'tracking', 'journal.jsonl'));
    const synced = await syncJournal(result.tracking.journal, server.uri);
    expect(synced.errors).toEqual([]);
    expect(synced.modelVersions).toEqual([{ name: 'churn-kept', version: '1' }]);
    expect((await client.getModelVersionByAlias('churn-kept', 'rejected'))?.version).toBe('1');

    expect(Object.keys(synced.runs)).toHaveLength(5);
    const experiment = await client.getExperimentByName('offline');
    const all = await client.searchAllRuns({ experimentIds: [experiment?.experimentId as string] });
    const parent = all.find((r) => r.tags['mlflow.parentRunId'] === undefined);
    expect(parent?.info.runName).toBe(result.runId);
    expect(parent?.info.status).toBe('FINISHED');
    const records = [...(await new RunStore(store).readSteps(result.runId)).values()];
    expect(parent?.info.startTime).toBeLessThanOrEqual(Math.min(...records.map((r) => r.startedAt as number)));
    for (const record of records) {
      const history = await client.getMetricHistory(parent?.info.runId as string, `step.${record.step}.duration_seconds`);
      expect(history.map((m) => [m.value, m.timestamp]), record.step).toEqual([[record.durationMs / 1000, record.finishedAt]]);
    }
    const byParent = (id: string | undefined) => all.filter((r) => r.tags['mlflow.parentRunId'] === id).map((r) => r.info.runName).sort();
    expect(byParent(parent?.info.runId)).toEqual(['train baseline', 'train new']);
    const baseline = all.find((r) => r.info.runName === 'train baseline');
    expect(byParent(baseline?.info.runId)).toEqual(['trial 0', 'trial 1']);
    expect((await client.getMetricHistory(baseline?.info.runId as string, 'training_loss')).length).toBeGreaterThan(1);
    expect(baseline?.info.startTime).toBe(records.find((r) => r.step === 'train_baseline')?.startedAt);
    expect(parent?.inputs.map((i) => i.name).sort()).toEqual(['base', 'benchmark', 'contributed']);
  }, 300_000);
});
