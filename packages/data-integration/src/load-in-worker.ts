import { Worker } from 'node:worker_threads';
import type { DatasetManifest, LoadedDataset } from './dataset.js';
import { DataIntegrationError } from './errors.js';
import { builtScript, type HokusaiErrorJson } from '@hokusai/core';
import { loadDataset } from './load-dataset.js';
import type { LoadOptions, LoadProgress } from './load-dataset.js';
import { rememberSource } from './source-info.js';
import type { SourceInfo } from './source-info.js';
import { tableFromMessage } from './table-message.js';
import type { TableMessage } from './table-message.js';
import type { ValidationReport } from './validation.js';

type WorkerFailure = { ok: false; error?: HokusaiErrorJson; message: string };

/** The thread sends progress, then the table, then the manifest (or a failure instead of either). */
export type WorkerReply =
  | { ok: 'progress'; progress: LoadProgress }
  | { ok: true; table: TableMessage; source: SourceInfo; validation?: ValidationReport }
  | { ok: 'manifest'; manifest: DatasetManifest }
  | WorkerFailure;

/**
 * A loaded table whose manifest (content hash, distinct counts) is still being built on the
 * loader thread. `manifestReady` settles with it; reading `manifest` before then throws
 * HOKUSAI_MANIFEST_PENDING rather than block.
 */
export interface PendingDataset extends LoadedDataset {
  manifestReady: Promise<DatasetManifest>;
}

/** The compiled worker script; when running from sources (tests) the built copy in dist/ is used. */
function workerScript(): string | null {
  return builtScript([new URL('./load-worker.js', import.meta.url), new URL('../dist/load-worker.js', import.meta.url)]);
}

function failure(reply: WorkerFailure): Error {
  // A typed error crosses the thread in its JSON form, so file, row and column survive.
  return DataIntegrationError.fromJSON(reply.error) ?? new Error(reply.message);
}

/**
 * `loadDataset` on a worker thread, manifest included, so that several files load on several
 * cores. The table comes back over shared memory: the thread copies its columns into
 * SharedArrayBuffers once, builds the manifest from them and the table here reads the same
 * bytes, so the file is held once, not twice, while the manifest is built. Low-cardinality
 * string columns arrive dictionary-encoded, which keeps one copy of each distinct value. Errors
 * are the same typed errors, with the same file, row and column.
 */
export async function loadDatasetInWorker(path: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  const pending = await loadTableInWorker(path, options);
  await pending.manifestReady;
  return pending;
}

/**
 * Like `loadDatasetInWorker`, but resolves as soon as the table is parsed: the thread goes on to
 * build the manifest (about as much work as parsing) while the caller uses the table. Parse
 * errors reject this promise; a failure while building the manifest rejects `manifestReady`.
 */
export async function loadTableInWorker(path: string, options: LoadOptions = {}): Promise<PendingDataset> {
  const script = workerScript();
  if (script === null) {
    const dataset = await loadDataset(path, options);
    return settled(dataset, Promise.resolve().then(() => dataset.manifest));
  }
  // A function cannot cross to the thread: progress comes back as messages instead.
  const { onProgress, ...rest } = options;
  let tableReply: (value: Extract<WorkerReply, { ok: true }>) => void = () => undefined;
  let tableFailed: (err: unknown) => void = () => undefined;
  let manifestReply: (value: DatasetManifest) => void = () => undefined;
  let manifestFailed: (err: unknown) => void = () => undefined;
  const table = new Promise<Extract<WorkerReply, { ok: true }>>((resolve, reject) => {
    tableReply = resolve;
    tableFailed = reject;
  });
  const manifest = new Promise<DatasetManifest>((resolve, reject) => {
    manifestReply = resolve;
    manifestFailed = reject;
  });
  // Nobody may ask for the manifest (or it fails after the table did): never an unhandled rejection.
  manifest.catch(() => undefined);
  let stage: 'table' | 'manifest' | 'done' = 'table';
  const fail = (err: unknown): void => {
    if (stage === 'table') {
      tableFailed(err);
      manifestFailed(err);
    } else if (stage === 'manifest') manifestFailed(err);
    stage = 'done';
  };
  const worker = new Worker(script, { workerData: { path, options: rest, progress: onProgress !== undefined } });
  worker.on('message', (m: WorkerReply) => {
    if (m.ok === 'progress') onProgress?.(m.progress);
    else if (m.ok === true) {
      stage = 'manifest';
      tableReply(m);
    } else if (m.ok === 'manifest') {
      stage = 'done';
      manifestReply(m.manifest);
    } else fail(failure(m));
  });
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new Error(`the loader thread for ${path} stopped (exit code ${code}) before answering`)));
  const reply = await table;
  const loaded = tableFromMessage(reply.table);
  rememberSource(loaded, reply.source);
  return settled({ table: loaded, path, ...(reply.validation ? { validation: reply.validation } : {}) }, manifest);
}

/** The dataset with `manifest` readable once `manifestReady` has settled. */
function settled(dataset: Omit<LoadedDataset, 'manifest'>, manifestReady: Promise<DatasetManifest>): PendingDataset {
  let built: DatasetManifest | undefined;
  const ready = manifestReady.then((m) => (built = m));
  ready.catch(() => undefined);
  return Object.defineProperties(
    { table: dataset.table, path: dataset.path, ...(dataset.validation ? { validation: dataset.validation } : {}) },
    {
      manifestReady: { value: ready, enumerable: false },
      manifest: {
        enumerable: false,
        get(): DatasetManifest {
          if (built === undefined) {
            throw new DataIntegrationError('HOKUSAI_MANIFEST_PENDING', `the manifest of ${dataset.path} is still being built on its loader thread`, { file: dataset.path, context: { hint: 'await manifestReady before reading manifest' } });
          }
          return built;
        },
      },
    },
  ) as PendingDataset;
}
