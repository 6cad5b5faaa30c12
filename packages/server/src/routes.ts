import { copyFile, mkdir } from 'node:fs/promises';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { z } from 'zod';
import { checkTarget, loadDataset } from '@hokusai/data-integration';
import { BenchmarkRegistry } from '@hokusai/evaluation';
import { hasScope, type ApiKeyInfo } from './api-keys.js';
import {
  BenchmarkListSchema,
  BenchmarkSchema,
  FileListSchema,
  RegisterBenchmarkSchema,
  RunListQuerySchema,
  RunListSchema,
  RunSchema,
  RunSettingsSchema,
  SubmitRunSchema,
  VerificationSchema,
} from './api-schemas.js';
import { ServerError } from './errors.js';
import { parseWith, readJson } from './read-body.js';
import type { Route, RequestContext, RouteResult } from './route.js';
import type { PreparedRun, RunInputs, RunManager } from './run-manager.js';
import type { ServerRun } from './run-record.js';
import { resolveDataFile } from './safe-path.js';
import { receiveUploads } from './uploads.js';
import { HokusaiError } from '@hokusai/core';

export interface RouteDependencies {
  runs: RunManager;
  stateDir: string;
  dataDir: string | undefined;
  limits: { uploadBytes: number; jsonBytes: number };
  /** How often a live event stream re-checks that its key is still valid. */
  keyCheckMs: number;
  isKeyLive: (id: string) => boolean;
}

const RUN_FILES = ['base', 'contributed', 'benchmark'] as const;

/** OpenAPI links from a submission to what can be asked of the run it made. */
const runLinks = Object.fromEntries(
  ['getRun', 'runEvents', 'cancelRun', 'listRunFiles', 'getRunReport', 'verifyRun'].map((operationId) => [operationId, { operationId, parameters: { id: '$response.body#/id' } }]),
);

/** A key sees its own runs and its contributor's; admin keys see all. Others get 404, not 403, so run ids leak nothing. */
function visible(run: ServerRun | undefined, key: ApiKeyInfo | undefined): run is ServerRun {
  if (run === undefined || key === undefined) return false;
  return hasScope(key, 'admin') || run.owner === key.id || (key.contributor !== null && run.contributor === key.contributor);
}

function runView(run: ServerRun): z.infer<typeof RunSchema> {
  const { owner: _owner, idempotencyKey: _idempotency, ...rest } = run;
  const self = `/runs/${run.id}`;
  return { ...rest, links: { self, events: `${self}/events`, report: `${self}/report`, files: `${self}/files`, verify: `${self}/verify` } };
}

const registryPath = (deps: RouteDependencies): string => join(deps.stateDir, 'benchmarks.json');
const benchmarkDir = (deps: RouteDependencies, id: string, version: string): string => join(deps.stateDir, 'benchmarks', `${id}@${version}`);

function ownRun(deps: RouteDependencies, context: RequestContext): ServerRun {
  const run = deps.runs.get(context.params.id as string);
  if (!visible(run, context.key)) throw new ServerError('HOKUSAI_SERVER_RUN_NOT_FOUND', `No run ${context.params.id}.`);
  return run;
}

function registeredBenchmarkFile(deps: RouteDependencies, benchmarkId: string): string {
  const [id, version] = benchmarkId.split('@') as [string, string];
  const dir = benchmarkDir(deps, id, version);
  const file = existsSync(dir) ? readdirSync(dir).find((name) => name.startsWith('benchmark.')) : undefined;
  if (file === undefined) throw new ServerError('HOKUSAI_BENCHMARK_UNKNOWN', `No benchmark ${benchmarkId} is registered on this server; register it with POST /benchmarks or send a benchmark file.`);
  return join(dir, file);
}

/** POST /runs: checks the headers, then queues a run whose inputs are read once it has a folder. */
async function submitRun(deps: RouteDependencies, context: RequestContext): Promise<RouteResult> {
  const key = context.key as ApiKeyInfo;
  const idempotencyKey = context.request.headers['idempotency-key'];
  if (Array.isArray(idempotencyKey) || (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey))) {
    throw new ServerError('HOKUSAI_IDEMPOTENCY_KEY_INVALID', 'The Idempotency-Key header must be 1 to 200 visible ASCII characters.');
  }
  const type = (context.request.headers['content-type'] ?? '').toLowerCase();
  const multipart = type.startsWith('multipart/form-data');
  if (!multipart && !type.startsWith('application/json')) {
    throw new ServerError('HOKUSAI_CONTENT_TYPE', 'Send application/json (files named in the data folder) or multipart/form-data (files uploaded).');
  }
  const length = Number(context.request.headers['content-length'] ?? 0);
  if (multipart && length > 3 * deps.limits.uploadBytes + deps.limits.jsonBytes) {
    throw new ServerError('HOKUSAI_UPLOAD_TOO_LARGE', `The upload is larger than the server's limit of ${deps.limits.uploadBytes} bytes per file.`);
  }
  const body = multipart ? undefined : await readJson(context.request, SubmitRunSchema, deps.limits.jsonBytes);
  const prepared = (settings: z.infer<typeof RunSettingsSchema>, paths: RunInputs, names: RunInputs): PreparedRun => {
    const contributor = key.contributor ?? settings.contributor?.id ?? null;
    return { paths, names, settings: withContributor(settings, contributor), contributor };
  };
  const prepare = async (runDir: string): Promise<PreparedRun> => {
    if (body !== undefined) {
      const { files, settings } = body;
      const paths = {
        base: resolveDataFile(deps.dataDir, files.base),
        contributed: resolveDataFile(deps.dataDir, files.contributed),
        benchmark: files.benchmark === undefined ? registeredBenchmarkFile(deps, requireBenchmarkId(settings.benchmarkId)) : resolveDataFile(deps.dataDir, files.benchmark),
      };
      return prepared(settings, paths, { base: files.base, contributed: files.contributed, benchmark: files.benchmark ?? `${settings.benchmarkId}` });
    }
    // Uploads stream into the run's folder; the settings travel with them as a form field.
    const inputs = join(runDir, 'inputs');
    await mkdir(inputs);
    const upload = await receiveUploads(context.request, { dir: inputs, fileFields: RUN_FILES, maxBytes: deps.limits.uploadBytes, maxFieldBytes: deps.limits.jsonBytes });
    let raw: unknown;
    try {
      raw = JSON.parse(upload.fields.settings ?? '');
    } catch {
      throw new ServerError('HOKUSAI_SETTINGS_MISSING', 'A multipart submission needs a `settings` field holding the run settings as JSON.');
    }
    const settings = parseWith(RunSettingsSchema, raw, 'settings field');
    const { base, contributed, benchmark } = upload.files;
    if (base === undefined || contributed === undefined) throw new ServerError('HOKUSAI_UPLOAD_MISSING', `The ${base === undefined ? 'base' : 'contributed'} file is missing from the upload.`);
    const shown = (path: string): string => relative(runDir, path).split(sep).join('/');
    const paths = { base, contributed, benchmark: benchmark ?? registeredBenchmarkFile(deps, requireBenchmarkId(settings.benchmarkId)) };
    return prepared(settings, paths, { base: shown(base), contributed: shown(contributed), benchmark: benchmark === undefined ? `${settings.benchmarkId}` : shown(benchmark) });
  };
  const request = { owner: key.id, idempotencyKey: idempotencyKey ?? null, serverConfig: { benchmarkRegistry: registryPath(deps) }, prepare };
  const { run, created } = await deps.runs.submit(request);
  return { status: created ? 202 : 200, body: runView(run), headers: { location: `/runs/${run.id}` } };
}

/** GET /runs/{id}/events: the run record and each pipeline event as Server-Sent Events until the run ends. */
function streamRunEvents(deps: RouteDependencies, context: RequestContext): RouteResult {
  const { runs } = deps;
  const run = ownRun(deps, context);
  const { response } = context;
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  const send = (event: string, data: unknown): void => {
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const terminal = (r: ServerRun): boolean => r.status === 'succeeded' || r.status === 'failed' || r.status === 'cancelled';
  send('run', runView(run));
  if (terminal(run)) {
    response.end();
    return undefined;
  }
  const key = context.key as ApiKeyInfo;
  const onUpdate = (updated: ServerRun): void => {
    if (updated.id !== run.id) return;
    send('run', runView(updated));
    if (terminal(updated)) stop();
  };
  const onEvent = (runId: string, event: unknown): void => {
    if (runId === run.id) send('progress', event);
  };
  // A revoked key loses its open streams too, not only its next request.
  const watch = setInterval(() => {
    if (!deps.isKeyLive(key.id)) stop();
    else response.write(': keep-alive\n\n');
  }, deps.keyCheckMs);
  const stop = (): void => {
    clearInterval(watch);
    runs.off('update', onUpdate);
    runs.off('event', onEvent);
    response.end();
  };
  runs.on('update', onUpdate);
  runs.on('event', onEvent);
  context.request.on('close', stop);
  return undefined;
}

/** POST /benchmarks: registers a data-folder file's content hash, target and task, and keeps a copy. */
async function registerBenchmark(deps: RouteDependencies, context: RequestContext): Promise<RouteResult> {
  const body = await readJson(context.request, RegisterBenchmarkSchema, deps.limits.jsonBytes);
  const file = resolveDataFile(deps.dataDir, body.file);
  let dataset: Awaited<ReturnType<typeof loadDataset>>;
  try {
    dataset = await loadDataset(file);
    checkTarget(dataset, body.target, body.task);
  } catch (error) {
    // The problem names the file as the request did, never the server's path to it.
    throw withFileName(error, file, body.file);
  }
  const record = new BenchmarkRegistry(registryPath(deps)).register({
    id: body.id,
    version: body.version,
    content_hash: dataset.manifest.content_hash,
    target: body.target,
    task: body.task,
    rows: dataset.manifest.row_count,
    ...(body.description === undefined ? {} : { description: body.description }),
  });
  const dir = benchmarkDir(deps, body.id, body.version);
  await mkdir(dir, { recursive: true });
  await copyFile(file, join(dir, `benchmark${extname(file).toLowerCase()}`));
  return { status: 201, body: record };
}

function runRoutes(deps: RouteDependencies): Route[] {
  const { runs } = deps;
  return [
    {
      method: 'POST',
      path: '/runs',
      operationId: 'submitRun',
      summary: 'Submit a contribution: files named in the data folder (JSON) or uploaded (multipart). Answers at once; the run is queued.',
      scope: 'runs:submit',
      body: { schema: SubmitRunSchema, multipart: { fileFields: RUN_FILES } },
      responses: {
        202: { description: 'Queued', schema: RunSchema, links: runLinks },
        200: { description: 'Already submitted with this Idempotency-Key', schema: RunSchema, links: runLinks },
      },
      handle: async (context) => submitRun(deps, context),
    },
    {
      method: 'GET',
      path: '/runs',
      operationId: 'listRuns',
      summary: 'Runs the key may see, newest first, with cursor pagination.',
      scope: 'runs:read',
      query: RunListQuerySchema,
      responses: { 200: { description: 'A page of runs', schema: RunListSchema } },
      handle: async (context) => {
        const query = parseWith(RunListQuerySchema, Object.fromEntries(context.query), 'query');
        const all = runs
          .list()
          .filter((run) => visible(run, context.key))
          .filter((run) => (query.status === undefined || run.status === query.status) && (query.decision === undefined || run.decision === query.decision) && (query.contributor === undefined || run.contributor === query.contributor))
          .filter((run) => query.cursor === undefined || run.id < query.cursor);
        const page = all.slice(0, query.limit);
        const next = all.length > query.limit ? (page[page.length - 1] as ServerRun).id : null;
        return { status: 200, body: { runs: page.map(runView), next_cursor: next } };
      },
    },
    {
      method: 'GET',
      path: '/runs/{id}',
      operationId: 'getRun',
      summary: 'A run: status, step progress, decision.',
      scope: 'runs:read',
      responses: { 200: { description: 'The run', schema: RunSchema } },
      handle: async (context) => ({ status: 200, body: runView(ownRun(deps, context)) }),
    },
    {
      method: 'GET',
      path: '/runs/{id}/events',
      operationId: 'runEvents',
      summary: 'Live progress as Server-Sent Events (`run` with the whole record, `progress` with each pipeline event); ends when the run does.',
      scope: 'runs:read',
      responses: { 200: { description: 'An event stream', mediaType: 'text/event-stream' } },
      handle: async (context) => streamRunEvents(deps, context),
    },
    {
      method: 'POST',
      path: '/runs/{id}/cancel',
      operationId: 'cancelRun',
      summary: 'Cancel a queued run, or stop a running one at its next step boundary.',
      scope: 'runs:submit',
      responses: { 202: { description: 'Cancelled or cancelling', schema: RunSchema } },
      handle: async (context) => ({ status: 202, body: runView(runs.cancel(ownRun(deps, context).id)) }),
    },
    {
      method: 'GET',
      path: '/runs/{id}/files',
      operationId: 'listRunFiles',
      summary: "The run's output files.",
      scope: 'runs:read',
      responses: { 200: { description: 'File names, relative to the output folder', schema: FileListSchema } },
      handle: async (context) => ({ status: 200, body: { files: await runs.files(ownRun(deps, context).id) } }),
    },
    {
      method: 'GET',
      path: '/runs/{id}/files/{path+}',
      operationId: 'getRunFile',
      summary: 'One output file, as it is in the output folder.',
      scope: 'runs:read',
      responses: { 200: { description: 'The file', mediaType: 'application/octet-stream' } },
      handle: async (context) => {
        const path = await runs.filePath(ownRun(deps, context).id, context.params.path as string);
        sendFile(context, path, mediaTypeOf(path));
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/runs/{id}/report',
      operationId: 'getRunReport',
      summary: "The run's report.html.",
      scope: 'runs:read',
      responses: { 200: { description: 'The report', mediaType: 'text/html' } },
      handle: async (context) => {
        const path = await runs.filePath(ownRun(deps, context).id, 'report.html');
        sendFile(context, path, 'text/html; charset=utf-8', { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'" });
        return undefined;
      },
    },
    {
      method: 'POST',
      path: '/runs/{id}/verify',
      operationId: 'verifyRun',
      summary: 'Verify the run on the server, as `hokusai verify` does.',
      scope: 'runs:read',
      responses: { 200: { description: 'Every check and the overall result', schema: VerificationSchema } },
      handle: async (context) => ({ status: 200, body: await runs.verify(ownRun(deps, context).id) }),
    },
  ];
}

function benchmarkRoutes(deps: RouteDependencies): Route[] {
  return [
    {
      method: 'POST',
      path: '/benchmarks',
      operationId: 'registerBenchmark',
      summary: 'Register a benchmark version from a file in the data folder: its content hash, target and task.',
      scope: 'benchmarks:write',
      body: { schema: RegisterBenchmarkSchema },
      responses: { 201: { description: 'Registered', schema: BenchmarkSchema } },
      handle: async (context) => registerBenchmark(deps, context),
    },
    {
      method: 'GET',
      path: '/benchmarks',
      operationId: 'listBenchmarks',
      summary: 'The benchmark registry.',
      scope: 'runs:read',
      responses: { 200: { description: 'Registered benchmarks', schema: BenchmarkListSchema } },
      handle: async () => ({ status: 200, body: { benchmarks: new BenchmarkRegistry(registryPath(deps)).list() } }),
    },
  ];
}


/** Every route of the API but the session, health and metrics routes the server adds itself. */
export function buildRoutes(deps: RouteDependencies): Route[] {
  return [...runRoutes(deps), ...benchmarkRoutes(deps)];
}

function requireBenchmarkId(id: string | undefined): string {
  if (id === undefined) throw new ServerError('HOKUSAI_BENCHMARK_MISSING', 'Send a benchmark file or name a registered benchmark in settings.benchmarkId.');
  return id;
}

function withContributor(settings: z.infer<typeof RunSettingsSchema>, contributor: string | null): Record<string, unknown> {
  const { contributor: given, ...rest } = settings;
  const merged = { ...(given ?? {}), ...(contributor === null ? {} : { id: contributor }) };
  return Object.keys(merged).length === 0 ? rest : { ...rest, contributor: merged };
}

const MEDIA_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.html': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.onnx': 'application/octet-stream',
};

/** Output files go out as data: HTML only through the report route, with its own policy. */
function mediaTypeOf(path: string): string {
  return MEDIA_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function sendFile(context: RequestContext, path: string, type: string, headers: Record<string, string> = {}): void {
  context.response.writeHead(200, { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...headers });
  createReadStream(path).pipe(context.response);
}

function withFileName(error: unknown, path: string, name: string): unknown {
  if (HokusaiError.isInstance(error)) {
    // The same error (code, kind, row, column), with the file as the request named it.
    const json = error.toJSON();
    json.message = json.message.split(path).join(name);
    if (json.file === path) json.file = name;
    else delete json.file;
    return HokusaiError.fromJSON(json) ?? error;
  }
  if (!(error instanceof Error)) return error;
  const located = error as Error & { code?: unknown; file?: unknown; row?: unknown; column?: unknown };
  return Object.assign(new Error(error.message.split(path).join(name)), {
    code: located.code,
    row: located.row,
    column: located.column,
    ...(located.file === path ? { file: name } : {}),
  });
}
