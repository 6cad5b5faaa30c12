import type { Table } from 'apache-arrow';
import type { ValidationReport } from './validation.js';

export type DataFormat = 'csv' | 'json' | 'jsonl' | 'parquet';

/** What is known about one dataset; JSON-serialisable, the shape of zk-output's data_manifest plus file facts. */
export interface DatasetManifest {
  /** File name as given to `loadDataset` (or a description for derived tables). */
  source_path: string;
  format: DataFormat;
  /** SHA-256 hex of the file bytes; for integration outputs, of the file they came from (see README). */
  file_sha256: string;
  /** SHA-256 hex over the canonical row multiset (see README): independent of row order and file format. */
  content_hash: string;
  row_count: number;
  column_count: number;
  columns: string[];
  /** 'int' | 'float' | 'bool' | 'string' | 'timestamp' */
  dtypes: Record<string, string>;
  null_counts: Record<string, number>;
  unique_counts: Record<string, number>;
}

export interface LoadedDataset {
  table: Table;
  manifest: DatasetManifest;
  path: string;
  /** Present when a schema was given: every check that failed (lazy, nothing thrown for these). */
  validation?: ValidationReport;
}
