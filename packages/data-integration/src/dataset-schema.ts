import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { dataError } from './errors.js';

export const columnSchemaSpec = z
  .object({
    name: z.string().min(1),
    type: z.enum(['int', 'float', 'bool', 'string', 'timestamp']),
    nullable: z.boolean().default(true),
    min: z.number().optional(),
    max: z.number().optional(),
    allowed: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
    unique: z.boolean().default(false),
    pattern: z.string().optional(),
  })
  .strict();

export const datasetSchemaSpec = z
  .object({
    columns: z.array(columnSchemaSpec).min(1),
    target: z.string().optional(),
    /** Columns present in the file but not declared: allowed (kept, types inferred) or rejected. */
    extraColumns: z.enum(['allow', 'reject']).default('allow'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    for (const c of s.columns) {
      if (seen.has(c.name)) ctx.addIssue({ code: 'custom', message: `column '${c.name}' is declared twice` });
      seen.add(c.name);
      if (c.min !== undefined && c.max !== undefined && c.min > c.max) ctx.addIssue({ code: 'custom', message: `column '${c.name}': min is above max` });
    }
    if (s.target !== undefined && !seen.has(s.target)) ctx.addIssue({ code: 'custom', message: `target '${s.target}' is not a declared column` });
  });

export type ColumnSchema = z.output<typeof columnSchemaSpec>;
export type DatasetSchema = z.output<typeof datasetSchemaSpec>;
export type DatasetSchemaInput = z.input<typeof datasetSchemaSpec>;

/** Checks a schema object (for example parsed from JSON) and fills defaults. */
export function parseDatasetSchema(input: unknown, source = 'dataset schema'): DatasetSchema {
  const r = datasetSchemaSpec.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw dataError('HOKUSAI_SCHEMA_INVALID', `the dataset schema is invalid (${issues})`, 'Fix the schema; see the package README for its fields', { file: source });
  }
  return r.data;
}

/** Reads a dataset schema from a JSON file. */
export function loadDatasetSchema(path: string): DatasetSchema {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw dataError('HOKUSAI_SCHEMA_INVALID', `the schema file cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`, 'Check the path and the JSON syntax', { file: path });
  }
  return parseDatasetSchema(doc, path);
}
