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
