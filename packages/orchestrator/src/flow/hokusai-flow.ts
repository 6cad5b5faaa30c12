import { laterRungCount } from '@hokusai/training/search';
import type { DeltaReport } from '@hokusai/evaluation';
import type { FlowDefinition } from '../engine/step.js';
import type { FlowResult } from '../engine/run-flow.js';
import type { Table } from 'apache-arrow';
import type { Step } from '../engine/step-ref.js';
import type { FlowContext } from './flow-context.js';
import type { TrackedSteps } from './pipeline-tracking.js';
import { attestStep, type AttestOutput } from './steps/attest-step.js';
import { deltaStep } from './steps/delta-step.js';
import { evaluateStep, type EvaluateOutput } from './steps/evaluate-step.js';
import { integrateStep } from './steps/integrate-step.js';
import { loadStep } from './steps/load-step.js';
import { manifestsStep, type ManifestsOutput } from './steps/manifests-step.js';
import { reportStep, type ReportOutput } from './steps/report-step.js';
import { searchPlanStep } from './steps/search-plan-step.js';
import { searchRungStep } from './steps/search-rung-step.js';
import { searchStep } from './steps/search-step.js';
import { searchTrialStep, type SearchTrialOutput } from './steps/search-trial-step.js';
import { trainStep } from './steps/train-step.js';
import { streamingFlow } from './streaming/streaming-flow.js';

export const HOKUSAI_FLOW_NAME = 'hokusai';

/**
 * start → load each input (in parallel) → integrate, and beside it the inputs' manifests → search plan → search trials (a foreach, one item per
 * trial; none without a search) → for each later halving rung: its plan → its trials → search (the join) → train baseline and new (in parallel)
 * → evaluate both → delta → attest (and prove) → report. Each step is a thin call into its
 * package; the output folder is written after the last step.
 */
export interface HokusaiFlow extends FlowDefinition {
  /** The steps whose outputs the pipeline reads from the flow's result. */
  readonly results: {
    readonly manifests: Step<ManifestsOutput>;
    readonly evaluate: Step<EvaluateOutput>;
    readonly delta: Step<DeltaReport>;
    readonly attest: Step<AttestOutput>;
    readonly report: Step<ReportOutput>;
  };
  /** The steps whose outputs the run's tracking reads. */
  readonly tracked: TrackedSteps;
  /**
   * The first `rows` rows of the treated benchmark (PII columns left out, PII in free text
   * treated), as the models read it: the input example of the logged MLflow models.
   */
  readonly benchmarkHead: (result: FlowResult, rows: number) => Promise<Table>;
}

export function hokusaiFlow(flow: FlowContext): HokusaiFlow {
  // Inputs over the memory budget: the streaming path (batches and disk partitions).
  if (flow.plan?.mode === 'streaming') return streamingFlow(flow);
  // Successive halving: each later rung is planned from the one before and fans out in turn.
  const search = flow.config.search;
  const laterRungs = search?.strategy === 'halving' ? laterRungCount(search, flow.config.seed) : 0;
  // The benchmark is usually the smallest input: loaded first, it frees its slot of the
  // concurrency limit soon, so the two large loads overlap for longer.
  const benchmark = loadStep('benchmark', flow);
  const base = loadStep('base', flow);
  const contributed = loadStep('contributed', flow);
  const integrate = integrateStep(flow, { base, contributed, benchmark });
  const manifests = manifestsStep(flow, { base, contributed, benchmark });
  const plan = searchPlanStep(flow, integrate);
  const firstWave = searchTrialStep(flow, 0, { integrate, plan });
  const rungSteps: Step<unknown>[] = [];
  const later: Step<SearchTrialOutput[]>[] = [];
  let previous = firstWave;
  for (let rung = 1; rung <= laterRungs; rung++) {
    const rungPlan = searchRungStep(flow, rung, { integrate, previous });
    previous = searchTrialStep(flow, rung, { integrate, plan: rungPlan });
    rungSteps.push(rungPlan, previous);
    later.push(previous);
  }
  const searched = searchStep(flow, { integrate, plan, firstWave, later });
  const baseline = trainStep('baseline', flow, { integrate, search: searched });
  const candidate = trainStep('new', flow, { integrate, search: searched });
  const evaluation = evaluateStep(flow, { integrate, baseline, candidate });
  const delta = deltaStep(flow, { evaluation, manifests, baseline, candidate });
  const attest = attestStep(flow, { manifests, integrate, search: searched, baseline, candidate, evaluation, delta });
  const report = reportStep(flow, { integrate, evaluation, delta, attest });
  return {
    name: HOKUSAI_FLOW_NAME,
    // manifests after integrate in this list, so integrate takes a free slot first; it runs beside it.
    steps: [benchmark, base, contributed, integrate, manifests, plan, firstWave, ...rungSteps, searched, baseline, candidate, evaluation, delta, attest, report],
    results: { manifests, evaluate: evaluation, delta, attest, report },
    tracked: { manifests, trainings: [baseline, candidate], trials: [firstWave, ...later] },
    benchmarkHead: async (result, rows) => result.output(integrate).benchmark.slice(0, rows),
  };
}
