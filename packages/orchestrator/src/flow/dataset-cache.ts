import { statSync } from 'node:fs';
import { loadDataset, loadTableInWorker, type DatasetManifest, type KnownFileHash, type LoadedDataset, type LoadOptions, type PendingDataset } from '@hokusai/data-integration';

/** Files at least this large load on their own thread; below it a thread costs more than it saves. */
const THREAD_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Inputs of at most this many bytes in all hand their tables on before their manifests. The
 * columns are shared with the loader thread (no second copy), but building a manifest holds
 * working memory of its own (fingerprints, the canonical order, a column's values in that order),
 * so handing on early adds that to `integrate`, the run's memory peak: worth it at 1M and 5M rows
 * (150 and 350 MB of CSV). At 20M (1.4 GB) the loads finish their manifests first, which kept the
 * peak lower when loader threads still held a second copy (not measured since).
 */
export const EARLY_TABLES_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * Loaded datasets hold raw values, PII included, so they are never written to the run store:
 * the load steps store only what they found, and the tables stay in this process. A resumed run
 * or another worker simply loads the file again. Large files load on worker threads, so the
 * inputs of a run load in parallel on a machine's cores, and each table is handed on as soon
 * as it is parsed while its thread goes on to build the manifest.
 */
export class DatasetCache {
  private readonly loaded = new Map<string, Promise<LoadedDataset | PendingDataset>>();
  /** Kept past `clear()`: a manifest is small, and building one again would mean loading the file again. */
  private readonly manifests = new Map<string, Promise<DatasetManifest>>();
  private readonly early: boolean;
  /** Input hashes made for the run id (with the files' stat then), which loads take instead of hashing again. */
  private readonly known: ReadonlyMap<string, KnownFileHash>;

  /**
   * `inputs`: the run's input files, whose total size (against `earlyMaxBytes`, by default
   * EARLY_TABLES_MAX_BYTES) decides whether tables are handed on before their manifests;
   * `known`: their hashes as made for the run id (see LoadOptions.knownSha256).
   */
  constructor(options: { inputs?: readonly string[]; earlyMaxBytes?: number; known?: ReadonlyMap<string, KnownFileHash> } = {}) {
    this.early = (options.inputs ?? []).reduce((sum, path) => sum + sizeOf(path), 0) <= (options.earlyMaxBytes ?? EARLY_TABLES_MAX_BYTES);
    this.known = options.known ?? new Map();
  }

  /** `onProgress` hears the reading of the file when this call starts the load. */
  load(path: string, onProgress?: LoadOptions['onProgress']): Promise<LoadedDataset> {
    let pending = this.loaded.get(path);
    if (pending === undefined) {
      const known = this.known.get(path);
      const options: LoadOptions = { ...(onProgress === undefined ? {} : { onProgress }), ...(known === undefined ? {} : { knownSha256: known }) };
      if (sizeOf(path) >= THREAD_MIN_BYTES) {
        const loading = loadTableInWorker(path, options);
        // Large inputs: the load waits for the manifest, so its working memory is gone before integrate.
        const threaded = this.early
          ? loading
          : loading.then(async (d) => {
              await d.manifestReady;
              return d;
            });
        pending = threaded;
        // The manifest promise holds no table, so it outlives `clear()`.
        void this.remember(path, threaded.then((d) => d.manifestReady));
      } else pending = loadDataset(path, options);
      this.loaded.set(path, pending);
      pending.catch(() => this.loaded.delete(path));
    }
    return pending;
  }

  /** The manifest of the file at `path`: from its loader thread, or built here for a small file (loading it if needed). */
  manifest(path: string): Promise<DatasetManifest> {
    return this.manifests.get(path) ?? this.remember(path, this.load(path).then((d) => ('manifestReady' in d ? (d as PendingDataset).manifestReady : d.manifest)));
  }

  /** Forgets every loaded table, so the raw data (the largest thing a run holds) can be freed. */
  clear(): void {
    this.loaded.clear();
  }

  private remember(path: string, manifest: Promise<DatasetManifest>): Promise<DatasetManifest> {
    this.manifests.set(path, manifest);
    manifest.catch(() => this.manifests.delete(path));
    return manifest;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // loadDataset reports a missing file with its own typed error
  }
}
