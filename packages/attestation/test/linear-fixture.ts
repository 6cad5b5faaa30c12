import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkColumns } from '../src/linear-quantizer.js';

const HERE = import.meta.dirname;

/** The quickstart benchmark as columns (numbers for numeric columns, null for an empty cell). */
export function quickstartBenchmark(): { table: BenchmarkColumns; labels: number[] } {
  const lines = readFileSync(join(HERE, '..', '..', '..', 'examples', 'quickstart', 'benchmark.csv'), 'utf8').trim().split('\n');
  const head = (lines[0] as string).split(',');
  const cells = head.map(() => [] as string[]);
  for (const line of lines.slice(1)) line.split(',').forEach((v, i) => (cells[i] as string[]).push(v));
  const table: BenchmarkColumns = {};
  head.forEach((name, i) => {
    const c = cells[i] as string[];
    table[name] = ['customer_id', 'email', 'region', 'plan'].includes(name) ? c.map((v) => (v === '' ? null : v)) : c.map((v) => (v === '' ? null : Number(v)));
  });
  return { table, labels: (table['churned'] as (number | null)[]).map((v) => v ?? 0) };
}

/** The quickstart columns the linear models read, as the inference proof plans them. */
export const QUICKSTART_COLUMNS = ['age', 'income', 'tenure_months', 'monthly_spend', 'support_calls', 'region', 'plan'];

/** The first `n` rows of every column. */
export function firstRows(table: BenchmarkColumns, n: number): BenchmarkColumns {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, Array.from(v as ArrayLike<number | string | null>).slice(0, n)])) as BenchmarkColumns;
}

/** ONNX files and onnxruntime scores of the quickstart run (seed 42), kept as fixtures. */
export const linearFixture = {
  baseline: (): Uint8Array => readFileSync(join(HERE, 'fixtures', 'linear', 'baseline.onnx')),
  model: (): Uint8Array => readFileSync(join(HERE, 'fixtures', 'linear', 'model.onnx')),
  scores: (): { threshold: number; labels: number[]; baseline_scores: number[]; new_scores: number[] } =>
    JSON.parse(readFileSync(join(HERE, 'fixtures', 'linear', 'scores.json'), 'utf8')) as { threshold: number; labels: number[]; baseline_scores: number[]; new_scores: number[] },
};
