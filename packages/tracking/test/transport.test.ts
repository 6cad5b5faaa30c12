import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTracker, readJournal, TrackingError } from '../src/index.js';
import { fakeServerPool, json } from './fake-server.js';
import { freePort } from '@hokusai/test-helpers';
import { tempJournal } from './fixtures.js';

const { serve, client } = fakeServerPool();
const experiment = { experiment: { experiment_id: '7', name: 'e', lifecycle_stage: 'active' } };

describe('retries', () => {
  it('retries 429 and 503 with backoff, honouring Retry-After, then succeeds', async () => {
    let n = 0;
    const s = await serve((_req, _body, res) => {
      n++;
      if (n === 1) return json(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '0.3' });
      if (n === 2) return json(res, 503, { message: 'busy' });
      json(res, 200, experiment);
    });
    const started = Date.now();
    const exp = await client(s.uri, { retries: 3 }).getExperimentByName('e');
    expect(exp?.experimentId).toBe('7');
    expect(n).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('gives up after the configured retries with a transient SERVER_ERROR', async () => {
    const s = await serve((_req, _body, res) => json(res, 502, { message: 'bad gateway' }));
    const error = await client(s.uri, { retries: 2 }).getExperimentByName('e').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackingError);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_SERVER_ERROR');
    expect((error as TrackingError).status).toBe(502);
    expect((error as TrackingError).transient).toBe(true);
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a 400, and reports what MLflow said', async () => {
    const s = await serve((_req, _body, res) => json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Missing value for required parameter' }));
    const error = await client(s.uri, { retries: 3 }).createRun({ experimentId: '1' }).catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_REQUEST_REJECTED');
    expect((error as TrackingError).message).toMatch(/Missing value for required parameter/);
    expect(s.requests).toHaveLength(1);
  });

  it('reports a refused connection as UNREACHABLE after retrying', async () => {
    const port = await freePort();
    const error = await client(`http://127.0.0.1:${port}`, { retries: 2 }).getExperimentByName('e').catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_UNREACHABLE');
    expect((error as TrackingError).message).toMatch(/ECONNREFUSED/);
  });

  it('times out a server that never answers', async () => {
    const s = await serve(() => undefined);
    const started = Date.now();
    const error = await client(s.uri, { retries: 0, timeoutMs: 300 }).getExperimentByName('e').catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('auth and connection reuse', () => {
  it('sends a bearer token, or basic credentials from the environment', async () => {
    const s = await serve((_req, _body, res) => json(res, 200, experiment));
    await client(s.uri, { auth: { token: 'tok-123' } }).getExperimentByName('e');
    const saved = { ...process.env };
    try {
      process.env.MLFLOW_TRACKING_USERNAME = 'ada';
      process.env.MLFLOW_TRACKING_PASSWORD = 'pa:ss';
      delete process.env.MLFLOW_TRACKING_TOKEN;
      await client(s.uri).getExperimentByName('e');
    } finally {
      process.env = saved;
    }
    expect(s.requests[0]?.headers.authorization).toBe('Bearer tok-123');
    expect(s.requests[1]?.headers.authorization).toBe(`Basic ${Buffer.from('ada:pa:ss').toString('base64')}`);
  });

  it('maps 401 to an AUTH error and the tracker falls back to the journal', async () => {
    const s = await serve((_req, _body, res) => json(res, 401, { error_code: 'UNAUTHENTICATED', message: 'You are not authenticated.' }));
    const error = await client(s.uri).getExperimentByName('e').catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_AUTH');
    expect((error as TrackingError).message).toMatch(/MLFLOW_TRACKING_TOKEN/);
    const journalPath = await tempJournal();
    const tracker = await createTracker({ trackingUri: s.uri, journalPath, experimentName: 'e' });
    expect(tracker.mode).toBe('journal');
    const run = await tracker.startRun({ name: 'r' });
    await run.logMetrics({ m: 1 });
    await tracker.close();
    expect(tracker.warnings.join('\n')).toMatch(/not authenticated/);
    const { entries } = await readJournal(journalPath);
    expect(entries.map((e) => [e.op, e.sent])).toEqual([
      ['startRun', false],
      ['log', false],
    ]);
  });

  it('reuses kept-alive connections across sequential requests', async () => {
    const s = await serve((_req, _body, res) => json(res, 200, experiment));
    const c = client(s.uri);
    for (let i = 0; i < 20; i++) await c.getExperimentByName('e');
    expect(s.requests).toHaveLength(20);
    // Without keep-alive this would be 20; undici may open a second socket while the first is
    // being released.
    expect(s.sockets).toBeLessThanOrEqual(2);
  });
});

describe('multipart upload', () => {
  it('uploads parts to the presigned URLs, completes with their ETags, and keeps the bytes in order', async () => {
    const parts = new Map<number, Buffer>();
    let completed: unknown;
    const s = await serve((req, body, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/api/2.0/mlflow/runs/get')) {
        return json(res, 200, { run: { info: { run_id: 'r1', experiment_id: '1', artifact_uri: 'mlflow-artifacts:/1/r1/artifacts' } } });
      }
      if (url === '/api/2.0/mlflow-artifacts/mpu/create/1/r1/artifacts/model') {
        const { num_parts } = JSON.parse(body.toString()) as { num_parts: number };
        return json(res, 200, {
          upload_id: 'up-1',
          credentials: Array.from({ length: num_parts }, (_, i) => ({ part_number: i + 1, url: `${s.uri}/presigned/${i + 1}`, headers: { 'x-part': String(i + 1) } })),
        });
      }
      if (url.startsWith('/presigned/')) {
        const n = Number(url.split('/')[2]);
        expect(req.headers['x-part']).toBe(String(n));
        parts.set(n, body);
        res.writeHead(200, { etag: `"etag-${n}"` });
        return res.end();
      }
      if (url === '/api/2.0/mlflow-artifacts/mpu/complete/1/r1/artifacts/model') {
        completed = JSON.parse(body.toString());
        return json(res, 200, {});
      }
      json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: url });
    });
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-mpu-'));
    const bytes = Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 251));
    await writeFile(join(dir, 'model.onnx'), bytes);
    await client(s.uri, { multipartThresholdBytes: 1000, multipartChunkBytes: 1000 }).logArtifact('r1', join(dir, 'model.onnx'), 'model');
    expect([...parts.keys()].sort()).toEqual([1, 2, 3]);
    expect(Buffer.concat([1, 2, 3].map((n) => parts.get(n) as Buffer)).equals(bytes)).toBe(true);
    expect(completed).toMatchObject({
      path: 'model.onnx',
      upload_id: 'up-1',
      parts: [
        { part_number: 1, etag: '"etag-1"' },
        { part_number: 2, etag: '"etag-2"' },
        { part_number: 3, etag: '"etag-3"' },
      ],
    });
    // The presigned URLs are on the store, not the tracking server: no Authorization goes there.
    expect(s.requests.filter((r) => r.url.startsWith('/presigned/')).every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('aborts the multipart upload when a part fails', async () => {
    let aborted = false;
    const s = await serve((req, _body, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/api/2.0/mlflow/runs/get')) return json(res, 200, { run: { info: { run_id: 'r1', experiment_id: '1', artifact_uri: 'mlflow-artifacts:/1/r1/artifacts' } } });
      if (url.includes('/mpu/create/')) return json(res, 200, { upload_id: 'u', credentials: [{ part_number: 1, url: `${s.uri}/presigned/1` }, { part_number: 2, url: `${s.uri}/presigned/2` }] });
      if (url === '/presigned/2') return json(res, 403, { message: 'expired' });
      if (url.startsWith('/presigned/')) return json(res, 200, {}, { etag: 'e' });
      if (url.includes('/mpu/abort/')) {
        aborted = true;
        return json(res, 200, {});
      }
      json(res, 404, {});
    });
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-mpu-'));
    await writeFile(join(dir, 'big.bin'), Buffer.alloc(1500, 1));
    const error = await client(s.uri, { multipartThresholdBytes: 1000, multipartChunkBytes: 1000 }).logArtifact('r1', join(dir, 'big.bin')).catch((e: unknown) => e);
    expect((error as TrackingError).code).toBe('HOKUSAI_TRACKING_ARTIFACT');
    expect(aborted).toBe(true);
  });
});
