import { resolve } from 'node:path';
import { deliverArtifact, deliverEnd, deliverInputs, deliverLogModel, deliverRegisterModel, JOURNAL_RUN_TAG } from './delivery.js';
import { TrackingError } from './errors.js';
import { entryKey, readJournal, type JournalEntry } from './journal.js';
import { fromJournalPath } from './journal-paths.js';
import { MlflowClient, quoteFilterValue } from './mlflow-client.js';
import { loadSyncState, saveSyncState, syncStatePath, type SyncTargetState } from './sync-state.js';
import type { SyncOptions, SyncResult } from './types.js';

type LogEntry = Extract<JournalEntry, { op: 'log' }>;

/** Internals for tests: faster retries. */
export interface SyncInternals {
  backoffMs?: number;
}

function normalizeUri(uri: string): string {
  return uri.trim().replace(/\/+$/, '');
}

/**
 * Replays a run journal into a tracking server. Idempotent: entries the server already has
 * (sent live, or by an earlier sync recorded in `<journal>.sync-state.json`) are skipped, runs
 * are found by their `hokusai.journal_run_id` tag before one is created, and model versions by
 * their `hokusai.journal_op` tag. Stops early, counting the rest as failed, if the server goes
 * away; run it again later.
 */
export async function syncJournal(journalPath: string, trackingUri: string, options: SyncOptions = {}, internals: SyncInternals = {}): Promise<SyncResult> {
  const path = resolve(journalPath);
  const target = normalizeUri(trackingUri);
  const { entries, truncatedLastLine } = await readJournal(path);
  const statePath = syncStatePath(path);
  const loaded = await loadSyncState(statePath);
  const state = loaded.state;
  const targetState: SyncTargetState = state.targets[target] ?? { runs: {}, done: [] };
  state.targets[target] = targetState;
  const done = new Set(targetState.done);
  const result: SyncResult = { created: 0, skipped: 0, delivered: 0, failed: 0, errors: [], runs: {}, modelVersions: [] };
  if (loaded.note !== undefined) result.errors.push(loaded.note);
  if (truncatedLastLine) result.errors.push(`The last line of ${path} was cut short (a crash while writing); that one call is lost.`);

  const client = new MlflowClient(target, {
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 3,
    ...(internals.backoffMs === undefined ? {} : { backoffMs: internals.backoffMs }),
  });
  const experiments = new Map<string, string>();
  const liveOnTarget = new Set<string>();
  const serverRun = new Map<string, string>();

  const experimentId = async (name: string): Promise<string> => {
    const wanted = options.experimentName ?? name;
    let id = experiments.get(wanted);
    if (id === undefined) {
      id = await client.getOrCreateExperiment(wanted);
      experiments.set(wanted, id);
    }
    return id;
  };

  const persist = async () => {
    targetState.done = [...done];
    await saveSyncState(statePath, state);
  };

  let stopped: TrackingError | undefined;
  let unsaved = 0;
  try {
    for (let n = 0; n < entries.length; n++) {
      const entry = entries[n] as JournalEntry;
      if (stopped !== undefined) {
        if (!isAlreadyThere(entry)) result.failed++;
        continue;
      }
      // Adjacent log calls of one run go out as one batch (split to MLflow's limits by logBatch):
      // a journal of thousands of metric calls then syncs in a handful of requests.
      const group = entry.op === 'log' && !isAlreadyThere(entry) ? logGroup(n) : [entry];
      let singles: JournalEntry[] = group;
      if (group.length > 1) {
        try {
          await syncLogGroup(group as LogEntry[]);
          singles = [];
        } catch (error) {
          // The server refused the merged batch: send the calls one by one so only the
          // offending call stays owed. A server that went away stops the sync instead.
          if (error instanceof TrackingError && (error.transient || error.code === 'HOKUSAI_TRACKING_AUTH')) {
            result.failed += group.length;
            result.errors.push(`log ${entryKey(entry)} (+${group.length - 1} more log calls): ${error.message}`);
            stopped = error;
            singles = [];
          }
        }
      }
      for (const single of singles) {
        if (stopped !== undefined) {
          result.failed++;
          continue;
        }
        try {
          await syncOne(single);
        } catch (error) {
          const e = error instanceof TrackingError ? error : new TrackingError('HOKUSAI_TRACKING_SYNC', (error as Error).message, { cause: error });
          result.failed++;
          result.errors.push(`${single.op} ${entryKey(single)}: ${e.message}`);
          if (e.transient || e.code === 'HOKUSAI_TRACKING_AUTH') stopped = e;
        }
      }
      n += group.length - 1;
      // Saving now and then is enough: replaying a delivered call is harmless (metrics are
      // de-duplicated by the server, params and tags rewrite the same values).
      unsaved += group.length;
      if (unsaved >= 500) {
        unsaved = 0;
        await persist();
      }
    }
  } finally {
    await persist().catch((error: unknown) => result.errors.push(`Could not save ${statePath}: ${(error as Error).message}`));
    await client.close();
  }
  if (stopped !== undefined) result.errors.push(`Stopped early: ${stopped.message} Run the sync again when the server is back.`);
  for (const [j, s] of serverRun) result.runs[j] = s;
  return result;

  function logGroup(start: number): LogEntry[] {
    const first = entries[start] as LogEntry;
    const group: LogEntry[] = [first];
    const params = new Map(first.params.map((p) => [p.key, p.value]));
    let size = first.metrics.length + first.params.length + first.tags.length;
    for (let k = start + 1; k < entries.length && size < 10_000; k++) {
      const next = entries[k] as JournalEntry;
      if (next.op !== 'log' || next.run !== first.run || isAlreadyThere(next)) break;
      // A param given again with another value must fail on its own, not sink the group.
      if (next.params.some((p) => params.has(p.key) && params.get(p.key) !== p.value)) break;
      for (const p of next.params) params.set(p.key, p.value);
      size += next.metrics.length + next.params.length + next.tags.length;
      group.push(next);
    }
    return group;
  }

  async function syncLogGroup(group: LogEntry[]): Promise<void> {
    const runId = serverRun.get(group[0]?.run ?? '');
    if (runId === undefined) throw new TrackingError('HOKUSAI_TRACKING_SYNC', `run ${group[0]?.run ?? ''} has no start entry on the server (journal cut or run failed to sync).`);
    await client.logBatch(runId, {
      metrics: group.flatMap((e) => e.metrics),
      params: group.flatMap((e) => e.params),
      tags: group.flatMap((e) => e.tags),
    });
    for (const e of group) done.add(entryKey(e));
    result.delivered += group.length;
  }

  function isAlreadyThere(entry: JournalEntry): boolean {
    return (entry.sent && liveOnTarget.has(entry.run)) || done.has(entryKey(entry));
  }

  async function syncOne(entry: JournalEntry): Promise<void> {
    const key = entryKey(entry);
    if (entry.op === 'startRun') {
      if (entry.server !== undefined && normalizeUri(entry.server.uri) === target) {
        liveOnTarget.add(entry.run);
        serverRun.set(entry.run, entry.server.runId);
        result.skipped++;
        return;
      }
      const known = targetState.runs[entry.run];
      if (known !== undefined) {
        serverRun.set(entry.run, known);
        result.skipped++;
        return;
      }
      const expId = await experimentId(entry.experimentName);
      const found = await client.searchRuns({
        experimentIds: [expId],
        filter: `tags.\`${JOURNAL_RUN_TAG}\` = ${quoteFilterValue(entry.run)}`,
        maxResults: 1,
      });
      const existing = found.runs[0]?.info.runId;
      if (existing !== undefined) {
        result.skipped++;
        serverRun.set(entry.run, existing);
      } else {
        const tags: Record<string, string> = Object.fromEntries(entry.tags.map((t) => [t.key, t.value]));
        tags[JOURNAL_RUN_TAG] = entry.run;
        if (entry.parentRun !== undefined) {
          const parent = serverRun.get(entry.parentRun);
          if (parent === undefined) throw new TrackingError('HOKUSAI_TRACKING_SYNC', `parent run ${entry.parentRun} of ${entry.run} is not on the server; it failed to sync earlier.`);
          tags['mlflow.parentRunId'] = parent;
        }
        const info = await client.createRun({ experimentId: expId, runName: entry.name, startTime: entry.startTime, tags });
        serverRun.set(entry.run, info.runId);
        result.created++;
      }
      targetState.runs[entry.run] = serverRun.get(entry.run) as string;
      await persist();
      return;
    }
    if (isAlreadyThere(entry)) {
      result.skipped++;
      return;
    }
    const runId = serverRun.get(entry.run);
    if (runId === undefined) throw new TrackingError('HOKUSAI_TRACKING_SYNC', `run ${entry.run} has no start entry on the server (journal cut or run failed to sync).`);
    switch (entry.op) {
      case 'log':
        await client.logBatch(runId, { metrics: entry.metrics, params: entry.params, tags: entry.tags });
        break;
      case 'inputs':
        await deliverInputs(client, runId, entry.datasets);
        break;
      case 'artifact':
        await deliverArtifact(client, runId, { ...entry, localPath: fromJournalPath(path, entry.localPath) }, true);
        break;
      case 'end':
        await deliverEnd(client, runId, entry.status, entry.endTime, entry.error);
        break;
      case 'logModel': {
        const { version } = await deliverLogModel(client, runId, { ...entry, localPath: fromJournalPath(path, entry.localPath) }, key, true);
        if (entry.register !== undefined && version !== undefined) result.modelVersions.push({ name: entry.register.name, version });
        break;
      }
      case 'registerModel': {
        const version = await deliverRegisterModel(client, runId, entry, key);
        result.modelVersions.push({ name: entry.name, version });
        break;
      }
    }
    done.add(key);
    result.delivered++;
  }
}
