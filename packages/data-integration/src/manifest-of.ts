import type { Table } from 'apache-arrow';
import { fromArrowTable } from './arrow-convert.js';
import type { DataFormat, DatasetManifest } from './dataset.js';
import { buildManifest } from './manifest.js';

/** Manifest of any Arrow table (file_sha256 is then the caller's to give, e.g. of the written file). */
export function manifestOf(table: Table, meta: { source_path: string; format: DataFormat; file_sha256: string }): DatasetManifest {
  return buildManifest(fromArrowTable(table, meta.source_path), meta);
}
