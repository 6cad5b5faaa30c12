import type { Metric } from './limits.js';

/** Final state of a run, as MLflow records it. */
export type RunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

/** A parameter value; numbers and booleans are logged as their JSON text. */
export type ParamValue = string | number | boolean;

export interface TrackingAuth {
  /** Bearer token (`Authorization: Bearer ...`). Wins over username/password. */
  token?: string;
  username?: string;
  password?: string;
}

export interface TrackerOptions {
  /** MLflow tracking server, e.g. `http://127.0.0.1:5000`. Else env `MLFLOW_TRACKING_URI`; none -> journal only. */
  trackingUri?: string;
  /** `<out>/tracking/journal.jsonl`: append-only JSON Lines record of every call. */
  journalPath: string;
  experimentName: string;
  /** Else env `MLFLOW_TRACKING_TOKEN`, or `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD`. */
  auth?: TrackingAuth;
  /** Per request: connect, response headers and body inactivity. Default 10 000 ms. */
  timeoutMs?: number;
  /** Extra attempts on 429/5xx and connection errors, with exponential backoff. Default 3. */
  retries?: number;
  /**
   * What a run handle does with a value MLflow would refuse (NaN metric, over-long param...):
   * `'skip'` (default) drops that one entry and adds a warning; `'throw'` rejects the whole call
   * with a TrackingError before anything is sent or journaled.
   */
  onInvalidValue?: 'skip' | 'throw';
}

/** A dataset a run consumed, logged through MLflow's `runs/log-inputs`. */
export interface DatasetInput {
  name: string;
  /**
   * Full SHA-256 of the data, 64 hex characters. MLflow keeps at most 36 characters of digest,
   * so the digest field gets the first 36 and the full value goes in the input tag
   * `hokusai.sha256` and the run tag `hokusai.dataset.<name>.sha256`.
   */
  sha256: string;
  /**
   * Where the data came from (path or URI). Sent as MLflow's Python client writes a source,
   * `{"uri": "<source>"}`, so `mlflow.data.get_source` reads it back; a JSON object is sent as is.
   */
  source: string;
  /** MLflow source type. Default `'local'`. */
  sourceType?: string;
  /** `mlflow.data.context` input tag, e.g. `'training'`, `'evaluation'`, `'benchmark'`. */
  context?: string;
  /** JSON text of the schema (MLflow dataset `schema`), e.g. `{"mlflow_colspec": [{"type": "double", "name": "age", "required": true}]}`. */
  schema?: string;
  /** JSON text of a profile (row count etc.). */
  profile?: string;
  tags?: Record<string, string>;
}

export interface RunHandle {
  /** Server run id in server mode, or a journal-local id (`journal-<uuid>`) when journaled. */
  readonly runId: string;
  /** The id this run has in the journal (also tagged `hokusai.journal_run_id` on the server). */
  readonly journalRunId: string;
  logParams(params: Record<string, ParamValue>): Promise<void>;
  /** Values must be finite. `timestamp` defaults to now (ms), `step` to 0. */
  logMetrics(metrics: Record<string, number>, options?: { step?: number; timestamp?: number }): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;
  logInputs(datasets: DatasetInput[]): Promise<void>;
  /**
   * Uploads a file, or a folder recursively, under `artifactPath` (a folder inside the run's
   * artifacts, like MLflow's `log_artifact(local, artifact_path)`); omitted -> the root.
   */
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
  /** Sets status and end time (default now, ms since the epoch); with `error`, also the tag `hokusai.error`. */
  end(status: RunStatus, error?: string, endTime?: number): Promise<void>;
  /**
   * The points of a metric the server holds for this run, after this handle's queued calls; empty
   * when the run is not on a reachable server (journaled only) or the server does not answer.
   */
  serverMetricHistory(key: string): Promise<Metric[]>;
}

export interface StartRunOptions {
  name: string;
  /** `runId` of another handle of this tracker; becomes the `mlflow.parentRunId` tag. */
  parentRunId?: string;
  tags?: Record<string, string>;
  /** Start time in ms since the epoch. Default now. */
  startTime?: number;
}

export interface RegisterModelOptions {
  /** Registered model name; created if missing. */
  name: string;
  /** `runId` of a handle of this tracker whose artifacts hold the model. */
  runId: string;
  /** Path of the model inside the run's artifacts, e.g. `model/model.onnx`. */
  artifactPath: string;
  /** Model version tags, e.g. `hokusai.data_sha256`, `hokusai.delta`. The run id is added. */
  tags?: Record<string, string>;
  /** Alias to point at the new version, e.g. `candidate`. */
  alias?: string;
  description?: string;
}

export interface LogModelOptions {
  /** `runId` of a handle of this tracker: the run that produced the model. */
  runId: string;
  /** Logged model name, e.g. `model`. */
  name: string;
  /** A local MLflow model folder (e.g. written by `writeOnnxModelFolder`). */
  localPath: string;
  modelType?: string;
  tags?: Record<string, string>;
  params?: Record<string, string>;
  /**
   * Register the logged model as a version of this registered model (created if missing), with
   * the folder as the version's source, only once the server lists every file of the folder.
   */
  register?: { name: string; alias?: string; tags?: Record<string, string>; description?: string };
}

export interface LoggedModelResult {
  /** Logged model id (`m-...`); undefined when journaled for a later sync. */
  modelId: string | undefined;
  /** Registered version, when `register` was given and the model reached the server. */
  version: string | undefined;
  journaled: boolean;
}

export interface RegisteredModelVersion {
  name: string;
  /** Server version number; undefined when the registration was journaled for a later sync. */
  version: string | undefined;
  journaled: boolean;
}

export interface Tracker {
  /** `'server'` while calls reach the server; `'journal'` with no server or once it went away. */
  readonly mode: 'server' | 'journal';
  readonly trackingUri: string | undefined;
  readonly journalPath: string;
  startRun(options: StartRunOptions): Promise<RunHandle>;
  /**
   * Continues a run this tracker's journal already holds (a killed or failed run being resumed):
   * its later calls go to the same journal run and, when the journal says the run is on this
   * tracker's server, to the same server run, which is set RUNNING again. Server runs nested under
   * it that the journal never recorded (a process killed between creating one and journaling it)
   * and that are still RUNNING end KILLED. Throws a TrackingError when the journal has no such run.
   */
  resumeRun(journalRunId: string): Promise<RunHandle>;
  /** The MLflow UI page of a run started on the server (`<uri>/#/experiments/<id>/runs/<run>`); undefined when journaled. */
  runUrl(runId: string): string | undefined;
  registerModel(options: RegisterModelOptions): Promise<RegisteredModelVersion>;
  /** Logs an MLflow model folder as a logged model of the run, and optionally registers it. */
  logModel(options: LogModelOptions): Promise<LoggedModelResult>;
  /** Waits for every pending call to be sent or journaled. Never throws for server failures. */
  close(): Promise<void>;
  /** Human-readable problems, e.g. `MLflow server unreachable at ...: 12 calls journaled; run ...`. */
  readonly warnings: string[];
}

export interface SyncOptions {
  auth?: TrackingAuth;
  timeoutMs?: number;
  retries?: number;
  /** Put runs in this experiment instead of the one recorded in the journal. */
  experimentName?: string;
}

export interface SyncResult {
  /** Runs created on the server by this sync. */
  created: number;
  /** Journal entries already on the target server (sent live, or by an earlier sync). */
  skipped: number;
  /** Journal entries delivered by this sync. */
  delivered: number;
  /** Journal entries that could not be delivered; see `errors`. A later sync retries them. */
  failed: number;
  errors: string[];
  /** Journal run id -> server run id on the target. */
  runs: Record<string, string>;
  /** Registered model versions created by this sync. */
  modelVersions: Array<{ name: string; version: string }>;
}
