import { laterRungCount } from '@hokusai/training';
import type { FlowDefinition } from '../engine/step.js';
import type { FlowContext } from './flow-context.js';
import { attestStep } from './steps/attest-step.js';
import { deltaStep } from './steps/delta-step.js';
import { evaluateStep } from './steps/evaluate-step.js';
import { integrateStep } from './steps/integrate-step.js';
import { loadStep } from './steps/load-step.js';
import { manifestsStep } from './steps/manifests-step.js';
import { reportStep } from './steps/report-step.js';
import { searchPlanStep } from './steps/search-plan-step.js';
import { searchRungStep } from './steps/search-rung-step.js';
import { searchStep } from './steps/search-step.js';
import { searchTrialStep } from './steps/search-trial-step.js';
import { trainStep } from './steps/train-step.js';

export const HOKUSAI_FLOW_NAME = 'hokusai';

/**
 * start → load each input (in parallel) → integrate, and beside it the inputs' manifests → search plan → search trials (a foreach, one item per
 * trial; none without a search) → for each later halving rung: its plan → its trials → search (the join) → train baseline and new (in parallel)
 * → evaluate both → delta → attest (and prove) → report. Each step is a thin call into its
 * package; the output folder is written after the last step.
 */
export function hokusaiFlow(flow: FlowContext): FlowDefinition {
  // Successive halving: each later rung is planned from the one before and fans out in turn.
  const search = flow.config.search;
  const laterRungs = search?.strategy === 'halving' ? laterRungCount(search, flow.config.seed) : 0;
  const rungSteps = Array.from({ length: laterRungs }, (_, r) => [searchRungStep(flow, r + 1), searchTrialStep(flow, r + 1)]).flat();
  return {
    name: HOKUSAI_FLOW_NAME,
    steps: [
      // The benchmark is usually the smallest input: loaded first, it frees its slot of the
      // concurrency limit soon, so the two large loads overlap for longer.
      loadStep('benchmark', flow),
      loadStep('base', flow),
      loadStep('contributed', flow),
      integrateStep(flow),
      // After integrate in this list, so integrate takes a free slot first; it runs beside it.
      manifestsStep(flow),
      searchPlanStep(flow),
      searchTrialStep(flow),
      ...rungSteps,
      searchStep(flow, laterRungs),
      trainStep('baseline', flow),
      trainStep('new', flow),
      evaluateStep(flow),
      deltaStep(flow),
      attestStep(flow),
      reportStep(flow),
    ],
  };
}
