import { randomUUID } from 'node:crypto';
import { readFile, truncate } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { collectLocalFiles } from './artifacts.js';
import {
  datasetShaTagKey,
  deliverArtifact,
  deliverEnd,
  deliverInputs,
  deliverLogModel,
  deliverRegisterModel,
  JOURNAL_RUN_TAG,
} from './delivery.js';
import { TrackingError } from './errors.js';
import { sha256File } from './file-digest.js';
import { entryKey, JournalWriter, readJournal, type JournalEntry, type NewJournalEntry } from './journal.js';
import { toJournalPath } from './journal-paths.js';
import { splitUriCredentials } from './uri-credentials.js';
import { metricProblem, paramProblem, tagProblem, type KeyValue, type Metric, type ValueProblem } from './limits.js';
import { assertDatasetValid, MlflowClient, quoteFilterValue } from './mlflow-client.js';
import type {
  DatasetInput,
  LoggedModelResult,
  LogModelOptions,
  ParamValue,
  RegisteredModelVersion,
  RegisterModelOptions,
  RunHandle,
  RunStatus,
  StartRunOptions,
  Tracker,
  TrackerOptions,
} from './types.js';

const authSchema = z.object({ token: z.string().optional(), username: z.string().optional(), password: z.string().optional() }).strict();

const trackerOptionsSchema = z
  .object({
    trackingUri: z.string().optional(),
    journalPath: z.string().min(1, 'journalPath is required (e.g. <out>/tracking/journal.jsonl)'),
    experimentName: z.string().min(1, 'experimentName is required').max(500),
    auth: authSchema.optional(),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).max(20).optional(),
    onInvalidValue: z.enum(['skip', 'throw']).optional(),
  })
  .strict();

const stringRecord = z.record(z.string(), z.string());

/** The entries of a plain object; each value is checked on its own later, so one bad value can be skipped. */
function entriesOf(value: unknown, what: string): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `Invalid ${what}: expected an object of key -> value, got ${Array.isArray(value) ? 'an array' : typeof value}.`);
  }
  return Object.entries(value);
}
const startRunSchema = z
  .object({ name: z.string(), parentRunId: z.string().optional(), tags: stringRecord.optional(), startTime: z.number().int().nonnegative().optional() })
  .strict();
const registerSchema = z
  .object({
    name: z.string().min(1),
    runId: z.string().min(1),
    artifactPath: z.string().min(1),
    tags: stringRecord.optional(),
    alias: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict();

const logModelSchema = z
  .object({
    runId: z.string().min(1),
    name: z.string().min(1),
    localPath: z.string().min(1),
    modelType: z.string().optional(),
    tags: stringRecord.optional(),
    params: stringRecord.optional(),
    register: z
      .object({ name: z.string().min(1), alias: z.string().min(1).optional(), tags: stringRecord.optional(), description: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();

function checkInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TrackingError(
      what === 'tracker options' ? 'HOKUSAI_TRACKING_INVALID_OPTIONS' : 'HOKUSAI_TRACKING_INVALID_VALUE',
      `Invalid ${what}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return result.data;
}

interface RunState {
  journalRunId: string;
  serverRunId: string | undefined;
  handleId: string;
  next: number;
  queue: Promise<void>;
}

/** Test hook: client options the public TrackerOptions do not expose. */
export interface TrackerInternals {
  backoffMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens a tracker. With a tracking URI (option or `MLFLOW_TRACKING_URI`) calls go to that MLflow
 * server and are also recorded in the journal; without one, or when the server cannot be
 * reached, calls are only journaled and `syncJournal` delivers them later. Apart from invalid
 * options this never throws because of the server.
 */
export async function createTracker(options: TrackerOptions, internals: TrackerInternals = {}): Promise<Tracker> {
  const opts = checkInput(trackerOptionsSchema, options, 'tracker options');
  const env = internals.env ?? process.env;
  const uriRaw = opts.trackingUri ?? env.MLFLOW_TRACKING_URI;
  const uri = uriRaw === undefined || uriRaw.trim() === '' ? undefined : uriRaw.trim().replace(/\/+$/, '');
  // The tracker shows, journals and tags the URI without its credentials; only the client has them.
  const tracker = new TrackerImpl(resolve(opts.journalPath), opts.experimentName, uri === undefined ? undefined : splitUriCredentials(uri).uri, opts.onInvalidValue ?? 'skip');
  if (uri === undefined) return tracker;
  let client: MlflowClient;
  try {
    client = new MlflowClient(uri, {
      ...(opts.auth === undefined ? {} : { auth: opts.auth }),
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.retries === undefined ? {} : { retries: opts.retries }),
      env,
      ...(internals.backoffMs === undefined ? {} : { backoffMs: internals.backoffMs }),
    });
  } catch (error) {
    tracker.addWarning(`Tracking URI not usable (${(error as Error).message}); runs are journaled to ${tracker.journalPath} only.`);
    return tracker;
  }
  try {
    const experimentId = await client.getOrCreateExperiment(opts.experimentName);
    tracker.attach(client, experimentId);
  } catch (error) {
    await client.close();
    tracker.serverFailed(error, 'opening the experiment');
  }
  return tracker;
}

/**
 * The journal's entries for a resume. A line a killed process cut short is dropped from the file
 * first: the next entry would otherwise be appended to it and make the journal unreadable.
 */
async function readOwnJournal(path: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `resumeRun: cannot read the journal ${path}: ${(cause as Error).message}.`, { where: path, cause });
  }
  if (text.length > 0 && !text.endsWith('\n')) await truncate(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  return (await readJournal(path)).entries;
}

class TrackerImpl implements Tracker {
  readonly journalPath: string;
  readonly trackingUri: string | undefined;
  private readonly experimentName: string;
  private readonly onInvalid: 'skip' | 'throw';
  private readonly journal: JournalWriter;
  private client: MlflowClient | undefined;
  private experimentId: string | undefined;
  private down: string | undefined;
  private unsent = 0;
  private readonly notes: string[] = [];
  private readonly runs = new Map<string, RunState>();
  private closed = false;

  constructor(journalPath: string, experimentName: string, trackingUri: string | undefined, onInvalid: 'skip' | 'throw') {
    this.journalPath = journalPath;
    this.experimentName = experimentName;
    this.trackingUri = trackingUri;
    this.onInvalid = onInvalid;
    this.journal = new JournalWriter(journalPath);
  }

  get mode(): 'server' | 'journal' {
    return this.client !== undefined && this.down === undefined ? 'server' : 'journal';
  }

  get warnings(): string[] {
    const out = [...this.notes];
    if (this.trackingUri !== undefined && this.unsent > 0) {
      const calls = `${this.unsent} call${this.unsent === 1 ? '' : 's'}`;
      out.push(
        `MLflow server at ${this.trackingUri} ${this.down === undefined ? 'refused some calls' : 'unreachable'}: ${calls} journaled in ${this.journalPath}; run \`hokusai tracking sync ${this.journalPath} --to ${this.trackingUri}\` to deliver them.`,
      );
    }
    return out;
  }

  addWarning(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  attach(client: MlflowClient, experimentId: string): void {
    this.client = client;
    this.experimentId = experimentId;
  }

  /** Records a failed server call; returns the reason kept in the journal. */
  serverFailed(error: unknown, doing: string): string {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof TrackingError) || error.transient || error.code === 'HOKUSAI_TRACKING_AUTH') {
      // The server is away (or will not let us in): stop trying for the rest of this tracker so
      // the pipeline is not slowed by a timeout per call; the journal keeps everything.
      if (this.down === undefined) {
        this.down = message;
        this.addWarning(`Tracking switched to the local journal while ${doing}: ${message}`);
      }
      return `server unavailable: ${message}`;
    }
    this.addWarning(`MLflow refused ${doing}: ${message}`);
    return `refused: ${message}`;
  }

  private live(): MlflowClient | undefined {
    return this.down === undefined ? this.client : undefined;
  }

  private async record(entry: NewJournalEntry): Promise<void> {
    if (!entry.sent && this.trackingUri !== undefined) this.unsent++;
    try {
      await this.journal.append(entry);
    } catch (error) {
      this.addWarning((error as Error).message);
    }
  }

  /** Runs `work` after the run's earlier calls, so a run's calls reach server and journal in order. */
  private enqueue(state: RunState, work: (i: number) => Promise<void>): Promise<void> {
    const next = state.queue.then(() => work(state.next++)).catch((error: unknown) => this.addWarning(`Tracking call failed: ${(error as Error).message}`));
    state.queue = next;
    return next;
  }

  /** Sends live when possible; returns `sent` and, when not sent, why. */
  private async attempt(state: RunState, doing: string, send: (client: MlflowClient, runId: string) => Promise<void>): Promise<{ sent: boolean; reason?: string }> {
    const client = this.live();
    if (client === undefined || state.serverRunId === undefined) {
      return { sent: false, reason: this.trackingUri === undefined ? 'no tracking server' : `server unavailable: ${this.down ?? 'run not on server'}` };
    }
    try {
      await send(client, state.serverRunId);
      return { sent: true };
    } catch (error) {
      return { sent: false, reason: this.serverFailed(error, doing) };
    }
  }

  private invalid(problems: ValueProblem[], what: string): void {
    if (problems.length === 0) return;
    const first = problems[0] as ValueProblem;
    if (this.onInvalid === 'throw') throw new TrackingError(first.code, `${first.message}. Nothing from this ${what} call was logged.`);
    for (const p of problems) this.addWarning(`Skipped: ${p.message}.`);
  }

  private stateFor(runId: string, what: string): RunState {
    const state = this.runs.get(runId);
    if (state === undefined) {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `${what}: run ${runId} was not started by this tracker.`);
    }
    return state;
  }

  async startRun(options: StartRunOptions): Promise<RunHandle> {
    if (this.closed) throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', 'startRun after close(): open a new tracker.');
    const o = checkInput(startRunSchema, options, 'startRun options');
    let tags: KeyValue[] = Object.entries(o.tags ?? {}).map(([key, value]) => ({ key, value }));
    const bad = tags.map(tagProblem).filter((p): p is ValueProblem => p !== undefined);
    this.invalid(bad, 'startRun');
    tags = tags.filter((t) => tagProblem(t) === undefined);
    let parent: RunState | undefined;
    if (o.parentRunId !== undefined) {
      parent = this.runs.get(o.parentRunId);
      if (parent === undefined) {
        this.invalid([{ code: 'HOKUSAI_TRACKING_INVALID_VALUE', message: `parent run ${o.parentRunId} was not started by this tracker; the run is logged without a parent` }], 'startRun');
      } else {
        // Children start after everything already queued on the parent.
        await parent.queue;
      }
    }
    const journalRunId = `journal-${randomUUID()}`;
    const startTime = o.startTime ?? Date.now();
    const state: RunState = { journalRunId, serverRunId: undefined, handleId: journalRunId, next: 0, queue: Promise.resolve() };
    let reason: string | undefined;
    const client = this.live();
    if (client !== undefined && this.experimentId !== undefined && (parent === undefined || parent.serverRunId !== undefined)) {
      try {
        const serverTags: Record<string, string> = Object.fromEntries(tags.map((t) => [t.key, t.value]));
        serverTags[JOURNAL_RUN_TAG] = journalRunId;
        if (parent?.serverRunId !== undefined) serverTags['mlflow.parentRunId'] = parent.serverRunId;
        const info = await client.createRun({ experimentId: this.experimentId, runName: o.name, startTime, tags: serverTags });
        state.serverRunId = info.runId;
        state.handleId = info.runId;
      } catch (error) {
        reason = this.serverFailed(error, `creating run "${o.name}"`);
      }
    } else if (this.trackingUri === undefined) {
      reason = 'no tracking server';
    } else {
      reason = `server unavailable: ${this.down ?? 'parent run not on server'}`;
    }
    this.runs.set(state.handleId, state);
    await this.record({
      op: 'startRun',
      run: journalRunId,
      i: state.next++,
      at: startTime,
      sent: state.serverRunId !== undefined,
      ...(reason === undefined ? {} : { reason }),
      name: o.name,
      experimentName: this.experimentName,
      ...(parent === undefined ? {} : { parentRun: parent.journalRunId }),
      tags,
      startTime,
      ...(state.serverRunId !== undefined && this.trackingUri !== undefined && this.experimentId !== undefined
        ? { server: { uri: this.trackingUri, runId: state.serverRunId, experimentId: this.experimentId } }
        : {}),
    });
    return this.handle(state);
  }

  async resumeRun(journalRunId: string): Promise<RunHandle> {
    if (this.closed) throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', 'resumeRun after close(): open a new tracker.');
    const known = [...this.runs.values()].find((r) => r.journalRunId === journalRunId);
    if (known !== undefined) return this.handle(known);
    const entries = await readOwnJournal(this.journalPath);
    const mine = entries.filter((e) => e.run === journalRunId);
    const start = mine.find((e) => e.op === 'startRun');
    if (start === undefined || start.op !== 'startRun') {
      throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `resumeRun: the journal ${this.journalPath} holds no run ${journalRunId}.`, { where: this.journalPath });
    }
    const next = Math.max(...mine.map((e) => e.i)) + 1;
    // The server run is ours to continue only when it lives on the server this tracker talks to.
    const server = start.server !== undefined && start.server.uri === this.trackingUri && this.live() !== undefined ? start.server : undefined;
    const state: RunState = { journalRunId, serverRunId: server?.runId, handleId: server?.runId ?? journalRunId, next, queue: Promise.resolve() };
    this.runs.set(state.handleId, state);
    if (server !== undefined) {
      const serverRunId = server.runId;
      const client = this.live() as MlflowClient;
      try {
        await client.updateRun(serverRunId, { status: 'RUNNING' });
      } catch (error) {
        this.serverFailed(error, `resuming run ${serverRunId}`);
      }
      const live = this.live();
      if (live !== undefined) {
        try {
          await this.endUnjournaledChildren(live, serverRunId, server.experimentId, entries);
        } catch (error) {
          this.serverFailed(error, `ending the runs left open under run ${serverRunId}`);
        }
      }
    }
    return this.handle(state);
  }

  /**
   * Ends, KILLED, the server runs nested under a resumed run that the journal never recorded.
   * `startRun` creates a run on the server and then journals it, so a process killed between the
   * two leaves a RUNNING run that no journal names and no later process would end. Runs the
   * journal holds are left to the caller, which resumes and ends them.
   */
  private async endUnjournaledChildren(client: MlflowClient, parentRunId: string, experimentId: string, entries: JournalEntry[]): Promise<void> {
    const journaled = new Set(entries.filter((e) => e.op === 'startRun').map((e) => e.run));
    const children = await client.searchAllRuns({ experimentIds: [experimentId], filter: `tags.mlflow.parentRunId = ${quoteFilterValue(parentRunId)}` });
    for (const child of children) {
      const journalRun = child.tags[JOURNAL_RUN_TAG];
      if (child.info.status !== 'RUNNING' || (journalRun !== undefined && journaled.has(journalRun))) continue;
      await client.updateRun(child.info.runId, { status: 'KILLED', endTime: Date.now() });
    }
  }

  runUrl(runId: string): string | undefined {
    const state = this.runs.get(runId);
    if (state?.serverRunId === undefined || this.trackingUri === undefined || this.experimentId === undefined) return undefined;
    return `${this.trackingUri}/#/experiments/${this.experimentId}/runs/${state.serverRunId}`;
  }

  private logBatch(state: RunState, metrics: Metric[], params: KeyValue[], tags: KeyValue[], what: string): Promise<void> {
    const problems = [
      ...metrics.map(metricProblem),
      ...params.map(paramProblem),
      ...tags.map(tagProblem),
    ].filter((p): p is ValueProblem => p !== undefined);
    this.invalid(problems, what);
    const m = metrics.filter((x) => metricProblem(x) === undefined);
    const p = params.filter((x) => paramProblem(x) === undefined);
    const t = tags.filter((x) => tagProblem(x) === undefined);
    if (m.length + p.length + t.length === 0) return Promise.resolve();
    return this.enqueue(state, async (i) => {
      const at = Date.now();
      const result = await this.attempt(state, what, async (client, runId) => {
        await client.logBatch(runId, { metrics: m, params: p, tags: t });
      });
      await this.record({ op: 'log', run: state.journalRunId, i, at, ...result, metrics: m, params: p, tags: t });
    });
  }

  private handle(state: RunState): RunHandle {
    return {
      runId: state.handleId,
      journalRunId: state.journalRunId,
      logParams: async (params: Record<string, ParamValue>): Promise<void> => {
        // A value of the wrong type stays as it is so the per-entry check reports (or skips) it.
        const list = entriesOf(params, 'params').map(([key, value]) => ({
          key,
          value: typeof value === 'number' || typeof value === 'boolean' ? String(value) : (value as string),
        }));
        return this.logBatch(state, [], list, [], 'logParams');
      },
      logMetrics: async (metrics: Record<string, number>, options: { step?: number; timestamp?: number } = {}): Promise<void> => {
        const timestamp = options.timestamp ?? Date.now();
        const step = options.step ?? 0;
        const list = entriesOf(metrics, 'metrics').map(([key, value]) => ({ key, value: value as number, timestamp, step }));
        return this.logBatch(state, list, [], [], 'logMetrics');
      },
      setTags: async (tags: Record<string, string>): Promise<void> => {
        const list = entriesOf(tags, 'tags').map(([key, value]) => ({ key, value: value as string }));
        return this.logBatch(state, [], [], list, 'setTags');
      },
      logInputs: async (datasets: DatasetInput[]): Promise<void> => {
        const valid: DatasetInput[] = [];
        const problems: ValueProblem[] = [];
        for (const d of datasets) {
          try {
            assertDatasetValid(d);
            const tagKey = datasetShaTagKey(d.name);
            if (tagProblem({ key: tagKey, value: d.sha256 }) !== undefined) throw new TrackingError('HOKUSAI_TRACKING_INVALID_VALUE', `dataset name "${d.name}" cannot form a tag key`);
            valid.push({ ...d, sha256: d.sha256.toLowerCase() });
          } catch (error) {
            if (!(error instanceof TrackingError)) throw error;
            problems.push({ code: 'HOKUSAI_TRACKING_INVALID_VALUE', message: error.message.replace(/ Nothing was sent\.$/, '') });
          }
        }
        this.invalid(problems, 'logInputs');
        if (valid.length === 0) return Promise.resolve();
        return this.enqueue(state, async (i) => {
          const at = Date.now();
          const result = await this.attempt(state, 'logInputs', (client, runId) => deliverInputs(client, runId, valid));
          await this.record({ op: 'inputs', run: state.journalRunId, i, at, ...result, datasets: valid });
        });
      },
      logArtifact: async (localPath: string, artifactPath?: string): Promise<void> => {
        // Files are listed and hashed at call time: the journal records what was logged then,
        // and sync refuses to upload bytes that changed afterwards.
        let collected;
        const files: Array<{ path: string; size: number; sha256: string }> = [];
        const prefix = artifactPath === undefined ? '' : artifactPath.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
        try {
          collected = await collectLocalFiles(localPath, artifactPath);
          for (const f of collected.files) {
            const rel = prefix !== '' && f.artifact.startsWith(`${prefix}/`) ? f.artifact.slice(prefix.length + 1) : f.artifact;
            files.push({ path: rel, size: f.size, sha256: await sha256File(f.absolute) });
          }
        } catch (error) {
          if (this.onInvalid === 'throw') throw error;
          this.addWarning(`Skipped artifact: ${(error as Error).message}`);
          return;
        }
        const isDir = collected.isDir;
        return this.enqueue(state, async (i) => {
          const at = Date.now();
          const entry = {
            op: 'artifact' as const,
            run: state.journalRunId,
            i,
            at,
            localPath: toJournalPath(this.journalPath, localPath),
            ...(prefix === '' ? {} : { artifactPath: prefix }),
            files,
            isDir,
          };
          const result = await this.attempt(state, `uploading ${localPath}`, (client, runId) => deliverArtifact(client, runId, { v: 1, sent: false, ...entry, localPath: resolve(localPath) }, false));
          await this.record({ ...entry, ...result });
        });
      },
      serverMetricHistory: async (key: string): Promise<Metric[]> => {
        await state.queue;
        const client = this.live();
        if (client === undefined || state.serverRunId === undefined) return [];
        try {
          return await client.getMetricHistory(state.serverRunId, key);
        } catch (error) {
          this.serverFailed(error, `reading the history of ${key}`);
          return [];
        }
      },
      end: async (status: RunStatus, error?: string, endTime?: number): Promise<void> => {
        const s = checkInput(z.enum(['FINISHED', 'FAILED', 'KILLED']), status, 'run status');
        const at = checkInput(z.number().int().nonnegative().optional(), endTime, 'run end time') ?? Date.now();
        return this.enqueue(state, async (i) => {
          const endTime = at;
          const result = await this.attempt(state, 'ending the run', (client, runId) => deliverEnd(client, runId, s, endTime, error));
          await this.record({ op: 'end', run: state.journalRunId, i, at: endTime, ...result, status: s, endTime, ...(error === undefined ? {} : { error }) });
        });
      },
    };
  }

  async registerModel(options: RegisterModelOptions): Promise<RegisteredModelVersion> {
    const o = checkInput(registerSchema, options, 'registerModel options');
    const state = this.stateFor(o.runId, 'registerModel');
    const tags: KeyValue[] = Object.entries(o.tags ?? {}).map(([key, value]) => ({ key, value }));
    let version: string | undefined;
    await this.enqueue(state, async (i) => {
      const at = Date.now();
      const key = entryKey({ run: state.journalRunId, i });
      const entry = {
        name: o.name,
        artifactPath: o.artifactPath,
        tags,
        ...(o.alias === undefined ? {} : { alias: o.alias }),
        ...(o.description === undefined ? {} : { description: o.description }),
      };
      const result = await this.attempt(state, `registering model "${o.name}"`, async (client, runId) => {
        version = await deliverRegisterModel(client, runId, entry, key);
      });
      await this.record({ op: 'registerModel', run: state.journalRunId, i, at, ...result, ...entry, ...(version === undefined ? {} : { version }) });
    });
    return { name: o.name, version, journaled: version === undefined };
  }

  async logModel(options: LogModelOptions): Promise<LoggedModelResult> {
    const o = checkInput(logModelSchema, options, 'logModel options');
    const state = this.stateFor(o.runId, 'logModel');
    const files: Array<{ path: string; size: number; sha256: string }> = [];
    const collected = await collectLocalFiles(o.localPath, undefined);
    if (!collected.isDir) throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `logModel: ${o.localPath} is not a model folder.`, { where: o.localPath });
    for (const f of collected.files) files.push({ path: f.artifact, size: f.size, sha256: await sha256File(f.absolute) });
    const kv = (r: Record<string, string> | undefined): KeyValue[] => Object.entries(r ?? {}).map(([key, value]) => ({ key, value }));
    const entry = {
      name: o.name,
      localPath: toJournalPath(this.journalPath, o.localPath),
      files,
      ...(o.modelType === undefined ? {} : { modelType: o.modelType }),
      tags: kv(o.tags),
      params: kv(o.params),
      ...(o.register === undefined
        ? {}
        : {
            register: {
              name: o.register.name,
              tags: kv(o.register.tags),
              ...(o.register.alias === undefined ? {} : { alias: o.register.alias }),
              ...(o.register.description === undefined ? {} : { description: o.register.description }),
            },
          }),
    };
    let delivered: { modelId: string; version: string | undefined } | undefined;
    await this.enqueue(state, async (i) => {
      const at = Date.now();
      const key = entryKey({ run: state.journalRunId, i });
      const result = await this.attempt(state, `logging model "${o.name}"`, async (client, runId) => {
        delivered = await deliverLogModel(client, runId, { ...entry, localPath: resolve(o.localPath) }, key, false);
      });
      await this.record({
        op: 'logModel',
        run: state.journalRunId,
        i,
        at,
        ...result,
        ...entry,
        ...(delivered === undefined ? {} : { modelId: delivered.modelId, ...(delivered.version === undefined ? {} : { version: delivered.version }) }),
      });
    });
    return { modelId: delivered?.modelId, version: delivered?.version, journaled: delivered === undefined };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.runs.values()].map((s) => s.queue));
    await this.journal.close();
    await this.client?.close();
  }
}
