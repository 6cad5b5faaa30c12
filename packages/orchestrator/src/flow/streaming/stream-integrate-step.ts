import { join } from 'node:path';
import { integrateOverBatches, type BatchedIntegrationResult } from '@hokusai/data-integration';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { FlowContext } from '../flow-context.js';
import { integrationRules, type IntegrateOutput } from '../steps/integrate-step.js';
import type { StreamLoadOutput } from './stream-load-step.js';
import { streamFolder } from './stream-folder.js';

/**
 * What a streaming integrate hands on: the report and PII columns as in memory, and the treated
 * tables as batch files instead of tables. No feature plan or column profiles: both read whole tables.
 */
export type StreamIntegrateOutput = Pick<IntegrateOutput, 'report' | 'piiColumns' | 'featurePlan' | 'columnProfiles'> & Pick<BatchedIntegrationResult, 'batches' | 'rows'>;

/** PII treatment, quality gate, dedup, contamination removal and merge over batches and disk partitions, with the in-memory path's report. */
export function streamIntegrateStep(flow: FlowContext, loads: { base: Step<StreamLoadOutput>; contributed: Step<StreamLoadOutput>; benchmark: Step<StreamLoadOutput> }): Step<StreamIntegrateOutput> {
  return defineStep({
    name: 'integrate',
    reads: loads,
    // A few batches (aligned, treated) and one disk partition of the three inputs at a time.
    memoryMb: 450,
    run: async (ctx): Promise<StreamIntegrateOutput> => {
      const { config } = flow;
      const result = await integrateOverBatches({
        base: ctx.inputs.base.source,
        contributed: ctx.inputs.contributed.source,
        benchmark: ctx.inputs.benchmark.source,
        ...integrationRules(config),
        dir: join(streamFolder(flow), 'integrate'),
        onPhase: (phase) => ctx.emit({ type: 'progress', unit: 'phases', message: `streaming: ${phase}` }),
      });
      return { report: result.report, piiColumns: result.piiColumns, batches: result.batches, rows: result.rows };
    },
  });
}
