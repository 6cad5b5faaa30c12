import type { HokusaiHooks } from './hokusai-hooks.js';
import type { PipelineConfig } from './config.js';
import type { DatasetCache } from './dataset-cache.js';
import type { MemoryPlan } from './memory-plan.js';
import type { EarlyTrainings } from './early-trainings.js';
import type { EarlyCommitments } from './early-commitments.js';

/** What every step of the Hokusai flow shares: the config, the hooks and the in-process dataset cache. */
export interface FlowContext {
  readonly config: PipelineConfig;
  readonly hooks: HokusaiHooks;
  readonly datasets: DatasetCache;
  readonly pipelineVersion: string;
  /** Renders report.html from report.json; the CLI supplies it. */
  readonly renderReport?: (report: unknown) => string;
  /** The run's memory plan (null or absent: no budget); a streaming plan makes the flow stream. */
  readonly plan?: MemoryPlan | null;
  /** The run's work folder: batch files and partitions of a streaming run, removed when the run has finished. */
  readonly workDir?: string;
  /** Rows per batch file of a streaming run (default STREAM_BATCH_ROWS). */
  readonly streamBatchRows?: number;
  /** Set for a run in one process: integrate may start the models' training early (see EarlyTrainings). */
  readonly earlyTrainings?: EarlyTrainings;
  /** Set for a run in one process: evaluate starts the attestation's commitments (see EarlyCommitments). */
  readonly earlyCommitments?: EarlyCommitments;
}
