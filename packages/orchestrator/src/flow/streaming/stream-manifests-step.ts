import { join } from 'node:path';
import { manifestOverBatchesInWorker, type DatasetManifest } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { DatasetRole } from '../steps/load-step.js';
import type { ManifestsOutput } from '../steps/manifests-step.js';
import type { StreamLoadOutput } from './stream-load-step.js';
import { streamFolder } from './stream-folder.js';

/** Rows per disk partition the manifests aim at: one partition in memory holds about this many. */
const ROWS_PER_PARTITION = 131_072;

/** 2^bits partitions of at most about ROWS_PER_PARTITION rows each (64 to 4,096). */
export function partitionBitsFor(rows: number): number {
  return Math.min(12, Math.max(6, Math.ceil(Math.log2(Math.max(1, rows / ROWS_PER_PARTITION)))));
}

/**
 * The inputs' manifests built over their batches (content hash and distinct counts over disk
 * partitions) on a worker thread, beside integrate on the main one: the in-memory manifests,
 * figure for figure.
 */
export function streamManifestsStep(flow: FlowContext, reads: Record<DatasetRole, Step<StreamLoadOutput>>): Step<ManifestsOutput> {
  return defineStep({
    name: 'manifests',
    reads,
    // One disk partition of rows or of one column's values at a time.
    memoryMb: 350,
    run: async (ctx): Promise<ManifestsOutput> => {
      const manifestOf = (role: DatasetRole): Promise<DatasetManifest> => {
        const { source } = ctx.inputs[role];
        return manifestOverBatchesInWorker(source.batches, { source_path: source.path, format: source.format, file_sha256: source.file_sha256 }, { dir: join(streamFolder(flow), 'manifests', role), partitionBits: partitionBitsFor(source.row_count) });
      };
      // One input at a time: each holds one partition in memory.
      const base = await manifestOf('base');
      const contributed = await manifestOf('contributed');
      const benchmark = await manifestOf('benchmark');
      return { base, contributed, benchmark };
    },
  });
}
