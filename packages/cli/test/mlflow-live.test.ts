import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '@hokusai/tracking';
import { startMlflowServer, type MlflowServer } from '@hokusai/test-helpers';
import { bin, hokusai } from './run-cli.js';

const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));
const inputs = ['--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id', '--no-proof'];

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('hokusai run killed mid-run, then hokusai resume, on a real MLflow server', () => {
  let server: MlflowServer;
  let client: MlflowClient;

  beforeAll(async () => {
    server = await startMlflowServer();
    client = new MlflowClient(server.uri);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('prints the run link at the start; the killed run stays RUNNING; resume continues the same MLflow run and ends it FINISHED', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-cli-live-'));
    const env = { ...process.env, MLFLOW_TRACKING_URI: server.uri, MLFLOW_EXPERIMENT_NAME: 'cli-live' };
    const args = ['run', ...inputs, '--out', join(work, 'out'), '--store', join(work, 'store')];
    const proc = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The link comes before the first step finishes: read it, then wait for the integrate step on the server.
    let url: string | undefined;
    for (let i = 0; i < 600 && url === undefined; i++) {
      url = /MLflow run: (\S+)/.exec(stderr)?.[1];
      if (url === undefined) await delay(100);
    }
    expect(url, stderr).toMatch(new RegExp(`^${server.uri}/#/experiments/\\d+/runs/[0-9a-f]{32}$`));
    const runId = (url as string).split('/runs/')[1] as string;
    for (let i = 0; i < 1200; i++) {
      if ((await client.getMetricHistory(runId, 'step.integrate.duration_seconds')).length > 0) break;
      await delay(100);
    }
    proc.kill('SIGKILL');
    expect(await exited).toBeNull();
    const killed = await client.getRun(runId);
    expect(killed.info.status).toBe('RUNNING');
    const stepsBefore = (await client.getMetricHistory(runId, 'pipeline.step')).length;
    expect(stepsBefore).toBeGreaterThan(0);

    const pipelineRun = killed.tags['hokusai.run_id'] as string;
    const resumed = await hokusai(['resume', pipelineRun, '--store', join(work, 'store')], { env: { MLFLOW_TRACKING_URI: server.uri, MLFLOW_EXPERIMENT_NAME: 'cli-live' } });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`MLflow run: ${url as string}`);
    expect(resumed.stdout).toContain(`MLflow run ${url as string}`);

    const finished = await client.getRun(runId);
    expect(finished.info.status).toBe('FINISHED');
    expect(finished.info.startTime).toBe(killed.info.startTime);
    // One parent run in the experiment: the resume made no second one.
    const parents = (await client.searchRuns({ experimentIds: [finished.info.experimentId] })).runs.filter((r) => r.tags['mlflow.parentRunId'] === undefined);
    expect(parents.map((r) => r.info.runId)).toEqual([runId]);
    // The step timeline goes on where the killed process stopped: each step index once.
    const progress = (await client.getMetricHistory(runId, 'pipeline.step')).map((m) => m.step).sort((a, b) => a - b);
    expect(progress.length, resumed.stdout).toBeGreaterThan(stepsBefore);
    expect(progress).toEqual(progress.map((_, i) => i + 1));
    expect(finished.metrics.find((m) => m.key === 'delta_one')).toBeDefined();
    // The trainings: one FINISHED run each (a training the kill cut short is KILLED beside it).
    const children = (await client.searchRuns({ experimentIds: [finished.info.experimentId], filter: `tags.mlflow.parentRunId = '${runId}'` })).runs;
    expect(children.filter((c) => c.info.status === 'FINISHED').map((c) => c.info.runName).sort()).toEqual(['train baseline', 'train new']);
    expect(children.every((c) => c.info.status === 'FINISHED' || c.info.status === 'KILLED')).toBe(true);
  }, 300_000);
});
