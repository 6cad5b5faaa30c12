import { resolve } from 'node:path';
import { deliverArtifact, deliverEnd, deliverInputs, deliverLogModel, deliverRegisterModel, JOURNAL_RUN_TAG } from './delivery.js';
import { TrackingError } from './errors.js';
import { entryKey, readJournal, type JournalEntry } from './journal.js';
import { fromJournalPath } from './journal-paths.js';
import { splitUriCredentials } from './uri-credentials.js';
import { MlflowClient, quoteFilterValue } from './mlflow-client.js';
import { loadSyncState, saveSyncState, syncStatePath, type SyncState, type SyncTargetState } from './sync-state.js';
import type { SyncOptions, SyncResult } from './types.js';

type LogEntry = Extract<JournalEntry, { op: 'log' }>;

/** Internals for tests: faster retries. */
export interface SyncInternals {
  backoffMs?: number;
}

/** A 4xx answer other than 408 (timeout) and 429 (slow down): the same request will fail again. */
function isPermanentRefusal(error: TrackingError): boolean {
  return error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429 && error.code !== 'HOKUSAI_TRACKING_AUTH';
}

function normalizeUri(uri: string): string {
  return uri.trim().replace(/\/+$/, '');
}

/** Where the sync stands against one server: what it has, what it refused, what it owes. */
interface SyncContext {
  /** The journal's absolute path (artifact paths in it are relative to it). */
  path: string;
  entries: JournalEntry[];
  /** The server's URI without credentials. */
  target: string;
  statePath: string;
  state: SyncState;
  targetState: SyncTargetState;
  done: Set<string>;
  refused: Record<string, string>;
  result: SyncResult;
}

async function openSync(journalPath: string, trackingUri: string): Promise<SyncContext> {
  const path = resolve(journalPath);
  // State, results and messages name the server without the URI's credentials.
  const target = normalizeUri(splitUriCredentials(trackingUri).uri);
  const { entries, truncatedLastLine } = await readJournal(path);
  const statePath = syncStatePath(path);
  const loaded = await loadSyncState(statePath);
  const state = loaded.state;
  const targetState: SyncTargetState = state.targets[target] ?? { runs: {}, done: [] };
  state.targets[target] = targetState;
  const refused = targetState.refused ?? {};
  targetState.refused = refused;
  const result: SyncResult = { created: 0, skipped: 0, delivered: 0, failed: 0, errors: [], runs: {}, modelVersions: [] };
  if (loaded.note !== undefined) result.errors.push(loaded.note);
  if (truncatedLastLine) result.errors.push(`The last line of ${path} was cut short (a crash while writing); that one call is lost.`);
  return { path, entries, target, statePath, state, targetState, done: new Set(targetState.done), refused, result };
}

/** Why the sync stopped: the server went away or refused the credentials; the rest is owed. */
function stopsSync(error: TrackingError): boolean {
  return error.transient || error.code === 'HOKUSAI_TRACKING_AUTH';
}

/** One pass over the journal against one server. */
class JournalReplay {
  private readonly experiments = new Map<string, string>();
  private readonly liveOnTarget = new Set<string>();
  readonly serverRun = new Map<string, string>();
  stopped: TrackingError | undefined;

  constructor(
    private readonly ctx: SyncContext,
    private readonly client: MlflowClient,
    private readonly experimentName: string | undefined,
  ) {}

  async persist(): Promise<void> {
    this.ctx.targetState.done = [...this.ctx.done];
    await saveSyncState(this.ctx.statePath, this.ctx.state);
  }

  async run(): Promise<void> {
    const { entries, result } = this.ctx;
    let unsaved = 0;
    for (let n = 0; n < entries.length; n++) {
      const entry = entries[n] as JournalEntry;
      if (this.stopped !== undefined) {
        if (!this.isAlreadyThere(entry)) result.failed++;
        continue;
      }
      // Adjacent log calls of one run go out as one batch (split to MLflow's limits by logBatch):
      // a journal of thousands of metric calls then syncs in a handful of requests.
      const group = entry.op === 'log' && !this.isAlreadyThere(entry) ? this.logGroup(n) : [entry];
      const singles = group.length > 1 ? await this.syncLogGroup(group as LogEntry[]) : group;
      for (const single of singles) await this.syncSingle(single);
      n += group.length - 1;
      // Saving now and then is enough: replaying a delivered call is harmless (metrics are
      // de-duplicated by the server, params and tags rewrite the same values).
      unsaved += group.length;
      if (unsaved >= 500) {
        unsaved = 0;
        await this.persist();
      }
    }
  }

  /** Consecutive log calls of one run, up to about 10,000 values, that can go as one batch. */
  private logGroup(start: number): LogEntry[] {
    const { entries } = this.ctx;
    const first = entries[start] as LogEntry;
    const group: LogEntry[] = [first];
    const params = new Map(first.params.map((p) => [p.key, p.value]));
    let size = first.metrics.length + first.params.length + first.tags.length;
    for (let k = start + 1; k < entries.length && size < 10_000; k++) {
      const next = entries[k] as JournalEntry;
      if (next.op !== 'log' || next.run !== first.run || this.isAlreadyThere(next)) break;
      // A param given again with another value must fail on its own, not sink the group.
      if (next.params.some((p) => params.has(p.key) && params.get(p.key) !== p.value)) break;
      for (const p of next.params) params.set(p.key, p.value);
      size += next.metrics.length + next.params.length + next.tags.length;
      group.push(next);
    }
    return group;
  }

  /** Sends the group as one batch; returns the calls still to send one by one. */
  private async syncLogGroup(group: LogEntry[]): Promise<JournalEntry[]> {
    const { result } = this.ctx;
    try {
      const runId = this.serverRun.get(group[0]?.run ?? '');
      if (runId === undefined) throw new TrackingError('HOKUSAI_TRACKING_SYNC', `run ${group[0]?.run ?? ''} has no start entry on the server (journal cut or run failed to sync).`);
      await this.client.logBatch(runId, {
        metrics: group.flatMap((e) => e.metrics),
        params: group.flatMap((e) => e.params),
        tags: group.flatMap((e) => e.tags),
      });
      for (const e of group) this.ctx.done.add(entryKey(e));
      result.delivered += group.length;
      return [];
    } catch (error) {
      // The server refused the merged batch: send the calls one by one so only the
      // offending call stays owed. A server that went away stops the sync instead.
      if (error instanceof TrackingError && stopsSync(error)) {
        result.failed += group.length;
        result.errors.push(`log ${entryKey(group[0] as LogEntry)} (+${group.length - 1} more log calls): ${error.message}`);
        this.stopped = error;
        return [];
      }
      return group;
    }
  }

  private async syncSingle(single: JournalEntry): Promise<void> {
    const { result, refused } = this.ctx;
    if (this.stopped !== undefined) {
      result.failed++;
      return;
    }
    const earlier = refused[entryKey(single)];
    if (earlier !== undefined) {
      // Sending it again would get the same answer: report it, do not send it.
      result.failed++;
      result.errors.push(`${single.op} ${entryKey(single)}: refused by the server in an earlier sync, not sent again: ${earlier}`);
      return;
    }
    try {
      if (single.op === 'startRun') await this.startRun(single);
      else await this.deliver(single);
    } catch (error) {
      const e = error instanceof TrackingError ? error : new TrackingError('HOKUSAI_TRACKING_SYNC', (error as Error).message, { cause: error });
      result.failed++;
      result.errors.push(`${single.op} ${entryKey(single)}: ${e.message}`);
      if (stopsSync(e)) this.stopped = e;
      else if (isPermanentRefusal(e)) refused[entryKey(single)] = e.message;
    }
  }

  private isAlreadyThere(entry: JournalEntry): boolean {
    return (entry.sent && this.liveOnTarget.has(entry.run)) || this.ctx.done.has(entryKey(entry));
  }

  private async experimentId(name: string): Promise<string> {
    const wanted = this.experimentName ?? name;
    let id = this.experiments.get(wanted);
    if (id === undefined) {
      id = await this.client.getOrCreateExperiment(wanted);
      this.experiments.set(wanted, id);
    }
    return id;
  }

  /** A run is found (sent live, synced earlier, or tagged on the server) before one is created. */
  private async startRun(entry: Extract<JournalEntry, { op: 'startRun' }>): Promise<void> {
    const { result, targetState } = this.ctx;
    if (entry.server !== undefined && normalizeUri(entry.server.uri) === this.ctx.target) {
      this.liveOnTarget.add(entry.run);
      this.serverRun.set(entry.run, entry.server.runId);
      result.skipped++;
      return;
    }
    const known = targetState.runs[entry.run];
    if (known !== undefined) {
      this.serverRun.set(entry.run, known);
      result.skipped++;
      return;
    }
    const expId = await this.experimentId(entry.experimentName);
    const found = await this.client.searchRuns({
      experimentIds: [expId],
      filter: `tags.\`${JOURNAL_RUN_TAG}\` = ${quoteFilterValue(entry.run)}`,
      maxResults: 1,
    });
    const existing = found.runs[0]?.info.runId;
    if (existing !== undefined) {
      result.skipped++;
      this.serverRun.set(entry.run, existing);
    } else {
      const tags: Record<string, string> = Object.fromEntries(entry.tags.map((t) => [t.key, t.value]));
      tags[JOURNAL_RUN_TAG] = entry.run;
      if (entry.parentRun !== undefined) {
        const parent = this.serverRun.get(entry.parentRun);
        if (parent === undefined) throw new TrackingError('HOKUSAI_TRACKING_SYNC', `parent run ${entry.parentRun} of ${entry.run} is not on the server; it failed to sync earlier.`);
        tags['mlflow.parentRunId'] = parent;
      }
      const info = await this.client.createRun({ experimentId: expId, runName: entry.name, startTime: entry.startTime, tags });
      this.serverRun.set(entry.run, info.runId);
      result.created++;
    }
    targetState.runs[entry.run] = this.serverRun.get(entry.run) as string;
    await this.persist();
  }

  /** Any call other than startRun, to the server run its startRun mapped to. */
  private async deliver(entry: Exclude<JournalEntry, { op: 'startRun' }>): Promise<void> {
    const { result, path } = this.ctx;
    const key = entryKey(entry);
    if (this.isAlreadyThere(entry)) {
      result.skipped++;
      return;
    }
    const runId = this.serverRun.get(entry.run);
    if (runId === undefined) throw new TrackingError('HOKUSAI_TRACKING_SYNC', `run ${entry.run} has no start entry on the server (journal cut or run failed to sync).`);
    switch (entry.op) {
      case 'log':
        await this.client.logBatch(runId, { metrics: entry.metrics, params: entry.params, tags: entry.tags });
        break;
      case 'inputs':
        await deliverInputs(this.client, runId, entry.datasets);
        break;
      case 'artifact':
        await deliverArtifact(this.client, runId, { ...entry, localPath: fromJournalPath(path, entry.localPath) }, true);
        break;
      case 'end':
        await deliverEnd(this.client, runId, entry.status, entry.endTime, entry.error);
        break;
      case 'logModel': {
        const { version } = await deliverLogModel(this.client, runId, { ...entry, localPath: fromJournalPath(path, entry.localPath) }, key, true);
        if (entry.register !== undefined && version !== undefined) result.modelVersions.push({ name: entry.register.name, version });
        break;
      }
      case 'registerModel': {
        const version = await deliverRegisterModel(this.client, runId, entry, key);
        result.modelVersions.push({ name: entry.name, version });
        break;
      }
    }
    this.ctx.done.add(key);
    result.delivered++;
  }
}

/**
 * Replays a run journal into a tracking server. Idempotent: entries the server already has
 * (sent live, or by an earlier sync recorded in `<journal>.sync-state.json`) are skipped, runs
 * are found by their `hokusai.journal_run_id` tag before one is created, and model versions by
 * their `hokusai.journal_op` tag. Stops early, counting the rest as failed, if the server goes
 * away; run it again later.
 */
export async function syncJournal(journalPath: string, trackingUri: string, options: SyncOptions = {}, internals: SyncInternals = {}): Promise<SyncResult> {
  const ctx = await openSync(journalPath, trackingUri);
  const { result } = ctx;
  const client = new MlflowClient(trackingUri, {
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(internals.backoffMs === undefined ? {} : { backoffMs: internals.backoffMs }),
  });
  const replay = new JournalReplay(ctx, client, options.experimentName);
  try {
    await replay.run();
  } finally {
    await replay.persist().catch((error: unknown) => result.errors.push(`Could not save ${ctx.statePath}: ${(error as Error).message}`));
    await client.close();
  }
  if (replay.stopped !== undefined) result.errors.push(`Stopped early: ${replay.stopped.message} Run the sync again when the server is back.`);
  for (const [j, s] of replay.serverRun) result.runs[j] = s;
  return result;
}
