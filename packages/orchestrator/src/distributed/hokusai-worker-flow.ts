import { z } from 'zod';
import { OrchestratorError } from '../errors.js';
import { hokusaiHooks, type HokusaiHooks } from '../flow/hokusai-hooks.js';
import type { RunRecord } from '../engine/run-store.js';
import { DatasetCache } from '../flow/dataset-cache.js';
import { hokusaiFlow } from '../flow/hokusai-flow.js';
import { pipelineVersion } from '../flow/package-versions.js';
import { parseConfig } from '../flow/run-pipeline.js';
import type { ResolvedFlow } from './flow-registry.js';
import { piiKeyFromEnv } from '@hokusai/core';

export interface HokusaiWorkerOptions {
  /** The hooks the producer registered; a run recorded with hooks needs the same ones here. */
  hooks?: HokusaiHooks;
  /** The report.html renderer the producer uses, so the report step gives the same output. */
  renderReport?: (report: unknown) => string;
}

/**
 * Rebuilds the Hokusai flow of a run on a worker from the config stored with the run. The PII
 * key is never stored: a worker reads it from HOKUSAI_PII_KEY, as `resume` does.
 */
export function hokusaiWorkerFlow(params: unknown, run: RunRecord, options: HokusaiWorkerOptions = {}): ResolvedFlow {
  const stored = z.object({ config: z.unknown() }).safeParse(params);
  if (!stored.success) {
    throw new OrchestratorError('HOKUSAI_RUN_PARAMS_INVALID', `Run ${run.runId} does not hold a stored Hokusai config in its params; it was not started by runPipeline.`);
  }
  const parsed = parseConfig(stored.data.config, `stored config of run ${run.runId}`);
  const key = parsed.pii.key ?? piiKeyFromEnv();
  const config = key === undefined ? parsed : { ...parsed, pii: { ...parsed.pii, key } };
  const hooks = options.hooks ?? hokusaiHooks();
  const flow = hokusaiFlow({
    config,
    hooks,
    datasets: new DatasetCache(),
    pipelineVersion: pipelineVersion(),
    ...(options.renderReport === undefined ? {} : { renderReport: options.renderReport }),
  });
  return { flow, hooks: hooks.identities() };
}
