import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { createTracker, maskUriCredentials, MlflowClient, TrackingError } from '../src/index.js';
import { fakeServerPool, json } from './fake-server.js';
import { tempJournal } from './fixtures.js';

const mlflowUri = inject('mlflowUri');
const { serve, client } = fakeServerPool({ env: {} });
const experiment = { experiment: { experiment_id: '7', name: 'e', lifecycle_stage: 'active' } };
const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('credentials, as the MLflow Python client uses them', () => {
  it('username/password win over a token when both are set; credentials in the URI win over both', async () => {
    const s = await serve((_req, _body, res) => json(res, 200, experiment));
    const env = { MLFLOW_TRACKING_TOKEN: 'tok', MLFLOW_TRACKING_USERNAME: 'ada', MLFLOW_TRACKING_PASSWORD: 'pw' };
    await client(s.uri, { env }).getExperimentByName('e');
    await client(s.uri, { env: { MLFLOW_TRACKING_TOKEN: 'tok', MLFLOW_TRACKING_USERNAME: 'ada' } }).getExperimentByName('e');
    await client(s.uri.replace('http://', 'http://bob:p%40ss@'), { env }).getExperimentByName('e');
    expect(s.requests.map((r) => r.headers.authorization)).toEqual([basic('ada', 'pw'), 'Bearer tok', basic('bob', 'p@ss')]);
  });

  it('a URI with credentials works against a real server, and neither the tracker, its warnings nor its journal show them', async () => {
    const withCreds = mlflowUri.replace('http://', 'http://alice:s3cret-pw@');
    const journalPath = await tempJournal();
    const tracker = await createTracker({ trackingUri: withCreds, journalPath, experimentName: 'creds-in-uri' }, { env: {} });
    expect(tracker.mode).toBe('server');
    const run = await tracker.startRun({ name: 'r' });
    await run.logParams({ tracking_uri: maskUriCredentials(withCreds) });
    await run.end('FINISHED');
    await tracker.close();
    expect(tracker.trackingUri).toBe(mlflowUri);
    const journal = await readFile(journalPath, 'utf8');
    expect(journal).toContain(mlflowUri);
    for (const text of [journal, tracker.warnings.join('\n'), String(tracker.trackingUri)]) {
      expect(text).not.toContain('s3cret-pw');
      expect(text).not.toContain('alice');
    }
    const read = client(mlflowUri);
    expect((await read.getRun(run.runId)).params['tracking_uri']).toBe(mlflowUri.replace('http://', 'http://***@'));
  });

  it('says "not authorised" for 401 and 403, and summarises an HTML error page instead of dumping it', async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>${'x'.repeat(5000)}</style></head><body><h1>Bad Gateway</h1></body></html>`;
    let status = 401;
    const s = await serve((_req, _body, res) => {
      if (status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(page);
        return;
      }
      json(res, status, { error_code: 'PERMISSION_DENIED', message: 'no' });
    });
    for (const code of [401, 403]) {
      status = code;
      const error = (await client(s.uri).getExperimentByName('e').catch((e: unknown) => e)) as TrackingError;
      expect(error.code).toBe('HOKUSAI_TRACKING_AUTH');
      expect(error.message).toMatch(/not authorised/);
      expect(error.message).not.toMatch(/unreachable/);
    }
    status = 502;
    const error = (await client(s.uri, { retries: 0 }).getExperimentByName('e').catch((e: unknown) => e)) as TrackingError;
    expect(error.message).toMatch(/an HTML page titled "502 Bad Gateway"/);
    expect(error.message).not.toContain('<style>');
    expect(error.message.length).toBeLessThan(400);
  });

  it('reads MLFLOW_HTTP_REQUEST_TIMEOUT, MLFLOW_HTTP_REQUEST_MAX_RETRIES and the TLS variables, and rejects unusable values', async () => {
    let n = 0;
    const s = await serve((_req, _body, res) => {
      n++;
      json(res, 503, { message: 'busy' });
    });
    await client(s.uri, { env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' } }).getExperimentByName('e').catch(() => undefined);
    expect(n).toBe(1);
    await client(s.uri, { env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2' } }).getExperimentByName('e').catch(() => undefined);
    expect(n).toBe(4);
    const hang = await serve(() => undefined);
    const started = Date.now();
    const timedOut = (await client(hang.uri, { retries: 0, env: { MLFLOW_HTTP_REQUEST_TIMEOUT: '1' } }).getExperimentByName('e').catch((e: unknown) => e)) as TrackingError;
    expect(timedOut.code).toBe('HOKUSAI_TRACKING_TIMEOUT');
    expect(timedOut.message).toMatch(/after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    for (const env of [
      { MLFLOW_HTTP_REQUEST_TIMEOUT: 'soon' },
      { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '-1' },
      { MLFLOW_TRACKING_INSECURE_TLS: 'maybe' },
      { MLFLOW_TRACKING_SERVER_CERT_PATH: '/nonexistent/ca.pem' },
      { MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: '/etc/hostname' },
    ]) {
      expect(() => new MlflowClient(s.uri, { env }), JSON.stringify(env)).toThrow(TrackingError);
    }
  });

  it('retries 408 like 429', async () => {
    let n = 0;
    const s = await serve((_req, _body, res) => {
      n++;
      if (n === 1) return json(res, 408, { message: 'request timeout' });
      json(res, 200, experiment);
    });
    expect((await client(s.uri, { retries: 2 }).getExperimentByName('e'))?.experimentId).toBe('7');
    expect(n).toBe(2);
  });
});
