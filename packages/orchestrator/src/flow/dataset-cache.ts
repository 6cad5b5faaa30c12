import { statSync } from 'node:fs';
import { loadDataset, loadTablesInWorker, type DatasetManifest, type KnownFileHash, type LoadedDataset, type LoadOptions, type LoadProgress, type PendingDataset } from '@hokusai/data-integration';

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
  /** Per large input, the inputs that load on its thread (itself included; see loaderGroups); emptied by `clear()`. */
  private groups: ReadonlyMap<string, readonly string[]>;
  /** Where a file's load reports its progress: the listener of the call that asked for it, and the last report. */
  private readonly progress = new Map<string, { listener?: NonNullable<LoadOptions['onProgress']>; last?: LoadProgress }>();

  /**
   * `inputs`: the run's input files, whose total size (against `earlyMaxBytes`, by default
   * EARLY_TABLES_MAX_BYTES) decides whether tables are handed on before their manifests;
   * `known`: their hashes as made for the run id (see LoadOptions.knownSha256).
   */
  constructor(options: { inputs?: readonly string[]; earlyMaxBytes?: number; known?: ReadonlyMap<string, KnownFileHash>; loaderThreads?: number } = {}) {
    const inputs = options.inputs ?? [];
    this.early = inputs.reduce((sum, path) => sum + sizeOf(path), 0) <= (options.earlyMaxBytes ?? EARLY_TABLES_MAX_BYTES);
    this.known = options.known ?? new Map();
    // Sharing a thread means a file's manifest waits for the next file's load: only where tables
    // are handed on before their manifests.
    this.groups = this.early ? loaderGroups(inputs, options.loaderThreads ?? Infinity) : new Map();
  }

  /**
   * `onProgress` hears the reading of the file when this call starts the load, or when the load
   * started ahead of this call on a thread shared with another input (see loaderGroups).
   */
  load(path: string, onProgress?: LoadOptions['onProgress']): Promise<LoadedDataset> {
    if (onProgress !== undefined) {
      // A load started ahead of this call (with another file of its thread) has read some or all
      // of the file already: its last report is heard at once.
      const relay = this.progress.get(path) ?? {};
      this.progress.set(path, { ...relay, listener: onProgress });
      if (relay.last !== undefined) onProgress(relay.last);
    }
    let pending = this.loaded.get(path);
    if (pending === undefined) {
      const group = this.groups.get(path);
      if (sizeOf(path) >= THREAD_MIN_BYTES) {
        // The other inputs of this file's group load on the same thread, after it, ahead of their steps.
        const together = (group ?? [path]).filter((p) => p === path || !this.loaded.has(p));
        const ordered = [path, ...together.filter((p) => p !== path)];
        const loads = loadTablesInWorker(ordered.map((p) => ({ path: p, options: this.loadOptions(p) })));
        ordered.forEach((p, k) => this.keep(p, this.threaded(p, loads[k] as Promise<PendingDataset>)));
        pending = this.loaded.get(path) as Promise<LoadedDataset>;
      } else {
        pending = loadDataset(path, this.loadOptions(path));
        this.keep(path, pending);
      }
    }
    return pending;
  }

  /** A file's load options: its known hash, and progress relayed to whoever asks for the file. */
  private loadOptions(path: string): LoadOptions {
    const known = this.known.get(path);
    const onProgress = (p: LoadProgress): void => {
      const relay = this.progress.get(path) ?? {};
      this.progress.set(path, { ...relay, last: p });
      relay.listener?.(p);
    };
    return { onProgress, ...(known === undefined ? {} : { knownSha256: known }) };
  }

  /** A thread's load as the cache holds it, its manifest remembered apart. */
  private threaded(path: string, loading: Promise<PendingDataset>): Promise<LoadedDataset> {
    // Large inputs: the load waits for the manifest, so its working memory is gone before integrate.
    const threaded = this.early
      ? loading
      : loading.then(async (d) => {
          await d.manifestReady;
          return d;
        });
    // The manifest promise holds no table, so it outlives `clear()`.
    void this.remember(path, threaded.then((d) => (d as PendingDataset).manifestReady));
    return threaded;
  }

  private keep(path: string, pending: Promise<LoadedDataset>): void {
    this.loaded.set(path, pending);
    pending.catch(() => {
      // A failed load is forgotten, so the step that asks for it again loads it again and meets the same error.
      if (this.loaded.get(path) === pending) this.loaded.delete(path);
    });
  }

  /** The manifest of the file at `path`: from its loader thread, or built here for a small file (loading it if needed). */
  manifest(path: string): Promise<DatasetManifest> {
    return this.manifests.get(path) ?? this.remember(path, this.load(path).then((d) => ('manifestReady' in d ? (d as PendingDataset).manifestReady : d.manifest)));
  }

  /** Forgets every loaded table, so the raw data (the largest thing a run holds) can be freed. */
  clear(): void {
    this.loaded.clear();
    this.progress.clear();
    // A table asked for again later is loaded alone, not with the rest of its group.
    this.groups = new Map();
  }

  private remember(path: string, manifest: Promise<DatasetManifest>): Promise<DatasetManifest> {
    this.manifests.set(path, manifest);
    manifest.catch(() => this.manifests.delete(path));
    return manifest;
  }
}

/**
 * Large inputs share loader threads when there are more of them than `threads` (the steps that
 * run at once): each joins the thread with the fewest bytes so far, largest first. With two
 * threads and a run's three inputs, the largest loads alone and the other two one after the
 * other on a second thread, as their steps would have run them, without a third thread's start.
 * Each input maps to the inputs of its thread.
 */
export function loaderGroups(inputs: readonly string[], threads: number): Map<string, string[]> {
  const large = [...new Set(inputs)].map((path) => ({ path, bytes: sizeOf(path) })).filter((f) => f.bytes >= THREAD_MIN_BYTES);
  const groups = new Map<string, string[]>();
  if (large.length <= threads) return groups;
  const bins = Array.from({ length: Math.max(1, threads) }, () => ({ bytes: 0, paths: [] as string[] }));
  for (const { path, bytes } of large.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))) {
    const bin = bins.reduce((least, b) => (b.bytes < least.bytes ? b : least));
    bin.bytes += bytes;
    bin.paths.push(path);
  }
  for (const bin of bins) for (const path of bin.paths) groups.set(path, bin.paths);
  return groups;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // loadDataset reports a missing file with its own typed error
  }
}
