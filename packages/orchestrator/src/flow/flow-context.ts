import type { HokusaiHooks } from './hokusai-hooks.js';
import type { PipelineConfig } from './config.js';
import type { DatasetCache } from './dataset-cache.js';

/** What every step of the Hokusai flow shares: the config, the hooks and the in-process dataset cache. */
export interface FlowContext {
  readonly config: PipelineConfig;
  readonly hooks: HokusaiHooks;
  readonly datasets: DatasetCache;
  readonly pipelineVersion: string;
  /** Renders report.html from report.json; the CLI supplies it. */
  readonly renderReport?: (report: unknown) => string;
}
