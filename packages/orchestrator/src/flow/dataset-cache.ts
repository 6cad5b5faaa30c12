import { loadDataset, type LoadedDataset } from '@hokusai/data-integration';

/**
 * Loaded datasets hold raw values, PII included, so they are never written to the run store:
 * the load steps store only manifests, and the tables stay in this process. A resumed run or
 * another worker simply loads the file again.
 */
export class DatasetCache {
  private readonly loaded = new Map<string, Promise<LoadedDataset>>();

  load(path: string): Promise<LoadedDataset> {
    let pending = this.loaded.get(path);
    if (pending === undefined) {
      pending = loadDataset(path);
      this.loaded.set(path, pending);
      pending.catch(() => this.loaded.delete(path));
    }
    return pending;
  }
}
