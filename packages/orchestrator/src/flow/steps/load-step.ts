import { checkTarget, type DatasetManifest } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';

export type DatasetRole = 'base' | 'contributed' | 'benchmark';

export interface LoadOutput {
  role: DatasetRole;
  manifest: DatasetManifest;
}

/** Loads one input and checks its target column; only the manifest is kept. */
export function loadStep(role: DatasetRole, flow: FlowContext): Step<LoadOutput> {
  return defineStep({
    name: `load_${role}`,
    reads: {},
    memoryMb: 400,
    run: async (ctx): Promise<LoadOutput> => {
      const dataset = await flow.datasets.load(flow.config[role], (p) => ctx.emit({ type: 'progress', unit: p.unit, done: p.done, total: p.total }));
      checkTarget(dataset, flow.config.target, flow.config.task);
      ctx.emit({ type: 'progress', unit: 'rows', done: dataset.manifest.row_count, total: dataset.manifest.row_count });
      return { role, manifest: dataset.manifest };
    },
  });
}
