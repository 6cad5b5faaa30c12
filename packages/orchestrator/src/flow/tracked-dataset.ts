import { basename } from 'node:path';
import type { DatasetManifest } from '@hokusai/data-integration';
import type { DatasetInput } from '@hokusai/tracking';

/** MLflow's column types for the loader's dtypes (the names `mlflow.types.DataType` uses). */
const MLFLOW_TYPES: Record<string, string> = { int: 'long', float: 'double', bool: 'boolean', string: 'string', timestamp: 'datetime' };

/**
 * One loaded input as an MLflow dataset input: the digest is the content hash (the rows, whatever
 * the file format or row order; the file's own SHA-256 is the input tag `hokusai.file_sha256`),
 * the source is the file name (never where one machine kept it), the schema is MLflow's
 * `mlflow_colspec` (a column is required when it has no missing values) and the profile counts
 * rows and cells the way MLflow's pandas datasets do. Column names only: no value leaves the data
 * package.
 */
export function trackedDataset(role: 'base' | 'contributed' | 'benchmark', manifest: DatasetManifest): DatasetInput {
  const colspec = manifest.columns.map((name) => ({
    type: MLFLOW_TYPES[manifest.dtypes[name] ?? 'string'] ?? 'string',
    name,
    required: (manifest.null_counts[name] ?? 0) === 0,
  }));
  return {
    name: role,
    sha256: manifest.content_hash,
    source: basename(manifest.source_path),
    sourceType: 'local',
    context: role === 'benchmark' ? 'evaluation' : 'training',
    schema: JSON.stringify({ mlflow_colspec: colspec }),
    profile: JSON.stringify({ num_rows: manifest.row_count, num_elements: manifest.row_count * manifest.column_count }),
    tags: { 'hokusai.file_sha256': manifest.file_sha256, 'hokusai.format': manifest.format },
  };
}
