import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import { sizeText } from '@hokusai/core';
import { readParquetShape, type ParquetPhysicalType } from '@hokusai/data-integration';
import { OrchestratorError } from '../errors.js';
import type { PipelineConfig } from './config.js';
import { parseMemorySize } from './memory-size.js';

/**
 * Peak memory of an in-memory run per byte of input file, by format, from the measured runs
 * (tools/bench: 1m, 147 MB of CSV, peaked at 978 MB; 5m, 350 MB, at 1.39 GB): the parsed columns,
 * their Arrow copies, the integrated tables and the featurized training columns. Parquet is
 * compressed, so a byte of it holds more rows than a byte of CSV; JSON spends more bytes per value.
 */
const BYTES_PER_FILE_BYTE: Record<string, number> = { csv: 7, json: 4, jsonl: 4, parquet: 28 };
/** The process before any data: Node, onnxruntime, the packages' modules. */
const BASE_PROCESS_BYTES = 200e6;

/**
 * A Parquet row's bytes in memory per leaf column, by physical type: the value as loaded (ints
 * and floats widen at most to 8 bytes, a float32 is read as a float64) and its validity byte; text
 * as 16 bytes and its offset, a guess the footer cannot refine (a dictionary page holds each
 * distinct value once).
 */
const PARQUET_COLUMN_BYTES: Record<ParquetPhysicalType, number> = { BOOLEAN: 2, INT32: 5, INT64: 9, INT96: 9, FLOAT: 9, DOUBLE: 9, BYTE_ARRAY: 21, FIXED_LEN_BYTE_ARRAY: 21 };
/**
 * Peak memory of an in-memory run per byte of its Parquet tables' columns: a 10M-row table of
 * eleven 4-valued int64 columns and a 4-valued string column (30 MB of Parquet, 1.2 GB of columns
 * by PARQUET_COLUMN_BYTES) peaked at 2.65 GB, where its file size allowed for 1.03 GB.
 */
const PARQUET_PEAK_PER_COLUMN_BYTE = 3;

/**
 * The in-memory estimate of one Parquet file: by its size, or by its footer's rows and column
 * types when that is more (columns of few repeated values compress to almost nothing).
 */
async function parquetBytes(path: string, size: number): Promise<number> {
  const bySize = size * (BYTES_PER_FILE_BYTE['parquet'] as number);
  const shape = await readParquetShape(path);
  if (shape === null) return bySize;
  const rowBytes = shape.columns.reduce((sum, c) => sum + (c.type === 'FIXED_LEN_BYTE_ARRAY' && c.width !== undefined ? c.width + 5 : PARQUET_COLUMN_BYTES[c.type]), 0);
  return Math.max(bySize, shape.rows * rowBytes * PARQUET_PEAK_PER_COLUMN_BYTE);
}

export const MemoryPlanSchema = z
  .object({
    mode: z.enum(['in-memory', 'streaming']),
    memory_budget_bytes: z.number().int().positive(),
    estimated_memory_bytes: z.number().int().nonnegative(),
  })
  .strict();

/** How the run fits its memory budget: the estimate of the in-memory path and the mode chosen. */
export type MemoryPlan = z.infer<typeof MemoryPlanSchema>;

function formatOf(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.json') return 'json';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return 'csv';
}

/** The in-memory path's estimated peak for these input files (bytes). */
export async function estimateInMemoryBytes(paths: readonly string[]): Promise<number> {
  let total = BASE_PROCESS_BYTES;
  for (const path of paths) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (cause) {
      throw new OrchestratorError('HOKUSAI_INPUT_NOT_FOUND', `The input file ${path} cannot be read: ${(cause as Error).message}.`, { cause });
    }
    const format = formatOf(path);
    total += format === 'parquet' ? await parquetBytes(path, size) : size * (BYTES_PER_FILE_BYTE[format] as number);
  }
  return Math.round(total);
}

/**
 * The run's memory plan, or null when the config sets no budget: in memory when the estimate
 * fits `resources.memory`, else streaming. The input files decide it (their sizes, and a Parquet
 * file's footer), so the same inputs and budget give the same plan on every machine (it is attested).
 */
export async function planMemory(config: PipelineConfig): Promise<MemoryPlan | null> {
  const memory = config.resources.memory;
  if (memory === undefined) return null;
  const budget = parseMemorySize(memory);
  const estimated = await estimateInMemoryBytes([config.base, config.contributed, config.benchmark]);
  return { mode: estimated <= budget ? 'in-memory' : 'streaming', memory_budget_bytes: budget, estimated_memory_bytes: estimated };
}

/** The plan in one line, for the progress output. */
export function memoryPlanText(plan: MemoryPlan): string {
  const figures = `inputs estimated at ${sizeText(plan.estimated_memory_bytes)} in memory, budget ${sizeText(plan.memory_budget_bytes)}`;
  return plan.mode === 'in-memory' ? `memory: in memory (${figures})` : `memory: streaming (${figures})`;
}

/** What the steps of a streaming run may declare at once (MB): the budget less the process before any data. */
export function streamingStepBudgetMb(plan: MemoryPlan): number {
  return Math.max(0, Math.floor((plan.memory_budget_bytes - BASE_PROCESS_BYTES) / 1e6));
}

/** The model family the streaming path trains (training's STREAMING_FAMILY). */
const STREAMING_FAMILY = 'logistic_regression';

/**
 * What a run the budget says must stream asks for that the streaming path does not do, or an
 * empty list: it reads every input format in batches, trains the linear family by passes over batches with the
 * configured parameters, and does not prove inference (that needs the benchmark in memory).
 */
export function streamingGaps(config: PipelineConfig): string[] {
  const gaps: string[] = [];
  if (config.model.family !== STREAMING_FAMILY) gaps.push(`the model family "${config.model.family}" (streaming trains ${STREAMING_FAMILY} only)`);
  if (config.search !== undefined) gaps.push('a hyperparameter search (set model.params instead)');
  if (config.baselineModel !== undefined) gaps.push('a supplied baseline model (the baseline is trained from the base data)');
  if (config.proof.enabled && config.proof.inference === true) gaps.push('proof.inference true (a streaming run records inference as not proven; use "auto" or false)');
  return gaps;
}

/**
 * Stops, before anything is read, a run the budget says must stream when it asks for something
 * the streaming path does not do, saying what streaming supports.
 */
export function assertPlanRunnable(plan: MemoryPlan | null, config: PipelineConfig): void {
  if (plan === null || plan.mode === 'in-memory') return;
  const gaps = streamingGaps(config);
  if (gaps.length === 0) return;
  throw new OrchestratorError(
    'HOKUSAI_STREAMING_UNAVAILABLE',
    `The inputs are estimated at ${sizeText(plan.estimated_memory_bytes)} in memory, over resources.memory (${sizeText(plan.memory_budget_bytes)}), so the run must stream, and streaming does not support ${gaps.join('; ')}. ` +
      `Streaming runs train ${STREAMING_FAMILY} by passes over batches with model.params, and integrate with the default rules. Change the config, or raise resources.memory to at least ${sizeText(plan.estimated_memory_bytes)} on a machine that has it.`,
  );
}

/** Executors that run each step in this process, where a streaming run's work folder is. */
const IN_PROCESS_EXECUTORS: ReadonlySet<string> = new Set(['local', 'local-store']);

/**
 * Stops, before anything is read or queued, a run the budget says must stream when its steps
 * would go to queued workers: a streaming run hands batch files in this machine's work folder
 * from step to step, and a worker rebuilds the in-memory flow, which would read whole tables.
 */
export function assertStreamingExecutor(plan: MemoryPlan | null, executorName: string | undefined): void {
  if (plan?.mode !== 'streaming' || executorName === undefined || IN_PROCESS_EXECUTORS.has(executorName)) return;
  throw new OrchestratorError(
    'HOKUSAI_STREAMING_UNAVAILABLE',
    `The inputs are estimated at ${sizeText(plan.estimated_memory_bytes)} in memory, over resources.memory (${sizeText(plan.memory_budget_bytes)}), so the run must stream, and a streaming run runs its steps in the process that starts it; the "${executorName}" executor sends them to queued workers. ` +
      `Run it without a queue (hokusai run without --redis; a server without Redis), or raise resources.memory to at least ${sizeText(plan.estimated_memory_bytes)} on workers that have it.`,
  );
}
