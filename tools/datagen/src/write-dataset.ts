import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { partRows, plantPlan, type GenerateOptions, type Planted } from './generate.js';
import { writeCsv, writeJsonl } from './csv-writer.js';
import { writeParquetFile } from './parquet-writer.js';

export type OutputFormat = 'csv' | 'jsonl' | 'parquet';

export interface WrittenDataset {
  files: Record<'base' | 'contributed' | 'benchmark', string[]>;
  planted: Planted;
}

/**
 * Generates the three parts and writes each in every requested format into `outDir`. CSV and
 * JSON Lines are written row by row as the rows are generated (each format regenerates the
 * part from its seed), so memory does not grow with the size; Parquet holds one part at a time.
 */
export async function writeDataset(outDir: string, options: GenerateOptions, formats: readonly OutputFormat[]): Promise<WrittenDataset> {
  await mkdir(outDir, { recursive: true });
  const plan = plantPlan(options);
  const files: WrittenDataset['files'] = { base: [], contributed: [], benchmark: [] };
  for (const part of ['base', 'contributed', 'benchmark'] as const) {
    for (const format of formats) {
      const path = join(outDir, `${part}.${format}`);
      const rows = partRows(options, part, plan);
      if (format === 'csv') await writeCsv(path, rows);
      else if (format === 'jsonl') await writeJsonl(path, rows);
      else await writeParquetFile(path, rows);
      files[part].push(path);
    }
  }
  return { files, planted: plan.planted };
}
