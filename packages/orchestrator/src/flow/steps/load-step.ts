import { compileSchemas } from '@hokusai/attestation';
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
      const loading = flow.datasets.load(flow.config[role], (p) => ctx.emit({ type: 'progress', unit: p.unit, done: p.done, total: p.total }));
      // This thread now waits for the loader threads: the attestation's JSON Schemas are compiled
      // meanwhile (once a process), instead of in the run's last steps, which validate what they
      // write. After the other steps that start now have started their loads; a failure here is
      // left to the validation that would meet it anyway.
      setImmediate(() => {
        try {
          compileSchemas();
        } catch {
          // reported where the schemas are used
        }
      });
      const dataset = await loading;
      checkTarget(dataset, flow.config.target, flow.config.task);
      const rowCount = dataset.table.numRows;
      ctx.emit({ type: 'progress', unit: 'rows', done: rowCount, total: rowCount });
      return { role, rowCount };
    },
  });
}
