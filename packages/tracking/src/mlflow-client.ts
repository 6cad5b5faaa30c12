import { z } from 'zod';
import { authorizationHeader } from './auth.js';
import { httpSettingsFromEnv } from './http-env.js';
import { splitUriCredentials } from './uri-credentials.js';
import { splitBatch, type LogBatch } from './batch-splitter.js';
import { TrackingError } from './errors.js';
import { HttpTransport, type RawRequest } from './http-transport.js';
import { errorFromResponse, readJson } from './response-errors.js';
import { assertBatchValid, codePointLength, MLFLOW_LIMITS, type KeyValue, type Metric } from './limits.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactClient, cleanArtifactPath, type ArtifactFile, type ArtifactUploadOptions } from './artifacts.js';
import type { DatasetInput, RunStatus, TrackingAuth } from './types.js';

export interface MlflowClientOptions {
  auth?: TrackingAuth;
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** Default 3. */
  retries?: number;
  /** First retry delay, doubling. Default 250 ms. */
  backoffMs?: number;
  /** Keep-alive connections. Default 4. */
  connections?: number;
  /** Files at least this big go through multipart upload when the server supports it. Default 100 MiB. */
  multipartThresholdBytes?: number;
  /** Part size for multipart upload. Default 64 MiB. */
  multipartChunkBytes?: number;
  /**
   * Where MLFLOW_TRACKING_TOKEN/USERNAME/PASSWORD, MLFLOW_HTTP_REQUEST_TIMEOUT (s),
   * MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_TRACKING_INSECURE_TLS and
   * MLFLOW_TRACKING_SERVER_CERT_PATH are read. Default `process.env`; options win over them.
   */
  env?: NodeJS.ProcessEnv;
}

const clientOptionsSchema = z.object({
  auth: z.object({ token: z.string().optional(), username: z.string().optional(), password: z.string().optional() }).optional(),
  timeoutMs: z.number().int().positive().optional(),
  retries: z.number().int().min(0).max(20).optional(),
  backoffMs: z.number().int().min(0).optional(),
  connections: z.number().int().positive().max(64).optional(),
  multipartThresholdBytes: z.number().int().positive().optional(),
  multipartChunkBytes: z.number().int().min(1).optional(),
  // process.env is an exotic object that z.record refuses; its values are read one by one later.
  env: z.custom<NodeJS.ProcessEnv>((v) => typeof v === 'object' && v !== null).optional(),
});

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string | undefined;
  lifecycleStage: string | undefined;
  tags: Record<string, string>;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string | undefined;
  status: string;
  startTime: number | undefined;
  endTime: number | undefined;
  artifactUri: string;
}

export interface Run {
  info: RunInfo;
  metrics: Metric[];
  params: Record<string, string>;
  tags: Record<string, string>;
  inputs: Array<{ name: string; digest: string; sourceType: string; source: string; schema?: string; profile?: string; tags: Record<string, string> }>;
  /** Logged models linked to the run as outputs (MLflow 3). */
  modelOutputs: Array<{ modelId: string; step: number }>;
}

export interface ModelVersion {
  name: string;
  version: string;
  source: string;
  runId: string | undefined;
  /** The logged model (MLflow 3) this version was made from. */
  modelId: string | undefined;
  status: string | undefined;
  tags: Record<string, string>;
  aliases: string[];
}

const kvList = z.array(z.object({ key: z.string(), value: z.string().optional() })).optional();
const toRecord = (list: z.infer<typeof kvList>): Record<string, string> =>
  Object.fromEntries((list ?? []).map((t) => [t.key, t.value ?? '']));

const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
  tags: kvList,
});
const runInfoSchema = z.object({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string().optional(),
  status: z.string().optional(),
  start_time: z.coerce.number().optional(),
  end_time: z.coerce.number().optional(),
  artifact_uri: z.string().optional(),
});
const metricSchema = z.object({ key: z.string(), value: z.union([z.number(), z.string()]), timestamp: z.coerce.number(), step: z.coerce.number().optional() });
const runSchema = z.object({
  info: runInfoSchema,
  data: z.object({ metrics: z.array(metricSchema).optional(), params: kvList, tags: kvList }).optional(),
  inputs: z
    .object({
      dataset_inputs: z
        .array(
          z.object({
            tags: kvList,
            dataset: z.object({ name: z.string(), digest: z.string(), source_type: z.string(), source: z.string(), schema: z.string().optional(), profile: z.string().optional() }),
          }),
        )
        .optional(),
    })
    .optional(),
  outputs: z.object({ model_outputs: z.array(z.object({ model_id: z.string(), step: z.coerce.number().optional() })).optional() }).optional(),
});
const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.string().optional(),
  tags: kvList,
  aliases: z.array(z.string()).optional(),
  model_id: z.string().optional(),
});

export interface RegisteredModel {
  name: string;
  description: string | undefined;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  latestVersions: string[];
}
const registeredModelSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  tags: kvList,
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).optional(),
  latest_versions: z.array(z.object({ version: z.string() })).optional(),
});
function toRegisteredModel(m: z.infer<typeof registeredModelSchema>): RegisteredModel {
  return {
    name: m.name,
    description: m.description,
    tags: toRecord(m.tags),
    aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
    latestVersions: (m.latest_versions ?? []).map((v) => v.version),
  };
}

/** An MLflow 3 logged model: a model with its own id, artifacts and status, linked to runs. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactLocation: string;
  status: string;
  sourceRunId: string | undefined;
  modelType: string | undefined;
  tags: Record<string, string>;
  params: Record<string, string>;
}
const loggedModelSchema = z.object({
  info: z.object({
    model_id: z.string(),
    experiment_id: z.string(),
    name: z.string().optional(),
    artifact_uri: z.string().optional(),
    status: z.string().optional(),
    source_run_id: z.string().optional(),
    model_type: z.string().optional(),
    tags: kvList,
  }),
  data: z.object({ params: kvList }).optional(),
});
function toLoggedModel(m: z.infer<typeof loggedModelSchema>): LoggedModel {
  return {
    modelId: m.info.model_id,
    experimentId: m.info.experiment_id,
    name: m.info.name ?? '',
    artifactLocation: m.info.artifact_uri ?? '',
    status: m.info.status ?? '',
    sourceRunId: m.info.source_run_id,
    modelType: m.info.model_type,
    tags: toRecord(m.info.tags),
    params: toRecord(m.data?.params),
  };
}

function toExperiment(e: z.infer<typeof experimentSchema>): Experiment {
  return {
    experimentId: e.experiment_id,
    name: e.name,
    artifactLocation: e.artifact_location,
    lifecycleStage: e.lifecycle_stage,
    tags: toRecord(e.tags),
  };
}
function toRunInfo(i: z.infer<typeof runInfoSchema>): RunInfo {
  return {
    runId: i.run_id,
    experimentId: i.experiment_id,
    runName: i.run_name,
    status: i.status ?? 'RUNNING',
    startTime: i.start_time,
    endTime: i.end_time,
    artifactUri: i.artifact_uri ?? '',
  };
}
function toMetricValue(v: number | string): number {
  // MLflow's JSON writes non-finite values as strings ("NaN", "Infinity").
  return typeof v === 'number' ? v : Number(v);
}
function toRun(r: z.infer<typeof runSchema>): Run {
  return {
    info: toRunInfo(r.info),
    metrics: (r.data?.metrics ?? []).map((m) => ({ key: m.key, value: toMetricValue(m.value), timestamp: m.timestamp, step: m.step ?? 0 })),
    params: toRecord(r.data?.params),
    tags: toRecord(r.data?.tags),
    inputs: (r.inputs?.dataset_inputs ?? []).map((d) => ({
      name: d.dataset.name,
      digest: d.dataset.digest,
      sourceType: d.dataset.source_type,
      source: d.dataset.source,
      ...(d.dataset.schema === undefined || d.dataset.schema === '' ? {} : { schema: d.dataset.schema }),
      ...(d.dataset.profile === undefined || d.dataset.profile === '' ? {} : { profile: d.dataset.profile }),
      tags: toRecord(d.tags),
    })),
    modelOutputs: (r.outputs?.model_outputs ?? []).map((o) => ({ modelId: o.model_id, step: o.step ?? 0 })),
  };
}
function toModelVersion(m: z.infer<typeof modelVersionSchema>): ModelVersion {
  return {
    name: m.name,
    version: m.version,
    source: m.source ?? '',
    runId: m.run_id,
    modelId: m.model_id,
    status: m.status,
    tags: toRecord(m.tags),
    aliases: m.aliases ?? [],
  };
}

const API = '/api/2.0/mlflow';

/** A response that does not have the shape MLflow documents is a server error, not a crash. */
function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TrackingError(
      'HOKUSAI_TRACKING_SERVER_ERROR',
      `The MLflow server answered with an unexpected shape (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}). Is the tracking URI an MLflow server?`,
    );
  }
  return result.data;
}
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** MLflow filter-string quoting for a value inside single quotes. */
export function quoteFilterValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A client for the MLflow tracking server's REST API (2.x and 3.x): experiments, runs, batched
 * logging split to MLflow's limits, dataset inputs, artifacts through the server's proxy, and
 * the model registry. Every method throws TrackingError; `error.transient` says whether a later
 * retry can succeed.
 */
export class MlflowClient {
  readonly trackingUri: string;
  readonly transport: HttpTransport;
  readonly artifacts: ArtifactClient;
  private readonly artifactUris = new Map<string, string>();

  constructor(trackingUri: string, options: MlflowClientOptions = {}) {
    const checked = clientOptionsSchema.safeParse(options);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_OPTIONS', `MLflow client option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`);
    }
    // Credentials in the URI authenticate but never appear in the URI the client shows.
    const split = splitUriCredentials(trackingUri.trim());
    this.trackingUri = split.uri.replace(/\/+$/, '');
    const env = options.env ?? process.env;
    const fromEnv = httpSettingsFromEnv(env);
    this.transport = new HttpTransport(this.trackingUri, {
      authorization: authorizationHeader(options.auth, env, split),
      timeoutMs: options.timeoutMs ?? fromEnv.timeoutMs ?? 10_000,
      retries: options.retries ?? fromEnv.retries ?? 3,
      ...(fromEnv.tls === undefined ? {} : { tls: fromEnv.tls }),
      backoffMs: options.backoffMs ?? 250,
      connections: options.connections ?? 4,
    });
    this.artifacts = new ArtifactClient(this.transport, (runId) => this.artifactUri(runId), {
      multipartThresholdBytes: options.multipartThresholdBytes ?? 100 * 1024 * 1024,
      multipartChunkBytes: options.multipartChunkBytes ?? 64 * 1024 * 1024,
    });
  }

  /** Sends a JSON request to `/api/2.0/mlflow<path>` and returns the parsed JSON answer. */
  async call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: Record<string, unknown>): Promise<unknown> {
    const req: RawRequest =
      method === 'GET'
        ? { method, path: `${API}${path}`, query: toQuery(payload) }
        : {
            method,
            path: `${API}${path}`,
            headers: { 'content-type': 'application/json' },
            body: () => JSON.stringify(payload ?? {}),
          };
    const res = await this.transport.send(req);
    return readJson(res, this.transport.describe(req));
  }

  // ---- health ---------------------------------------------------------------------------

  /** Resolves when `/health` answers 200; throws UNREACHABLE/TIMEOUT/SERVER_ERROR otherwise. */
  async health(): Promise<void> {
    const req: RawRequest = { method: 'GET', path: '/health' };
    const res = await this.transport.send(req);
    const text = await res.body.text();
    if (res.status !== 200) {
      throw errorFromResponse(res.status, text, this.transport.describe(req));
    }
  }

  // ---- experiments ----------------------------------------------------------------------

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const out = checked(z.object({ experiment: experimentSchema }), await this.call('GET', '/experiments/get-by-name', { experiment_name: name }));
      return toExperiment(out.experiment);
    } catch (error) {
      if (error instanceof TrackingError && error.code === 'HOKUSAI_TRACKING_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<string> {
    const out = checked(z
      .object({ experiment_id: z.string() }), await this.call('POST', '/experiments/create', { name, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }));
    return out.experiment_id;
  }

  /**
   * The experiment's id, creating it if needed. Safe under concurrent creators: whoever loses
   * the create race reads the winner's experiment. A deleted experiment is an error (MLflow
   * keeps the name reserved until it is restored or purged).
   */
  async getOrCreateExperiment(name: string): Promise<string> {
    if (name.length === 0 || codePointLength(name) > MLFLOW_LIMITS.experimentNameLength) {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `Experiment name must have 1 to ${MLFLOW_LIMITS.experimentNameLength} characters.`);
    }
    const existing = await this.getExperimentByName(name);
    if (existing !== undefined) return checkActive(existing);
    try {
      return await this.createExperiment(name);
    } catch (error) {
      if (!(error instanceof TrackingError) || error.code !== 'HOKUSAI_TRACKING_ALREADY_EXISTS') throw error;
      const winner = await this.getExperimentByName(name);
      if (winner === undefined) throw error;
      return checkActive(winner);
    }
  }

  async searchExperiments(options: { filter?: string; maxResults?: number; pageToken?: string } = {}): Promise<{ experiments: Experiment[]; nextPageToken: string | undefined }> {
    const out = checked(z
      .object({ experiments: z.array(experimentSchema).optional(), next_page_token: z.string().optional() }), 
        await this.call('POST', '/experiments/search', {
          max_results: options.maxResults ?? 1000,
          ...(options.filter === undefined ? {} : { filter: options.filter }),
          ...(options.pageToken === undefined ? {} : { page_token: options.pageToken }),
        }),
      );
    return { experiments: (out.experiments ?? []).map(toExperiment), nextPageToken: out.next_page_token };
  }

  /** Every experiment matching the filter, following `next_page_token`. */
  async searchAllExperiments(options: { filter?: string; pageSize?: number } = {}): Promise<Experiment[]> {
    const all: Experiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchExperiments({ ...(options.filter === undefined ? {} : { filter: options.filter }), maxResults: options.pageSize ?? 1000, ...(pageToken === undefined ? {} : { pageToken }) });
      all.push(...page.experiments);
      pageToken = page.nextPageToken === '' ? undefined : page.nextPageToken;
    } while (pageToken !== undefined);
    return all;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const out = checked(z.object({ experiment: experimentSchema }), await this.call('GET', '/experiments/get', { experiment_id: experimentId }));
    return toExperiment(out.experiment);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.call('POST', '/experiments/delete', { experiment_id: experimentId });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.call('POST', '/experiments/restore', { experiment_id: experimentId });
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.call('POST', '/experiments/update', { experiment_id: experimentId, new_name: newName });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.call('POST', '/experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.call('POST', '/experiments/delete-experiment-tag', { experiment_id: experimentId, key });
  }

  // ---- runs -----------------------------------------------------------------------------

  async createRun(options: { experimentId: string; runName?: string; startTime?: number; tags?: Record<string, string> }): Promise<RunInfo> {
    const tags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
    assertBatchValid([], [], tags);
    const out = checked(z.object({ run: runSchema }), 
      await this.call('POST', '/runs/create', {
        experiment_id: options.experimentId,
        start_time: options.startTime ?? Date.now(),
        tags,
        ...(options.runName === undefined ? {} : { run_name: options.runName }),
      }),
    );
    const info = toRunInfo(out.run.info);
    if (info.artifactUri !== '') this.artifactUris.set(info.runId, info.artifactUri);
    return info;
  }

  async updateRun(runId: string, update: { status?: RunStatus | 'RUNNING'; endTime?: number; runName?: string }): Promise<void> {
    await this.call('POST', '/runs/update', {
      run_id: runId,
      ...(update.status === undefined ? {} : { status: update.status }),
      ...(update.endTime === undefined ? {} : { end_time: update.endTime }),
      ...(update.runName === undefined ? {} : { run_name: update.runName }),
    });
  }

  async getRun(runId: string): Promise<Run> {
    const out = checked(z.object({ run: runSchema }), await this.call('GET', '/runs/get', { run_id: runId }));
    const run = toRun(out.run);
    if (run.info.artifactUri !== '') this.artifactUris.set(runId, run.info.artifactUri);
    return run;
  }

  async searchRuns(options: {
    experimentIds: string[];
    filter?: string;
    maxResults?: number;
    orderBy?: string[];
    pageToken?: string;
  }): Promise<{ runs: Run[]; nextPageToken: string | undefined }> {
    const out = checked(z.object({ runs: z.array(runSchema).optional(), next_page_token: z.string().optional() }), 
      await this.call('POST', '/runs/search', {
        experiment_ids: options.experimentIds,
        max_results: options.maxResults ?? 1000,
        ...(options.filter === undefined ? {} : { filter: options.filter }),
        ...(options.orderBy === undefined ? {} : { order_by: options.orderBy }),
        ...(options.pageToken === undefined ? {} : { page_token: options.pageToken }),
      }),
    );
    return { runs: (out.runs ?? []).map(toRun), nextPageToken: out.next_page_token };
  }

  /** Every point of a metric, following `next_page_token` (the server pages at 25,000 by default). */
  async getMetricHistory(runId: string, key: string, options: { pageSize?: number } = {}): Promise<Metric[]> {
    const points: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const out = checked(
        z.object({ metrics: z.array(metricSchema).optional(), next_page_token: z.string().optional() }),
        await this.call('GET', '/metrics/get-history', { run_id: runId, metric_key: key, max_results: options.pageSize ?? 25000, page_token: pageToken }),
      );
      points.push(...(out.metrics ?? []).map((m) => ({ key: m.key, value: toMetricValue(m.value), timestamp: m.timestamp, step: m.step ?? 0 })));
      pageToken = out.next_page_token === '' ? undefined : out.next_page_token;
    } while (pageToken !== undefined);
    return points;
  }

  /** Every run matching the search, following `next_page_token`. */
  async searchAllRuns(options: { experimentIds: string[]; filter?: string; orderBy?: string[]; pageSize?: number }): Promise<Run[]> {
    const runs: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...options, maxResults: options.pageSize ?? 1000, ...(pageToken === undefined ? {} : { pageToken }) });
      runs.push(...page.runs);
      pageToken = page.nextPageToken === '' ? undefined : page.nextPageToken;
    } while (pageToken !== undefined);
    return runs;
  }

  async deleteRun(runId: string): Promise<void> {
    await this.call('POST', '/runs/delete', { run_id: runId });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.call('POST', '/runs/restore', { run_id: runId });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.call('POST', '/runs/delete-tag', { run_id: runId, key });
  }

  /** The run named by the run's `mlflow.parentRunId` tag, or undefined for a top-level run. */
  async getParentRun(runId: string): Promise<Run | undefined> {
    const parent = (await this.getRun(runId)).tags['mlflow.parentRunId'];
    return parent === undefined || parent === '' ? undefined : this.getRun(parent);
  }

  /**
   * Logs metrics, params and tags, split into as many `runs/log-batch` requests as MLflow's
   * limits need. Every value is checked first: an invalid one throws before any request.
   * Returns the number of requests sent.
   */
  async logBatch(runId: string, batch: Partial<LogBatch>): Promise<number> {
    const full: LogBatch = { metrics: batch.metrics ?? [], params: batch.params ?? [], tags: batch.tags ?? [] };
    assertBatchValid(full.metrics, full.params, full.tags);
    const parts = splitBatch(runId, full);
    for (const part of parts) {
      await this.call('POST', '/runs/log-batch', { run_id: runId, metrics: part.metrics, params: part.params, tags: part.tags });
    }
    return parts.length;
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.logBatch(runId, { tags: [{ key, value }] });
  }

  /**
   * Logs dataset inputs. MLflow keeps 36 characters of digest, so the digest is the first 36
   * hex characters of the SHA-256 and the full hash goes in the input tag `hokusai.sha256`.
   */
  async logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> {
    const payload = datasets.map(datasetPayload);
    for (let i = 0; i < payload.length; i += MLFLOW_LIMITS.datasetsPerRequest) {
      await this.call('POST', '/runs/log-inputs', { run_id: runId, datasets: payload.slice(i, i + MLFLOW_LIMITS.datasetsPerRequest) });
    }
  }

  // ---- artifacts ------------------------------------------------------------------------

  /**
   * The artifact root URI (cached) of a run, or of a logged model: MLflow's logged model ids
   * start with `m-` and run ids are hex, so one map serves both.
   */
  async artifactUri(runId: string): Promise<string> {
    const cached = this.artifactUris.get(runId);
    if (cached !== undefined) return cached;
    if (runId.startsWith('m-')) return (await this.getLoggedModel(runId)).artifactLocation;
    const run = await this.getRun(runId);
    return run.info.artifactUri;
  }

  /** Uploads a file or a folder (recursively) under `artifactPath` in the run's artifacts. */
  logArtifact(runId: string, localPath: string, artifactPath?: string, options?: ArtifactUploadOptions): Promise<ArtifactFile[]> {
    return this.artifacts.upload(runId, localPath, artifactPath, options);
  }

  /** Lists one folder of the run's artifacts (`recursive` walks sub-folders). */
  listArtifacts(runId: string, path?: string, options?: { recursive?: boolean }): Promise<ArtifactFile[]> {
    return this.artifacts.list(runId, path, options?.recursive ?? false);
  }

  /** The bytes of one artifact file. */
  readArtifact(runId: string, path: string): Promise<Buffer> {
    return this.artifacts.read(runId, path);
  }

  /** Downloads a file or a folder to `destination`; returns the files written. */
  downloadArtifacts(runId: string, path: string, destination: string): Promise<string[]> {
    return this.artifacts.download(runId, path, destination);
  }

  // ---- model registry -------------------------------------------------------------------

  /** Creates the registered model unless it exists (idempotent, race-safe). */
  async ensureRegisteredModel(name: string, description?: string): Promise<void> {
    try {
      await this.call('POST', '/registered-models/create', { name, ...(description === undefined ? {} : { description }) });
    } catch (error) {
      if (!(error instanceof TrackingError) || error.code !== 'HOKUSAI_TRACKING_ALREADY_EXISTS') throw error;
    }
  }

  async createModelVersion(options: {
    name: string;
    source: string;
    runId?: string;
    tags?: Record<string, string>;
    description?: string;
    /** The logged model the version is made from (MLflow 3). */
    modelId?: string;
  }): Promise<ModelVersion> {
    const tags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
    for (const t of tags) {
      if (t.key.length === 0 || codePointLength(t.key) > MLFLOW_LIMITS.modelTagKeyLength || codePointLength(t.value) > MLFLOW_LIMITS.modelTagValueLength) {
        throw new TrackingError(
          'HOKUSAI_TRACKING_LIMIT_EXCEEDED',
          `Model version tag "${t.key.slice(0, 60)}" is empty or over MLflow's limits (key ${MLFLOW_LIMITS.modelTagKeyLength}, value ${MLFLOW_LIMITS.modelTagValueLength} characters). Nothing was sent.`,
        );
      }
    }
    const out = checked(z.object({ model_version: modelVersionSchema }), 
      await this.call('POST', '/model-versions/create', {
        name: options.name,
        source: options.source,
        tags,
        ...(options.runId === undefined ? {} : { run_id: options.runId }),
        ...(options.modelId === undefined ? {} : { model_id: options.modelId }),
        ...(options.description === undefined ? {} : { description: options.description }),
      }),
    );
    return toModelVersion(out.model_version);
  }

  async setModelAlias(name: string, alias: string, version: string): Promise<void> {
    if (alias.length === 0 || codePointLength(alias) > MLFLOW_LIMITS.aliasLength || /^v\d+$/i.test(alias) || alias.toLowerCase() === 'latest') {
      throw new TrackingError(
        'HOKUSAI_TRACKING_INVALID_VALUE',
        `Alias "${alias}" is not allowed: 1 to ${MLFLOW_LIMITS.aliasLength} characters, and not "latest" or v<number> (MLflow reserves those). Nothing was sent.`,
      );
    }
    await this.call('POST', '/registered-models/alias', { name, alias, version });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      const out = checked(z.object({ model_version: modelVersionSchema }), await this.call('GET', '/registered-models/alias', { name, alias }));
      return toModelVersion(out.model_version);
    } catch (error) {
      if (error instanceof TrackingError && error.code === 'HOKUSAI_TRACKING_NOT_FOUND') return undefined;
      // MLflow 3 answers a missing alias with 400 INVALID_PARAMETER_VALUE "... alias x not found".
      if (error instanceof TrackingError && error.mlflowCode === 'INVALID_PARAMETER_VALUE' && /alias .* not found/i.test(error.message)) return undefined;
      throw error;
    }
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const out = checked(z.object({ model_version: modelVersionSchema }), await this.call('GET', '/model-versions/get', { name, version }));
    return toModelVersion(out.model_version);
  }

  /** Every model version matching the filter, following `next_page_token`. */
  async searchModelVersions(filter: string, pageSize = 1000): Promise<ModelVersion[]> {
    const versions: ModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const out = checked(
        z.object({ model_versions: z.array(modelVersionSchema).optional(), next_page_token: z.string().optional() }),
        await this.call('GET', '/model-versions/search', { filter, max_results: pageSize, page_token: pageToken }),
      );
      versions.push(...(out.model_versions ?? []).map(toModelVersion));
      pageToken = out.next_page_token === '' ? undefined : out.next_page_token;
    } while (pageToken !== undefined);
    return versions;
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const out = checked(z.object({ registered_model: registeredModelSchema }), await this.call('GET', '/registered-models/get', { name }));
    return toRegisteredModel(out.registered_model);
  }

  /** Every registered model matching the filter, following `next_page_token`. */
  async searchRegisteredModels(options: { filter?: string; pageSize?: number } = {}): Promise<RegisteredModel[]> {
    const all: RegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const out = checked(
        z.object({ registered_models: z.array(registeredModelSchema).optional(), next_page_token: z.string().optional() }),
        await this.call('GET', '/registered-models/search', { filter: options.filter, max_results: options.pageSize ?? 1000, page_token: pageToken }),
      );
      all.push(...(out.registered_models ?? []).map(toRegisteredModel));
      pageToken = out.next_page_token === '' ? undefined : out.next_page_token;
    } while (pageToken !== undefined);
    return all;
  }

  async updateRegisteredModel(name: string, description: string): Promise<void> {
    await this.call('PATCH', '/registered-models/update', { name, description });
  }

  async renameRegisteredModel(name: string, newName: string): Promise<void> {
    await this.call('POST', '/registered-models/rename', { name, new_name: newName });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.call('DELETE', '/registered-models/delete', { name });
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<void> {
    await this.call('PATCH', '/model-versions/update', { name, version, description });
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.call('DELETE', '/model-versions/delete', { name, version });
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', '/model-versions/set-tag', { name, version, key, value });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.call('DELETE', '/model-versions/delete-tag', { name, version, key });
  }

  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', '/registered-models/alias', { name, alias });
  }

  /** Where a version's files are (what `mlflow.artifacts.download_artifacts('models:/...')` reads). */
  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    return checked(z.object({ artifact_uri: z.string() }), await this.call('GET', '/model-versions/get-download-uri', { name, version })).artifact_uri;
  }

  // ---- text, dict and table artifacts ---------------------------------------------------

  /** Logs text as the artifact file `artifactFile` (e.g. `notes/summary.md`), like `mlflow.log_text`. */
  async logText(runId: string, text: string, artifactFile: string): Promise<void> {
    const clean = cleanArtifactPath(artifactFile);
    const slash = clean.lastIndexOf('/');
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-log-text-'));
    try {
      const local = join(dir, clean.slice(slash + 1));
      await writeFile(local, text, 'utf8');
      await this.logArtifact(runId, local, slash < 0 ? undefined : clean.slice(0, slash));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Logs an object as JSON (`.json`, indented as MLflow does), like `mlflow.log_dict`. */
  logDict(runId: string, value: unknown, artifactFile: string): Promise<void> {
    return this.logText(runId, JSON.stringify(value, null, 2), artifactFile);
  }

  /**
   * Logs columns of equal length as a table artifact in MLflow's `log_table` format (pandas
   * `split` orientation: `{ columns, data }`), which the MLflow UI shows as a table.
   */
  async logTable(runId: string, columns: Record<string, ReadonlyArray<string | number | boolean | null>>, artifactFile: string): Promise<void> {
    const names = Object.keys(columns);
    const length = names.length === 0 ? 0 : (columns[names[0] as string] ?? []).length;
    if (names.some((n) => (columns[n] ?? []).length !== length)) {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `logTable: every column must have ${length} values. Nothing was sent.`);
    }
    if (!artifactFile.endsWith('.json')) throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `logTable: the artifact file must end in .json, got "${artifactFile}".`);
    const data = Array.from({ length }, (_, r) => names.map((n) => (columns[n] as ReadonlyArray<string | number | boolean | null>)[r] ?? null));
    await this.logText(runId, JSON.stringify({ columns: names, data }), artifactFile);
    const tag = (await this.getRun(runId)).tags['mlflow.loggedArtifacts'];
    const listed: Array<{ path: string; type: string }> = tag === undefined ? [] : (JSON.parse(tag) as Array<{ path: string; type: string }>);
    if (!listed.some((a) => a.path === artifactFile)) listed.push({ path: artifactFile, type: 'table' });
    await this.setTag(runId, 'mlflow.loggedArtifacts', JSON.stringify(listed));
  }

  // ---- logged models (MLflow 3) -----------------------------------------------------------

  /** Creates a logged model (status PENDING until finalized) in an experiment. */
  async createLoggedModel(options: {
    experimentId: string;
    name: string;
    sourceRunId?: string;
    modelType?: string;
    tags?: Record<string, string>;
    params?: Record<string, string>;
  }): Promise<LoggedModel> {
    const out = checked(
      z.object({ model: loggedModelSchema }),
      await this.call('POST', '/logged-models', {
        experiment_id: options.experimentId,
        name: options.name,
        ...(options.sourceRunId === undefined ? {} : { source_run_id: options.sourceRunId }),
        ...(options.modelType === undefined ? {} : { model_type: options.modelType }),
        tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
        params: Object.entries(options.params ?? {}).map(([key, value]) => ({ key, value })),
      }),
    );
    const model = toLoggedModel(out.model);
    if (model.artifactLocation !== '') this.artifactUris.set(model.modelId, model.artifactLocation);
    return model;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const out = checked(z.object({ model: loggedModelSchema }), await this.call('GET', `/logged-models/${encodeURIComponent(modelId)}`));
    const model = toLoggedModel(out.model);
    if (model.artifactLocation !== '') this.artifactUris.set(model.modelId, model.artifactLocation);
    return model;
  }

  /** Marks a logged model READY (its artifacts are complete) or FAILED. */
  async finalizeLoggedModel(modelId: string, status: 'READY' | 'FAILED'): Promise<LoggedModel> {
    const out = checked(
      z.object({ model: loggedModelSchema }),
      await this.call('PATCH', `/logged-models/${encodeURIComponent(modelId)}`, { model_id: modelId, status: `LOGGED_MODEL_${status}` }),
    );
    return toLoggedModel(out.model);
  }

  /** Every logged model of the experiments that matches `filter` (follows every page). */
  async searchLoggedModels(options: { experimentIds: string[]; filter?: string; pageSize?: number }): Promise<LoggedModel[]> {
    const models: LoggedModel[] = [];
    let pageToken: string | undefined;
    do {
      const out = checked(
        z.object({ models: z.array(loggedModelSchema).optional(), next_page_token: z.string().optional() }),
        await this.call('POST', '/logged-models/search', {
          experiment_ids: options.experimentIds,
          max_results: options.pageSize ?? 100,
          ...(options.filter === undefined ? {} : { filter: options.filter }),
          ...(pageToken === undefined ? {} : { page_token: pageToken }),
        }),
      );
      models.push(...(out.models ?? []).map(toLoggedModel));
      pageToken = out.next_page_token === '' ? undefined : out.next_page_token;
    } while (pageToken !== undefined);
    return models;
  }

  /** Links logged models to a run as its outputs (the run page's "Logged models"). */
  async logOutputs(runId: string, models: Array<{ modelId: string; step?: number }>): Promise<void> {
    await this.call('POST', '/runs/outputs', { run_id: runId, models: models.map((m) => ({ model_id: m.modelId, step: m.step ?? 0 })) });
  }

  /** Uploads a file or folder into a logged model's artifacts. */
  logModelArtifact(modelId: string, localPath: string, artifactPath?: string): Promise<ArtifactFile[]> {
    return this.artifacts.upload(modelId, localPath, artifactPath);
  }

  /** Lists a logged model's artifacts. */
  listModelArtifacts(modelId: string, path?: string, options?: { recursive?: boolean }): Promise<ArtifactFile[]> {
    return this.artifacts.list(modelId, path, options?.recursive ?? false);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

function checkActive(experiment: Experiment): string {
  if (experiment.lifecycleStage === 'deleted') {
    throw new TrackingError(
      'HOKUSAI_TRACKING_REQUEST_REJECTED',
      `Experiment "${experiment.name}" (id ${experiment.experimentId}) is deleted on the server. Restore it in the MLflow UI or choose another experiment name.`,
    );
  }
  return experiment.experimentId;
}

function datasetPayload(d: DatasetInput): Record<string, unknown> {
  const sha = d.sha256.toLowerCase();
  if (!SHA256_HEX.test(sha)) {
    throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `Dataset "${d.name}" sha256 must be 64 hex characters, got "${d.sha256.slice(0, 80)}". Nothing was sent.`);
  }
  const checks: Array<[string, string | undefined, number]> = [
    ['name', d.name, MLFLOW_LIMITS.datasetNameLength],
    ['source', datasetSourceJson(d.source), MLFLOW_LIMITS.datasetSourceLength],
    ['schema', d.schema, MLFLOW_LIMITS.datasetSchemaLength],
    ['profile', d.profile, MLFLOW_LIMITS.datasetProfileLength],
  ];
  for (const [field, value, limit] of checks) {
    if (value !== undefined && codePointLength(value) > limit) {
      throw new TrackingError('HOKUSAI_TRACKING_LIMIT_EXCEEDED', `Dataset "${d.name.slice(0, 60)}" ${field} has ${codePointLength(value)} characters; MLflow allows ${limit}. Nothing was sent.`);
    }
  }
  if (d.name.length === 0) throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', 'Dataset name is empty. Nothing was sent.');
  const tags: KeyValue[] = [{ key: 'hokusai.sha256', value: sha }];
  if (d.context !== undefined) tags.push({ key: 'mlflow.data.context', value: d.context });
  for (const [key, value] of Object.entries(d.tags ?? {})) tags.push({ key, value });
  for (const t of tags) {
    if (t.key.length === 0 || codePointLength(t.key) > MLFLOW_LIMITS.inputTagKeyLength || codePointLength(t.value) > MLFLOW_LIMITS.inputTagValueLength) {
      throw new TrackingError(
        'HOKUSAI_TRACKING_LIMIT_EXCEEDED',
        `Dataset "${d.name.slice(0, 60)}" input tag "${t.key.slice(0, 60)}" is empty or over MLflow's limits (key ${MLFLOW_LIMITS.inputTagKeyLength}, value ${MLFLOW_LIMITS.inputTagValueLength}). Nothing was sent.`,
      );
    }
  }
  return {
    dataset: {
      name: d.name,
      digest: sha.slice(0, MLFLOW_LIMITS.datasetDigestLength),
      source_type: d.sourceType ?? 'local',
      source: datasetSourceJson(d.source),
      ...(d.schema === undefined ? {} : { schema: d.schema }),
      ...(d.profile === undefined ? {} : { profile: d.profile }),
    },
    tags,
  };
}

/**
 * The dataset source as MLflow's Python client writes it: a JSON object with the URI
 * (`{"uri": ...}`), which `mlflow.data.get_source` reads back. A source already given as a JSON
 * object is sent as it is.
 */
export function datasetSourceJson(source: string): string {
  if (source.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(source);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return source;
    } catch {
      // not JSON: a path or URI that happens to start with "{"
    }
  }
  return JSON.stringify({ uri: source });
}

/** Checks a dataset the way `logInputs` will, without sending anything. */
export function assertDatasetValid(d: DatasetInput): void {
  datasetPayload(d);
}

function toQuery(payload: Record<string, unknown> | undefined): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, v] of Object.entries(payload ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}
