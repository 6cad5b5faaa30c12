import { Worker } from 'node:worker_threads';
import type { DatasetManifest, LoadedDataset } from './dataset.js';
import { DataIntegrationError, workerError, type WorkerFailure } from './errors.js';
import { builtScript } from '@hokusai/core';
import { loadDataset } from './load-dataset.js';
import type { LoadOptions, LoadProgress } from './load-dataset.js';
import { rememberSource } from './source-info.js';
import type { SourceInfo } from './source-info.js';
import { tableFromMessage } from './table-message.js';
import type { TableMessage } from './table-message.js';
import type { ValidationReport } from './validation.js';


/** Per file, the thread sends progress, then the table, then the manifest (or a failure instead of either). */
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
export function loadTableInWorker(path: string, options: LoadOptions = {}): Promise<PendingDataset> {
  return loadTablesInWorker([{ path, options }])[0] as Promise<PendingDataset>;
}

/** One file for a loader thread: its path and load options (progress is reported back as messages). */
export interface LoaderJob {
  path: string;
  options: Omit<LoadOptions, 'onProgress'>;
}

/** A file's table or manifest, awaited here, settled from the thread's messages. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: unknown) => void } {
  let resolve: (value: T) => void = () => undefined;
  let reject: (err: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * `loadTableInWorker` for several files on one thread, one after the other: each file's table is
 * handed on as soon as it is parsed, then its manifest is built, then the next file loads. One thread for
 * two files saves the second thread's start (its module loading and the compiling of the same
 * hot code again, about 0.15 s of CPU and 0.1 s more on V8's compiler threads), where a
 * machine's cores are already busy with the other loads. Each file fails or succeeds on its own:
 * a file that cannot be parsed rejects its promise and the next file still loads.
 */
export function loadTablesInWorker(files: readonly { path: string; options?: LoadOptions }[]): Promise<PendingDataset>[] {
  const script = workerScript();
  if (script === null) {
    // Loaded in order here, as the thread would.
    let previous: Promise<unknown> = Promise.resolve();
    return files.map(({ path, options = {} }) => {
      const loading = previous.then(() => loadDataset(path, options));
      previous = loading.catch(() => undefined);
      return loading.then((dataset) => settled(dataset, Promise.resolve().then(() => dataset.manifest)));
    });
  }
  const states = files.map(() => ({ table: deferred<Extract<WorkerReply, { ok: true }>>(), manifest: deferred<DatasetManifest>(), stage: 'table' as 'table' | 'manifest' | 'done' }));
  // Nobody may ask for a manifest (or it fails after the table did): never an unhandled rejection.
  for (const s of states) s.manifest.promise.catch(() => undefined);
  const fail = (file: number, err: unknown): void => {
    const s = states[file];
    if (s === undefined) return;
    if (s.stage === 'table') {
      s.table.reject(err);
      s.manifest.reject(err);
    } else if (s.stage === 'manifest') s.manifest.reject(err);
    s.stage = 'done';
  };
  // A function cannot cross to the thread: progress comes back as messages instead.
  const jobs: LoaderJob[] = files.map(({ path, options = {} }) => {
    const { onProgress: _onProgress, ...rest } = options;
    return { path, options: rest };
  });
  const worker = new Worker(script, { workerData: { files: jobs, progress: files.some((f) => f.options?.onProgress !== undefined) } });
  worker.on('message', ({ file, reply: m }: { file: number; reply: WorkerReply }) => {
    const s = states[file];
    if (s === undefined) return;
    if (m.ok === 'progress') files[file]?.options?.onProgress?.(m.progress);
    else if (m.ok === true) {
      s.stage = 'manifest';
      s.table.resolve(m);
    } else if (m.ok === 'manifest') {
      s.stage = 'done';
      s.manifest.resolve(m.manifest);
    } else fail(file, workerError(m));
  });
  const failAll = (err: unknown): void => files.forEach((_, file) => fail(file, err));
  worker.once('error', failAll);
  worker.once('exit', (code) => files.forEach(({ path }, file) => fail(file, new Error(`the loader thread for ${path} stopped (exit code ${code}) before answering`))));
  return files.map(async ({ path }, file) => {
    const s = states[file] as (typeof states)[number];
    const reply = await s.table.promise;
    const loaded = tableFromMessage(reply.table);
    rememberSource(loaded, reply.source);
    return settled({ table: loaded, path, ...(reply.validation ? { validation: reply.validation } : {}) }, s.manifest.promise);
  });
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
