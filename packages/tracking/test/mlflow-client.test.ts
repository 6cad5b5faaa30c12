import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MLFLOW_LIMITS, MlflowClient, TrackingError } from '../src/index.js';

const uri = inject('mlflowUri');
const client = new MlflowClient(uri);
afterAll(() => client.close());

async function newRun(name = 'r') {
  const exp = await client.getOrCreateExperiment(`client-${randomUUID()}`);
  const info = await client.createRun({ experimentId: exp, runName: name, startTime: 1_700_000_000_000, tags: { owner: 'test' } });
  return { exp, runId: info.runId };
}

describe('experiments', () => {
  it('get-or-create is idempotent under concurrent creators', async () => {
    const name = `concurrent-${randomUUID()}`;
    const clients = Array.from({ length: 6 }, () => new MlflowClient(uri));
    const ids = await Promise.all(clients.map((c) => c.getOrCreateExperiment(name)));
    await Promise.all(clients.map((c) => c.close()));
    expect(new Set(ids).size).toBe(1);
    const found = await client.searchExperiments({ filter: `name = '${name}'` });
    expect(found.experiments.map((e) => e.experimentId)).toEqual([ids[0]]);
    expect((await client.getExperimentByName(name))?.experimentId).toBe(ids[0]);
    expect(await client.getExperimentByName(`missing-${randomUUID()}`)).toBeUndefined();
  });
});

describe('runs and log-batch', () => {
  it('splits an over-size batch into requests MLflow accepts and every value reads back', async () => {
    const { runId } = await newRun();
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 5}`, value: i / 7, timestamp: 1_700_000_000_000 + i, step: i }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
    const tags = Array.from({ length: 230 }, (_, i) => ({ key: `t${i}`, value: 'x'.repeat(4000) }));
    const requests = await client.logBatch(runId, { metrics, params, tags });
    // 250 params need 3 requests, 230 tags 3 more, 2500 metrics 3 more; the 1 MB limit
    // (230 x 4 kB tags = 0.9 MB) adds none here, so 7 to 9 requests depending on packing.
    expect(requests).toBeGreaterThanOrEqual(7);
    const run = await client.getRun(runId);
    expect(Object.keys(run.params)).toHaveLength(250);
    expect(run.params.p249).toBe('v249');
    expect(Object.keys(run.tags).filter((k) => /^t\d+$/.test(k))).toHaveLength(230);
    const history = await client.getMetricHistory(runId, 'm3');
    expect(history).toHaveLength(500);
    expect(history.find((m) => m.step === 2498)?.value).toBeCloseTo(2498 / 7, 12);
  });

  it('splits by bytes when values are large', async () => {
    const { runId } = await newRun();
    // 100 tags of 5000 multi-byte characters = 1.5 MB of JSON: over the limit for one request.
    const tags = Array.from({ length: 100 }, (_, i) => ({ key: `big${i}`, value: 'é'.repeat(MLFLOW_LIMITS.tagValueLength) }));
    expect(await client.logBatch(runId, { tags })).toBeGreaterThanOrEqual(2);
    const run = await client.getRun(runId);
    expect(run.tags.big99).toBe('é'.repeat(MLFLOW_LIMITS.tagValueLength));
  });

  it('rejects over-limit and non-finite values with a typed error before sending anything', async () => {
    const { runId } = await newRun();
    const cases: Array<[Parameters<MlflowClient['logBatch']>[1], string]> = [
      [{ params: [{ key: 'ok', value: '1' }, { key: 'long', value: 'v'.repeat(6001) }] }, 'HOKUSAI_TRACKING_LIMIT_EXCEEDED'],
      [{ tags: [{ key: 'k'.repeat(251), value: 'v' }] }, 'HOKUSAI_TRACKING_LIMIT_EXCEEDED'],
      [{ tags: [{ key: 'long', value: 'v'.repeat(5001) }] }, 'HOKUSAI_TRACKING_LIMIT_EXCEEDED'],
      [{ metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }, { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 }] }, 'HOKUSAI_TRACKING_NON_FINITE_METRIC'],
      [{ metrics: [{ key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 }] }, 'HOKUSAI_TRACKING_NON_FINITE_METRIC'],
      [{ params: [{ key: 'bad|char', value: '1' }] }, 'HOKUSAI_TRACKING_INVALID_VALUE'],
      [{ params: [{ key: 'dup', value: '1' }, { key: 'dup', value: '2' }] }, 'HOKUSAI_TRACKING_INVALID_VALUE'],
    ];
    for (const [batch, code] of cases) {
      const error = await client.logBatch(runId, batch).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TrackingError);
      expect((error as TrackingError).code).toBe(code);
      expect((error as TrackingError).message).toMatch(/Nothing was sent/);
    }
    const run = await client.getRun(runId);
    expect(run.params).toEqual({});
    expect(run.metrics).toEqual([]);
    expect(Object.keys(run.tags).sort()).toEqual(['mlflow.runName', 'owner']);
  });

  it('updates status and end time, searches runs by tag, maps server errors to codes', async () => {
    const { exp, runId } = await newRun('searchable');
    await client.setTag(runId, 'kind', 'alpha');
    await client.updateRun(runId, { status: 'FINISHED', endTime: 1_700_000_100_000 });
    const run = await client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.endTime).toBe(1_700_000_100_000);
    const found = await client.searchRuns({ experimentIds: [exp], filter: "tags.kind = 'alpha'" });
    expect(found.runs.map((r) => r.info.runId)).toEqual([runId]);
    const missing = await client.getRun('0'.repeat(32)).catch((e: unknown) => e);
    expect((missing as TrackingError).code).toBe('HOKUSAI_TRACKING_NOT_FOUND');
    await client.logBatch(runId, { params: [{ key: 'fixed', value: 'a' }] });
    const changed = await client.logBatch(runId, { params: [{ key: 'fixed', value: 'b' }] }).catch((e: unknown) => e);
    expect((changed as TrackingError).code).toBe('HOKUSAI_TRACKING_REQUEST_REJECTED');
    expect((changed as TrackingError).mlflowCode).toBe('INVALID_PARAMETER_VALUE');
    expect((changed as TrackingError).transient).toBe(false);
  });

  it('logs dataset inputs with a 36-character digest and the full SHA-256 in a tag', async () => {
    const { runId } = await newRun();
    const sha = 'ab'.repeat(32);
    await client.logInputs(runId, [{ name: 'contributed', sha256: sha, source: '/data/contrib.csv', context: 'training', profile: '{"rows":10}' }]);
    const run = await client.getRun(runId);
    expect(run.inputs).toHaveLength(1);
    expect(run.inputs[0]?.digest).toBe(sha.slice(0, 36));
    expect(run.inputs[0]?.tags['hokusai.sha256']).toBe(sha);
    expect(run.inputs[0]?.tags['mlflow.data.context']).toBe('training');
    const bad = await client.logInputs(runId, [{ name: 'x', sha256: 'abc', source: 's' }]).catch((e: unknown) => e);
    expect((bad as TrackingError).code).toBe('HOKUSAI_TRACKING_INVALID_VALUE');
  });
});

describe('artifacts through the proxy', () => {
  it('uploads a folder and a file, lists them, and reads the same bytes back', async () => {
    const { runId } = await newRun();
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-art-'));
    await mkdir(join(dir, 'out', 'nested'), { recursive: true });
    const model = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256));
    await writeFile(join(dir, 'out', 'model.onnx'), model);
    await writeFile(join(dir, 'out', 'nested', 'report.json'), '{"delta":0.031}');
    await writeFile(join(dir, 'attestation.json'), '{"root":"00"}');
    await client.logArtifact(runId, join(dir, 'out'), 'bundle');
    await client.logArtifact(runId, join(dir, 'attestation.json'));
    const all = await client.listArtifacts(runId, undefined, { recursive: true });
    expect(all.filter((f) => !f.isDir).map((f) => [f.path, f.size])).toEqual([
      ['attestation.json', 13],
      ['bundle/model.onnx', model.length],
      ['bundle/nested/report.json', 15],
    ]);
    expect((await client.readArtifact(runId, 'bundle/model.onnx')).equals(model)).toBe(true);
    const dest = join(dir, 'download');
    const written = await client.downloadArtifacts(runId, 'bundle', dest);
    expect(written).toHaveLength(2);
    expect((await readFile(join(dest, 'nested', 'report.json'), 'utf8'))).toBe('{"delta":0.031}');
    expect((await readFile(join(dest, 'model.onnx'))).equals(model)).toBe(true);
    const single = join(dir, 'single', 'attestation.json');
    expect(await client.downloadArtifacts(runId, 'attestation.json', single)).toEqual([single]);
    expect(await readFile(single, 'utf8')).toBe('{"root":"00"}');
    const missing = await client.downloadArtifacts(runId, 'nope.json', join(dir, 'nope.json')).catch((e: unknown) => e);
    expect((missing as TrackingError).code).toBe('HOKUSAI_TRACKING_NOT_FOUND');
    expect((await readdir(dir)).filter((f) => f.includes('.part-'))).toEqual([]);
  });

  it('falls back to a streamed PUT when the server store cannot do multipart', async () => {
    // The local artifact store answers NOT_IMPLEMENTED to mpu/create; the upload must still land.
    const small = new MlflowClient(uri, { multipartThresholdBytes: 1024, multipartChunkBytes: 512 });
    try {
      const exp = await small.getOrCreateExperiment(`mpu-${randomUUID()}`);
      const { runId } = await small.createRun({ experimentId: exp, runName: 'mpu' });
      const dir = await mkdtemp(join(tmpdir(), 'hokusai-mpu-'));
      const bytes = Buffer.alloc(5000, 7);
      await writeFile(join(dir, 'big.bin'), bytes);
      await small.logArtifact(runId, join(dir, 'big.bin'), 'm');
      expect((await small.readArtifact(runId, 'm/big.bin')).equals(bytes)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('refuses artifact paths that escape the run folder', async () => {
    const { runId } = await newRun();
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-art-'));
    await writeFile(join(dir, 'a.txt'), 'a');
    const error = await client.logArtifact(runId, join(dir, 'a.txt'), '../other').catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_ARTIFACT');
  });
});

describe('model registry', () => {
  it('registers a version with tags and an alias, idempotently creating the model', async () => {
    const { runId } = await newRun();
    const name = `model-${randomUUID()}`;
    await client.ensureRegisteredModel(name);
    await client.ensureRegisteredModel(name);
    const root = await client.artifactUri(runId);
    const v = await client.createModelVersion({ name, source: `${root}/model/model.onnx`, runId, tags: { 'hokusai.delta': '0.031' } });
    expect(v.version).toBe('1');
    await client.setModelAlias(name, 'candidate', v.version);
    const byAlias = await client.getModelVersionByAlias(name, 'candidate');
    expect(byAlias?.version).toBe('1');
    expect(byAlias?.runId).toBe(runId);
    expect(byAlias?.tags['hokusai.delta']).toBe('0.031');
    expect(byAlias?.aliases).toContain('candidate');
    const reserved = await client.setModelAlias(name, 'v3', '1').catch((e: unknown) => e);
    expect((reserved as TrackingError).code).toBe('HOKUSAI_TRACKING_INVALID_VALUE');
  });
});
