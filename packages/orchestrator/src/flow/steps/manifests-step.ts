import type { DatasetManifest } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import type { DatasetRole, LoadOutput } from './load-step.js';

export type ManifestsOutput = Record<DatasetRole, DatasetManifest>;

export const DATASET_ROLES: readonly DatasetRole[] = ['base', 'contributed', 'benchmark'];

/**
 * The inputs' manifests (content hash, distinct counts), recorded once each loader thread has
 * finished one. The loads hand their tables on before that, so this step runs beside
 * `integrate`; the steps that attest or record a manifest (delta, attest) read it from here.
 * One step for the three, so waiting for them takes one slot of the concurrency limit.
 */
export function manifestsStep(flow: FlowContext, reads: Record<DatasetRole, Step<LoadOutput>>): Step<ManifestsOutput> {
  return defineStep({
    name: 'manifests',
    reads,
    // The work and its memory are on the loader threads, counted with the loads.
    memoryMb: 0,
    run: async (): Promise<ManifestsOutput> => {
      const [base, contributed, benchmark] = await Promise.all([flow.datasets.manifest(flow.config.base), flow.datasets.manifest(flow.config.contributed), flow.datasets.manifest(flow.config.benchmark)]);
      return { base, contributed, benchmark };
    },
  });
}
