import { checkTarget } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';

export type DatasetRole = 'base' | 'contributed' | 'benchmark';

export interface LoadOutput {
  role: DatasetRole;
  rowCount: number;
}

/**
 * Loads one input and checks its target column. It finishes as soon as the table is parsed:
 * the input's manifest is finished on its loader thread and recorded by the `manifests` step.
 */
export function loadStep(role: DatasetRole, flow: FlowContext): Step<LoadOutput> {
  return defineStep({
    name: `load_${role}`,
    reads: {},
    memoryMb: 400,
    run: async (ctx): Promise<LoadOutput> => {
      const dataset = await flow.datasets.load(flow.config[role], (p) => ctx.emit({ type: 'progress', unit: p.unit, done: p.done, total: p.total }));
      checkTarget(dataset, flow.config.target, flow.config.task);
      const rowCount = dataset.table.numRows;
      ctx.emit({ type: 'progress', unit: 'rows', done: rowCount, total: rowCount });
      return { role, rowCount };
    },
  });
}
