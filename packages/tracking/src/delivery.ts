import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { collectLocalFiles } from './artifacts.js';
import { TrackingError } from './errors.js';
import { sha256File } from './file-digest.js';
import type { JournalEntry } from './journal.js';
import { keyProblem } from './limits.js';
import { quoteFilterValue, type MlflowClient } from './mlflow-client.js';
import type { DatasetInput, RunStatus } from './types.js';

/**
 * How each journaled call reaches a server. The tracker uses these live and `syncJournal` uses
 * them to replay, so a call has the same effect whichever way it arrives.
 */

/** Run tag that links a server run to its journal run; sync searches it before creating. */
export const JOURNAL_RUN_TAG = 'hokusai.journal_run_id';
/** Model version tag naming the journal entry that registered it. */
export const JOURNAL_OP_TAG = 'hokusai.journal_op';
export const ERROR_TAG = 'hokusai.error';

/** The run tag holding a dataset's full SHA-256; the name is made tag-safe. */
export function datasetShaTagKey(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N}_.\- :]/gu, '_').replace(/^\.+/, '_');
  const key = `hokusai.dataset.${safe}.sha256`;
  return keyProblem('Tag', key) === undefined ? key : `hokusai.dataset.${safe.slice(0, 200).replace(/\.+$/, '_')}.sha256`;
}

export async function deliverInputs(client: MlflowClient, runId: string, datasets: readonly DatasetInput[]): Promise<void> {
  await client.logInputs(runId, datasets);
  await client.logBatch(runId, { tags: datasets.map((d) => ({ key: datasetShaTagKey(d.name), value: d.sha256.toLowerCase() })) });
}

export async function deliverEnd(client: MlflowClient, runId: string, status: RunStatus, endTime: number, error: string | undefined): Promise<void> {
  if (error !== undefined) await client.logBatch(runId, { tags: [{ key: ERROR_TAG, value: truncateTagValue(error) }] });
  await client.updateRun(runId, { status, endTime });
}

export function truncateTagValue(text: string, limit = 5000): string {
  const chars = [...text];
  if (chars.length <= limit) return text;
  const note = ` ... [${chars.length - (limit - 40)} more characters]`;
  return chars.slice(0, limit - note.length).join('') + note;
}

type ArtifactEntry = Extract<JournalEntry, { op: 'artifact' }>;

/**
 * Uploads the files an artifact entry recorded. With `verify`, each file must still have the
 * recorded SHA-256: uploading changed bytes under an old record would be a silent wrong result.
 */
export async function deliverArtifact(client: MlflowClient, runId: string, entry: ArtifactEntry, verify: boolean): Promise<void> {
  const current = await collectLocalFiles(entry.localPath, entry.artifactPath);
  const byRelative = new Map(current.files.map((f) => [relativeOf(entry, f.artifact), f]));
  for (const recorded of entry.files) {
    const file = byRelative.get(recorded.path);
    if (file === undefined) {
      throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Artifact file ${recorded.path} under ${entry.localPath} is gone; it cannot be uploaded.`, {
        where: entry.localPath,
      });
    }
    if (verify && (await sha256File(file.absolute)) !== recorded.sha256) {
      throw new TrackingError(
        'HOKUSAI_TRACKING_ARTIFACT',
        `Artifact ${file.absolute} changed since it was logged (SHA-256 differs); not uploading different bytes under the old record.`,
        { where: file.absolute },
      );
    }
    const slash = file.artifact.lastIndexOf('/');
    await client.logArtifact(runId, file.absolute, slash < 0 ? undefined : file.artifact.slice(0, slash));
  }
}

function relativeOf(entry: ArtifactEntry, artifact: string): string {
  const prefix = entry.artifactPath === undefined || entry.artifactPath === '' ? '' : `${entry.artifactPath.replace(/^\/+|\/+$/g, '')}/`;
  return prefix !== '' && artifact.startsWith(prefix) ? artifact.slice(prefix.length) : artifact;
}

type RegisterEntry = Extract<JournalEntry, { op: 'registerModel' }>;

/**
 * Registers a model version once per journal entry: a version already tagged with the entry's
 * key is reused, so replays never add a second version.
 */
export async function deliverRegisterModel(
  client: MlflowClient,
  runId: string,
  entry: Pick<RegisterEntry, 'name' | 'artifactPath' | 'tags' | 'alias' | 'description'>,
  opKey: string,
): Promise<string> {
  await client.ensureRegisteredModel(entry.name);
  const existing = await client.searchModelVersions(`name = ${quoteFilterValue(entry.name)} and tags.\`${JOURNAL_OP_TAG}\` = ${quoteFilterValue(opKey)}`);
  let version = existing[0]?.version;
  if (version === undefined) {
    const root = (await client.artifactUri(runId)).replace(/\/+$/, '');
    const tags = Object.fromEntries(entry.tags.map((t) => [t.key, t.value]));
    const created = await client.createModelVersion({
      name: entry.name,
      source: `${root}/${entry.artifactPath.replace(/^\/+/, '')}`,
      runId,
      tags: { ...tags, [JOURNAL_OP_TAG]: opKey },
      ...(entry.description === undefined ? {} : { description: entry.description }),
    });
    version = created.version;
  }
  if (entry.alias !== undefined) await client.setModelAlias(entry.name, entry.alias, version);
  return version;
}

type LogModelEntry = Extract<JournalEntry, { op: 'logModel' }>;

/**
 * Logs a model folder as an MLflow 3 logged model of the run, once per journal entry (a logged
 * model tagged with the entry's key is reused): create, upload, check by listing that every file
 * arrived with its size, finalize READY, link to the run as an output, and only then register a
 * version whose source is the model folder. `entry.localPath` must be absolute here.
 */
export async function deliverLogModel(
  client: MlflowClient,
  runId: string,
  entry: Pick<LogModelEntry, 'name' | 'localPath' | 'files' | 'modelType' | 'tags' | 'params' | 'register'>,
  opKey: string,
  verify: boolean,
): Promise<{ modelId: string; version: string | undefined }> {
  const run = await client.getRun(runId);
  const experimentId = run.info.experimentId;
  const found = await client.searchLoggedModels({ experimentIds: [experimentId], filter: `source_run_id = ${quoteFilterValue(runId)}` });
  let model = found.find((m) => m.tags[JOURNAL_OP_TAG] === opKey);
  if (model === undefined) {
    model = await client.createLoggedModel({
      experimentId,
      name: entry.name,
      sourceRunId: runId,
      ...(entry.modelType === undefined ? {} : { modelType: entry.modelType }),
      tags: { ...Object.fromEntries(entry.tags.map((t) => [t.key, t.value])), [JOURNAL_OP_TAG]: opKey },
      params: Object.fromEntries(entry.params.map((p) => [p.key, p.value])),
    });
  }
  if (model.status !== 'LOGGED_MODEL_READY') {
    for (const recorded of entry.files) {
      const absolute = join(entry.localPath, ...recorded.path.split('/'));
      let size: number;
      try {
        size = (await stat(absolute)).size;
      } catch {
        throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Model file ${recorded.path} under ${entry.localPath} is gone; the model cannot be logged.`, { where: absolute });
      }
      if (verify && (size !== recorded.size || (await sha256File(absolute)) !== recorded.sha256)) {
        throw new TrackingError('HOKUSAI_TRACKING_ARTIFACT', `Model file ${absolute} changed since it was logged (SHA-256 differs); not uploading different bytes under the old record.`, {
          where: absolute,
        });
      }
      const slash = recorded.path.lastIndexOf('/');
      await client.logModelArtifact(model.modelId, absolute, slash < 0 ? undefined : recorded.path.slice(0, slash));
    }
    const listed = new Map((await client.listModelArtifacts(model.modelId, undefined, { recursive: true })).map((f) => [f.path, f.size]));
    const missing = entry.files.filter((f) => listed.get(f.path) !== f.size).map((f) => f.path);
    if (missing.length > 0) {
      throw new TrackingError(
        'HOKUSAI_TRACKING_ARTIFACT',
        `The server does not list ${missing.join(', ')} (or lists another size) for logged model ${model.modelId} after upload; the model is not finalized or registered.`,
      );
    }
    model = await client.finalizeLoggedModel(model.modelId, 'READY');
  }
  await client.logOutputs(runId, [{ modelId: model.modelId }]);
  if (entry.register === undefined) return { modelId: model.modelId, version: undefined };
  const reg = entry.register;
  await client.ensureRegisteredModel(reg.name);
  const existing = await client.searchModelVersions(`name = ${quoteFilterValue(reg.name)} and tags.\`${JOURNAL_OP_TAG}\` = ${quoteFilterValue(opKey)}`);
  let version = existing[0]?.version;
  if (version === undefined) {
    const created = await client.createModelVersion({
      name: reg.name,
      source: model.artifactLocation,
      runId,
      modelId: model.modelId,
      tags: { ...Object.fromEntries(reg.tags.map((t) => [t.key, t.value])), [JOURNAL_OP_TAG]: opKey },
      ...(reg.description === undefined ? {} : { description: reg.description }),
    });
    version = created.version;
  }
  if (reg.alias !== undefined) await client.setModelAlias(reg.name, reg.alias, version);
  return { modelId: model.modelId, version };
}
