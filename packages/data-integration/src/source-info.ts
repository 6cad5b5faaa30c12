import type { Table } from 'apache-arrow';
import type { DataFormat, LoadedDataset } from './dataset.js';

export interface SourceInfo {
  format: DataFormat;
  file_sha256: string;
}

const info = new WeakMap<Table, SourceInfo>();

export function rememberSource(table: Table, s: SourceInfo): void {
  info.set(table, s);
}

/** Format and file hash of a loaded dataset without forcing its (lazy) manifest. */
export function sourceOf(d: LoadedDataset): SourceInfo {
  return info.get(d.table) ?? { format: d.manifest.format, file_sha256: d.manifest.file_sha256 };
}
