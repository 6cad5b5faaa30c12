import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiKeyStore } from '../src/index.js';
import { SETTINGS, startFixture, waitForStatus, type Fixture } from './server-fixture.js';

let fx: Fixture;
let submitter: string;
let other: string;
let reader: string;

beforeAll(async () => {
  // Open event streams re-check their key every 50 ms, so a revocation shows well inside one run.
  fx = await startFixture({}, { keyCheckMs: 50 });
  submitter = fx.server.keys.create({ name: 'acme', scopes: ['runs:submit', 'runs:read'], contributor: 'acme' }).token;
  other = fx.server.keys.create({ name: 'globex', scopes: ['runs:submit', 'runs:read'], contributor: 'globex' }).token;
  reader = fx.server.keys.create({ name: 'reader', scopes: ['runs:read'] }).token;
});
afterAll(async () => fx?.server.close());

const submit = (body: unknown, key: string, headers: Record<string, string> = {}): Promise<Response> =>
  fx.call('/runs', { method: 'POST', key, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const files = { base: 'base.csv', contributed: 'contributed.csv', benchmark: 'benchmark.csv' };

describe('the API', () => {
  it('describes itself in an OpenAPI 3.1 document generated from its schemas, served without a key', async () => {
    const response = await fx.call('/openapi.json', { key: null });
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/runs', '/runs/{id}', '/runs/{id}/events', '/runs/{id}/cancel', '/runs/{id}/files', '/runs/{id}/files/{path}', '/runs/{id}/report', '/runs/{id}/verify', '/benchmarks', '/metrics', '/healthz', '/readyz']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    // The settings schema is the pipeline's own: a key it has (delta.thresholdPp) shows up.
    const submitSchema = doc.paths['/runs']?.post?.requestBody?.content['application/json']?.schema as { properties: { settings: { properties: Record<string, { properties?: Record<string, unknown> }> } } };
    expect(Object.keys(submitSchema.properties.settings.properties.delta?.properties ?? {})).toContain('thresholdPp');
    expect(Object.keys(submitSchema.properties.settings.properties)).not.toContain('out');
  });

  it('answers 401 without a key or with a wrong one, 403 without the scope, as problem+json', async () => {
    const none = await fx.call('/runs', { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(await none.json()).toMatchObject({ status: 401, code: 'HOKUSAI_KEY_MISSING', kind: 'input' });
    const wrong = await fx.call('/runs', { key: submitter.slice(0, -4) + 'AAAA' });
    expect(wrong.status).toBe(401);
    const scope = await submit({ files, settings: SETTINGS }, reader);
    expect(scope.status).toBe(403);
    expect(await scope.json()).toMatchObject({ code: 'HOKUSAI_SCOPE_MISSING' });
  });

  it('refuses names outside the data folder: .., absolute paths and symbolic links', async () => {
    await symlink('/etc/passwd', join(fx.dataDir, 'link.csv'));
    for (const base of ['../state/keys.json', '/etc/passwd', 'link.csv', 'sub/../../x.csv']) {
      const response = await submit({ files: { ...files, base }, settings: SETTINGS }, submitter);
      expect(response.status, base).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'HOKUSAI_PATH_REFUSED' });
    }
    expect((await submit({ files: { ...files, base: 'missing.csv' }, settings: SETTINGS }, submitter)).status).toBe(404);
  });

  it('checks the settings against the pipeline schema, naming the key', async () => {
    const response = await submit({ files, settings: { ...SETTINGS, out: '/tmp/x' } }, submitter);
    expect(response.status).toBe(422);
    expect((await response.json()) as { detail: string }).toMatchObject({ code: 'HOKUSAI_REQUEST_INVALID' });
  });

  it('runs a submission to the end: 202 at once, status with steps, files, the verified output; once per Idempotency-Key', async () => {
    const first = await submit({ files, settings: SETTINGS }, submitter, { 'idempotency-key': 'upload-1' });
    expect(first.status).toBe(202);
    const run = (await first.json()) as { id: string; status: string; contributor: string; links: { self: string } };
    expect(first.headers.get('location')).toBe(`/runs/${run.id}`);
    expect(run.contributor).toBe('acme');
    const again = await submit({ files, settings: SETTINGS }, submitter, { 'idempotency-key': 'upload-1' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(run.id);

    const done = await waitForStatus(fx, run.id, (s) => s !== 'queued' && s !== 'running');
    expect(done).toMatchObject({ status: 'succeeded', decision: 'accepted', error: null });
    expect(Object.keys(done.steps as object)).toEqual(expect.arrayContaining(['load_base', 'integrate', 'train_new', 'evaluate', 'delta', 'attest']));
    expect(Object.values(done.steps as Record<string, { status: string }>).every((s) => s.status === 'finished')).toBe(true);

    const list = (await (await fx.call(`/runs/${run.id}/files`)).json()) as { files: string[] };
    expect(list.files).toEqual(expect.arrayContaining(['attestation.json', 'report.json', 'model.onnx', 'predictions.json']));
    const report = (await (await fx.call(`/runs/${run.id}/files/report.json`)).json()) as Record<string, unknown>;
    expect(report).toBeTypeOf('object');
    const verification = (await (await fx.call(`/runs/${run.id}/verify`, { method: 'POST', key: submitter })).json()) as { ok: boolean; checks: unknown[]; proven: unknown };
    expect(verification.ok).toBe(true);
    expect(verification.proven).toEqual({ counts: false, inference: false });
    expect(verification.checks.length).toBeGreaterThan(5);
    expect((await fx.call(`/runs/${run.id}/files/..%2Frun.json`)).status).toBe(404);

    // Another contributor sees neither the run nor its files; it is not in their list.
    expect((await fx.call(`/runs/${run.id}`, { key: other })).status).toBe(404);
    expect((await fx.call(`/runs/${run.id}/files/model.onnx`, { key: other })).status).toBe(404);
    const theirs = (await (await fx.call('/runs', { key: other })).json()) as { runs: { id: string }[] };
    expect(theirs.runs.map((r) => r.id)).not.toContain(run.id);
    const mine = (await (await fx.call('/runs?decision=accepted', { key: submitter })).json()) as { runs: { id: string }[] };
    expect(mine.runs.map((r) => r.id)).toContain(run.id);
  });

  it('streams progress as Server-Sent Events until the run ends', async () => {
    const created = (await (await submit({ files, settings: { ...SETTINGS, seed: 7 } }, submitter)).json()) as { id: string };
    const response = await fx.call(`/runs/${created.id}/events`, { key: submitter });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ type: m[1], data: JSON.parse(m[2] as string) as Record<string, unknown> }));
    expect(events.some((e) => e.type === 'progress' && e.data.type === 'step_finished')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'run', data: { status: 'succeeded' } });
  });

  it('takes a revocation made by another process at the next request and closes open streams', async () => {
    const token = fx.server.keys.create({ name: 'short-lived', scopes: ['runs:submit', 'runs:read'] }).token;
    // Runs ahead of it keep this one waiting, so only the revocation can end its stream.
    const ahead = (await (await submit({ files, settings: { ...SETTINGS, seed: 9 } }, submitter)).json()) as { id: string };
    const second = (await (await submit({ files, settings: { ...SETTINGS, seed: 10 } }, submitter)).json()) as { id: string };
    const created = (await (await submit({ files, settings: { ...SETTINGS, seed: 8 } }, token)).json()) as { id: string };
    const stream = await fx.call(`/runs/${created.id}/events`, { key: token });
    const id = /^hks_([a-f0-9]{12})_/.exec(token)?.[1] as string;
    new ApiKeyStore(fx.stateDir).revoke(id);
    const text = await stream.text(); // ends when the server closes the stream
    const last = [...text.matchAll(/^event: run\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1] as string) as { status: string }).at(-1);
    expect(['queued', 'running']).toContain(last?.status);
    expect((await fx.call('/runs', { key: token })).status).toBe(401);
    await waitForStatus(fx, ahead.id, (s) => s !== 'queued' && s !== 'running');
    await waitForStatus(fx, second.id, (s) => s !== 'queued' && s !== 'running');
    await waitForStatus(fx, created.id, (s) => s !== 'queued' && s !== 'running');
  });

  it('cancels a queued run', async () => {
    const a = (await (await submit({ files, settings: { ...SETTINGS, seed: 11 } }, submitter)).json()) as { id: string };
    const b = (await (await submit({ files, settings: { ...SETTINGS, seed: 12 } }, submitter)).json()) as { id: string };
    const cancelled = await fx.call(`/runs/${b.id}/cancel`, { method: 'POST', key: submitter });
    expect(cancelled.status).toBe(202);
    expect(await waitForStatus(fx, b.id, (s) => s === 'cancelled' || s === 'succeeded')).toMatchObject({ status: 'cancelled', error: { code: 'HOKUSAI_RUN_CANCELLED' } });
    await waitForStatus(fx, a.id, (s) => s !== 'queued' && s !== 'running');
  });

  it('refuses uploads with a wrong extension or media type, and files over the size limit', async () => {
    const form = (name: string, type: string, bytes: string): FormData => {
      const data = new FormData();
      data.set('settings', JSON.stringify(SETTINGS));
      data.set('base', new Blob([bytes], { type }), name);
      data.set('contributed', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'c.csv');
      return data;
    };
    const wrongExt = await fx.call('/runs', { method: 'POST', key: submitter, body: form('base.exe', 'text/csv', 'a,b\n') });
    expect(wrongExt.status).toBe(415);
    const wrongType = await fx.call('/runs', { method: 'POST', key: submitter, body: form('base.csv', 'image/png', 'a,b\n') });
    expect(wrongType.status).toBe(415);
    const small = await startFixture({ limits: { uploadBytes: 1000 } });
    try {
      const big = await small.call('/runs', { method: 'POST', body: form('base.csv', 'text/csv', 'x'.repeat(5000)) });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ code: 'HOKUSAI_UPLOAD_TOO_LARGE' });
      expect((await (await small.call('/runs')).json()) as { runs: unknown[] }).toMatchObject({ runs: [] });
    } finally {
      await small.server.close();
    }
  });

  it('runs an uploaded contribution against a benchmark registered on the server', async () => {
    const registered = await fx.call('/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file: 'benchmark.csv', id: 'churn', version: '1', target: 'churned' }) });
    expect(registered.status).toBe(201);
    expect(((await (await fx.call('/benchmarks', { key: reader })).json()) as { benchmarks: { id: string }[] }).benchmarks.map((b) => b.id)).toEqual(['churn']);
    const data = new FormData();
    data.set('settings', JSON.stringify({ ...SETTINGS, benchmarkId: 'churn@1' }));
    data.set('base', new Blob([await readFile(join(fx.dataDir, 'base.csv'))], { type: 'text/csv' }), 'base.csv');
    data.set('contributed', new Blob([await readFile(join(fx.dataDir, 'contributed.csv'))], { type: 'text/csv' }), 'contributed.csv');
    const response = await fx.call('/runs', { method: 'POST', key: submitter, body: data });
    expect(response.status).toBe(202);
    const run = (await response.json()) as { id: string; inputs: Record<string, string> };
    expect(run.inputs).toEqual({ base: 'inputs/base.csv', contributed: 'inputs/contributed.csv', benchmark: 'churn@1' });
    expect(await waitForStatus(fx, run.id, (s) => s !== 'queued' && s !== 'running')).toMatchObject({ status: 'succeeded' });
  });

  it('exposes Prometheus metrics and health', async () => {
    const text = await (await fx.call('/metrics', { key: null })).text();
    expect(text).toMatch(/^hokusai_http_requests_total\{method="POST",route="\/runs",code="202"\} \d+$/m);
    expect(text).toMatch(/^hokusai_step_duration_seconds_count\{step="train_new"\} [1-9]\d*$/m);
    expect(text).toMatch(/^hokusai_runs\{status="succeeded",decision="accepted"\} [1-9]\d*$/m);
    expect(text).toMatch(/^hokusai_errors_total\{code="HOKUSAI_PATH_REFUSED"\} [1-9]\d*$/m);
    expect(await (await fx.call('/readyz', { key: null })).json()).toEqual({ status: 'ok', checks: { state: 'ok' } });
  });

  it('limits the rate per key, answering 429 with Retry-After', async () => {
    const limited = await startFixture({ limits: { requestsPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.call('/runs')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await limited.call('/runs');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.server.close();
    }
  });

  it('logs every request as JSON with its request id, and never a key or a token', async () => {
    const response = await fx.call('/runs', { key: submitter, headers: { 'x-request-id': 'trace-42' } });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    const entry = fx.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.requestId === 'trace-42');
    expect(entry).toMatchObject({ msg: 'request', method: 'GET', route: '/runs', status: 200 });
    // The secret is everything after the id; base64url may itself hold an underscore.
    const secrets = [submitter, other, reader, fx.admin].map((token) => /^hks_[a-f0-9]{12}_(.+)$/.exec(token)?.[1] as string);
    for (const secret of secrets) expect(secret).toHaveLength(43);
    for (const secret of secrets) {
      expect(fx.logs.join('\n')).not.toContain(secret);
      expect(await readFile(join(fx.stateDir, 'keys.json'), 'utf8')).not.toContain(secret);
    }
  });
});

describe('errors say where, in the submitter\'s names', () => {
  it('answers a bad benchmark file with problem+json naming the file as requested, the row and the code', async () => {
    await writeFile(join(fx.dataDir, 'ragged.csv'), 'a,b,churned\n1,2,0\n3,4\n5,6,1\n');
    const response = await fx.call('/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file: 'ragged.csv', id: 'bad', version: '1', target: 'churned' }) });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { code: string; kind: string; file: string; row: number; detail: string };
    expect(problem).toMatchObject({ code: 'HOKUSAI_RAGGED_ROW', kind: 'input', file: 'ragged.csv', row: 2 });
    expect(problem.detail).not.toContain(fx.dataDir);
  });

  it('records a failed run with its code, kind and file, without the server\'s paths', async () => {
    const created = (await (await submit({ files, settings: { ...SETTINGS, target: 'no_such_column' } }, submitter)).json()) as { id: string };
    const run = (await waitForStatus(fx, created.id, (s) => s !== 'queued' && s !== 'running')) as { status: string; error: { code: string; kind: string; file?: string; message: string } };
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'HOKUSAI_TARGET_MISSING', kind: 'input' });
    expect(['base.csv', 'contributed.csv', 'benchmark.csv']).toContain(run.error.file);
    expect(run.error.message).not.toContain(fx.dataDir);
    expect(run.error.message).not.toContain(fx.stateDir);
  });
});
