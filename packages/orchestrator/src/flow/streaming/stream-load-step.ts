import { join } from 'node:path';
import { checkTargetOverBatches, loadDatasetInBatches, type BatchedSource } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { DatasetRole } from '../steps/load-step.js';
import { streamFolder } from './stream-folder.js';

/** Rows per batch file: about 50 MB of columns at 20 numeric features, so a few batches fit any budget. */
export const STREAM_BATCH_ROWS = 262_144;

export interface StreamLoadOutput {
  role: DatasetRole;
  rowCount: number;
  /** The input as Arrow IPC batch files in the run's work folder. */
  source: BatchedSource;
}

/** Loads one input as batch files in the run's work folder (one batch in memory at a time) and checks its target. */
export function streamLoadStep(role: DatasetRole, flow: FlowContext): Step<StreamLoadOutput> {
  return defineStep({
    name: `load_${role}`,
    reads: {},
    // One chunk of records and its parsed batch (batches of 262,144 rows of ~20 columns).
    memoryMb: 250,
    run: async (ctx): Promise<StreamLoadOutput> => {
      const batchRows = flow.streamBatchRows ?? STREAM_BATCH_ROWS;
      ctx.emit({ type: 'progress', unit: 'rows', done: 0, total: 0, message: `streaming: loading ${role} in batches of ${batchRows} rows` });
      const { read: _read, ...source } = await loadDatasetInBatches(flow.config[role], { dir: join(streamFolder(flow), 'inputs', role), batchRows });
      await checkTargetOverBatches(source, flow.config.target, flow.config.task);
      ctx.emit({ type: 'progress', unit: 'rows', done: source.row_count, total: source.row_count, message: `streaming: ${role} in ${source.batches.length} batch file(s)` });
      return { role, rowCount: source.row_count, source };
    },
  });
}
