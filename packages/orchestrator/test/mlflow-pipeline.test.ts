import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient } from '@hokusai/tracking';
// The tracking package's test harness starts a real `mlflow server` (SQLite, served artifacts).
// It moves to @hokusai/test-helpers; until then this is the one import of another package's test/.
// eslint-disable-next-line no-restricted-imports, @nx/enforce-module-boundaries -- moves to @hokusai/test-helpers
import { startMlflowServer, type MlflowServer } from '../../tracking/test/mlflow-server.js';
import { runPipeline, type PipelineResult } from '../src/index.js';
import { quickstartConfig } from './fixtures/quickstart.js';


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
});
