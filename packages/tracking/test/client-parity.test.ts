import { afterAll, describe, expect, inject, it } from 'vitest';
import type { TrackingError } from '../src/index.js';
import { MlflowClient } from '../src/index.js';

const unique = (name: string): string => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

describe.each([
  ['SQLite', inject('mlflowUri')],
  ['PostgreSQL', inject('mlflowPostgresUri')],
])('the calls MLflow users reach for, against a real server with a %s backend store', (_store, uri) => {
  const client = new MlflowClient(uri);
  afterAll(() => client.close());

  it('experiments: get by id, rename, tags, delete and restore; searches follow every page', async () => {
    const name = unique('parity-exp');
    const id = await client.createExperiment(name);
    expect((await client.getExperiment(id)).name).toBe(name);
    await client.renameExperiment(id, `${name}-renamed`);
    await client.setExperimentTag(id, 'team', 'data');
    expect((await client.getExperiment(id)).tags['team']).toBe('data');
    await client.deleteExperimentTag(id, 'team');
    expect((await client.getExperiment(id)).tags['team']).toBeUndefined();
    await client.deleteExperiment(id);
    expect((await client.getExperiment(id)).lifecycleStage).toBe('deleted');
    await client.restoreExperiment(id);
    const restored = await client.getExperiment(id);
    expect([restored.name, restored.lifecycleStage]).toEqual([`${name}-renamed`, 'active']);
    for (let i = 0; i < 3; i++) await client.createExperiment(`${name}-page-${i}`);
    const paged = await client.searchAllExperiments({ filter: `name LIKE '${name}-page-%'`, pageSize: 2 });
    expect(paged.map((e) => e.name).sort()).toEqual([0, 1, 2].map((i) => `${name}-page-${i}`));
  });

  it('runs: delete and restore, delete a tag, parent run; metric history and run search follow every page', async () => {
    const exp = await client.createExperiment(unique('parity-runs'));
    const parent = await client.createRun({ experimentId: exp, runName: 'parent' });
    const child = await client.createRun({ experimentId: exp, runName: 'child', tags: { 'mlflow.parentRunId': parent.runId, gone: 'soon' } });
    expect((await client.getParentRun(child.runId))?.info.runId).toBe(parent.runId);
    expect(await client.getParentRun(parent.runId)).toBeUndefined();
    await client.deleteTag(child.runId, 'gone');
    expect((await client.getRun(child.runId)).tags['gone']).toBeUndefined();
    await client.deleteRun(child.runId);
    expect(await client.searchAllRuns({ experimentIds: [exp] })).toHaveLength(1);
    await client.restoreRun(child.runId);
    expect(await client.searchAllRuns({ experimentIds: [exp], pageSize: 1 })).toHaveLength(2);
    const points = Array.from({ length: 250 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 1_700_000_000_000 + step, step }));
    await client.logBatch(parent.runId, { metrics: points });
    const history = await client.getMetricHistory(parent.runId, 'loss', { pageSize: 100 });
    expect(history.map((m) => m.step).sort((a, b) => a - b)).toEqual(points.map((p) => p.step));
  });

  it('registered models and versions: get, search, update, rename, tags, aliases, download URI, delete', async () => {
    const exp = await client.createExperiment(unique('parity-registry'));
    const run = await client.createRun({ experimentId: exp });
    const name = unique('parity-model');
    await client.ensureRegisteredModel(name);
    const v1 = await client.createModelVersion({ name, source: `${run.artifactUri}/model`, runId: run.runId });
    await client.updateRegisteredModel(name, 'churn model');
    expect((await client.getRegisteredModel(name)).description).toBe('churn model');
    expect((await client.searchRegisteredModels({ filter: `name = '${name}'`, pageSize: 1 })).map((m) => m.name)).toEqual([name]);
    await client.updateModelVersion(name, v1.version, 'first');
    await client.setModelVersionTag(name, v1.version, 'stage', 'candidate');
    expect((await client.getModelVersion(name, v1.version)).tags['stage']).toBe('candidate');
    await client.deleteModelVersionTag(name, v1.version, 'stage');
    expect((await client.getModelVersion(name, v1.version)).tags['stage']).toBeUndefined();
    await client.setModelAlias(name, 'champion', v1.version);
    expect((await client.getRegisteredModel(name)).aliases).toEqual({ champion: v1.version });
    await client.deleteModelAlias(name, 'champion');
    expect(await client.getModelVersionByAlias(name, 'champion')).toBeUndefined();
    expect(await client.getModelVersionDownloadUri(name, v1.version)).toBe(`${run.artifactUri}/model`);
    await client.renameRegisteredModel(name, `${name}-renamed`);
    expect((await client.getModelVersion(`${name}-renamed`, v1.version)).version).toBe(v1.version);
    await client.deleteModelVersion(`${name}-renamed`, v1.version);
    await client.deleteRegisteredModel(`${name}-renamed`);
    const gone = await client.getRegisteredModel(`${name}-renamed`).catch((e: unknown) => e);
    expect((gone as TrackingError).code).toBe('HOKUSAI_TRACKING_NOT_FOUND');
  });

  it('logged models: create, finalize, search; logText, logDict and logTable read back as MLflow writes them', async () => {
    const exp = await client.createExperiment(unique('parity-logged'));
    const run = await client.createRun({ experimentId: exp });
    const model = await client.createLoggedModel({ experimentId: exp, name: 'm', sourceRunId: run.runId, params: { l2: '0.0001' } });
    expect(model.status).toBe('LOGGED_MODEL_PENDING');
    expect((await client.finalizeLoggedModel(model.modelId, 'READY')).status).toBe('LOGGED_MODEL_READY');
    const found = await client.searchLoggedModels({ experimentIds: [exp], pageSize: 1 });
    expect(found.map((m) => [m.modelId, m.params['l2']])).toEqual([[model.modelId, '0.0001']]);
    await client.logText(run.runId, '# Summary\n', 'notes/summary.md');
    await client.logDict(run.runId, { accepted: true }, 'decision.json');
    await client.logTable(run.runId, { metric: ['accuracy', 'auroc'], delta: [0.03, 0.01] }, 'metrics_table.json');
    expect((await client.readArtifact(run.runId, 'notes/summary.md')).toString()).toBe('# Summary\n');
    expect(JSON.parse((await client.readArtifact(run.runId, 'decision.json')).toString())).toEqual({ accepted: true });
    expect(JSON.parse((await client.readArtifact(run.runId, 'metrics_table.json')).toString())).toEqual({ columns: ['metric', 'delta'], data: [['accuracy', 0.03], ['auroc', 0.01]] });
    expect(JSON.parse((await client.getRun(run.runId)).tags['mlflow.loggedArtifacts'] ?? '[]')).toEqual([{ path: 'metrics_table.json', type: 'table' }]);
  });
});
