import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateParts, type GenerateOptions } from './generate.js';
import { writeCsv, writeJsonl } from './csv-writer.js';
import { writeParquetFile } from './parquet-writer.js';

export type OutputFormat = 'csv' | 'jsonl' | 'parquet';

export interface WrittenDataset {
  files: Record<'base' | 'contributed' | 'benchmark', string[]>;
  planted: { duplicates: number; overlapWithBase: number; contamination: number };
}

/** Generates the three parts and writes each in every requested format into `outDir`. */
export async function writeDataset(outDir: string, options: GenerateOptions, formats: readonly OutputFormat[]): Promise<WrittenDataset> {
  await mkdir(outDir, { recursive: true });
  const parts = generateParts(options);
  const files: WrittenDataset['files'] = { base: [], contributed: [], benchmark: [] };
  for (const part of ['base', 'contributed', 'benchmark'] as const) {
    for (const format of formats) {
      const path = join(outDir, `${part}.${format}`);
      if (format === 'csv') await writeCsv(path, parts[part]);
      else if (format === 'jsonl') await writeJsonl(path, parts[part]);
      else await writeParquetFile(path, parts[part]);
      files[part].push(path);
    }
  }
  return { files, planted: parts.planted };
}
