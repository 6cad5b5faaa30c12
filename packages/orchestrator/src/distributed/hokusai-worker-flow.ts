import { z } from 'zod';
import { OrchestratorError } from '../errors.js';
import { hokusaiHooks, type HokusaiHooks } from '../flow/hokusai-hooks.js';
import type { RunRecord } from '../engine/run-store.js';
import { DatasetCache } from '../flow/dataset-cache.js';
import { hokusaiFlow } from '../flow/hokusai-flow.js';
import { planMemory } from '../flow/memory-plan.js';
import { pipelineVersion } from '../flow/package-versions.js';
import { parseConfig } from '../flow/run-pipeline.js';
import type { ResolvedFlow } from './flow-registry.js';
import { piiKeyFromEnv, sizeText } from '@hokusai/core';

export interface HokusaiWorkerOptions {
  /** The hooks the producer registered; a run recorded with hooks needs the same ones here. */
  hooks?: HokusaiHooks;
  /** The report.html renderer the producer uses, so the report step gives the same output. */
  renderReport?: (report: unknown) => string;
}

/**
 * Rebuilds the Hokusai flow of a run on a worker from the config stored with the run. The PII
 * key is never stored: a worker reads it from HOKUSAI_PII_KEY, as `resume` does. A run whose
 * memory plan streams is refused (HOKUSAI_STREAMING_UNAVAILABLE): its steps pass batch files in
 * the starting machine's work folder, and the in-memory flow would read whole tables here.
 */
export async function hokusaiWorkerFlow(params: unknown, run: RunRecord, options: HokusaiWorkerOptions = {}): Promise<ResolvedFlow> {
  const stored = z.object({ config: z.unknown() }).safeParse(params);
  if (!stored.success) {
    throw new OrchestratorError('HOKUSAI_RUN_PARAMS_INVALID', `Run ${run.runId} does not hold a stored Hokusai config in its params; it was not started by runPipeline.`);
  }
  const parsed = parseConfig(stored.data.config, `stored config of run ${run.runId}`);
  const plan = await planMemory(parsed);
  if (plan?.mode === 'streaming') {
    throw new OrchestratorError(
      'HOKUSAI_STREAMING_UNAVAILABLE',
      `Run ${run.runId} streams (its inputs are estimated at ${sizeText(plan.estimated_memory_bytes)} in memory, over resources.memory ${sizeText(plan.memory_budget_bytes)}): its steps run in the process that started it, not on queued workers.`,
    );
  }
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
