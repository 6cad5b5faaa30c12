import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowClient } from '@hokusai/tracking';
// The tracking package's test harness starts a real `mlflow server` (SQLite, served artifacts).
import { startMlflowServer, type MlflowServer } from '@hokusai/test-helpers';
import { runPipeline, type PipelineResult } from '../src/index.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

const REGISTRY_SCORES = fileURLToPath(new URL('./python/registry_scores.py', import.meta.url));


describe('a pipeline run logged to a real MLflow server', () => {
  let server: MlflowServer;
  let client: MlflowClient;
  let result: PipelineResult;
  let out: string;

  beforeAll(async () => {
    server = await startMlflowServer();
    client = new MlflowClient(server.uri);
    const work = await mkdtemp(join(tmpdir(), 'hokusai-mlflow-'));
    out = join(work, 'out');
    result = await runPipeline(
      quickstartConfig(out, { delta: { bootstrapResamples: 200 }, tracking: { uri: server.uri, experiment: 'hokusai-it', modelName: 'churn-model' } }),
      { store: join(work, 'store') },
    );
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
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

  it('nests one run per step under the parent', async () => {
    const experiment = await client.getExperimentByName('hokusai-it');
    const { runs } = await client.searchRuns({ experimentIds: [experiment?.experimentId as string], filter: `tags.mlflow.parentRunId = '${result.tracking.runId}'` });
    expect(runs.map((r) => r.tags['hokusai.step']).sort()).toEqual(['attest', 'delta', 'evaluate', 'integrate', 'load_base', 'load_benchmark', 'load_contributed', 'report', 'search', 'search_plan', 'search_trial', 'train_baseline', 'train_new']);
  });

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
});
