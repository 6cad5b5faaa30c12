import { statSync } from 'node:fs';
import { loadDataset, loadDatasetInWorker, type LoadedDataset, type LoadOptions } from '@hokusai/data-integration';

/** Files at least this large load on their own thread; below it a thread costs more than it saves. */
const THREAD_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Loaded datasets hold raw values, PII included, so they are never written to the run store:
 * the load steps store only manifests, and the tables stay in this process. A resumed run or
 * another worker simply loads the file again. Large files load on worker threads, so the inputs
 * of a run load in parallel on a machine's cores.
 */
export class DatasetCache {
  private readonly loaded = new Map<string, Promise<LoadedDataset>>();

  /** `onProgress` hears the reading of the file when this call starts the load. */
  load(path: string, onProgress?: LoadOptions['onProgress']): Promise<LoadedDataset> {
    let pending = this.loaded.get(path);
    if (pending === undefined) {
      const options: LoadOptions = onProgress === undefined ? {} : { onProgress };
      pending = sizeOf(path) >= THREAD_MIN_BYTES ? loadDatasetInWorker(path, options) : loadDataset(path, options);
      this.loaded.set(path, pending);
      pending.catch(() => this.loaded.delete(path));
    }
    return pending;
  }

  /** Forgets every loaded table, so the raw data (the largest thing a run holds) can be freed. */
  clear(): void {
    this.loaded.clear();
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // loadDataset reports a missing file with its own typed error
  }
}
