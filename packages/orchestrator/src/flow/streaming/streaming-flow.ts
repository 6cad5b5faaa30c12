import type { HokusaiFlow } from '../hokusai-flow.js';
import { HOKUSAI_FLOW_NAME } from '../hokusai-flow.js';
import type { FlowContext } from '../flow-context.js';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { SearchOutput } from '../steps/search-step.js';
import { attestStep } from '../steps/attest-step.js';
import { deltaStep } from '../steps/delta-step.js';
import { reportStep } from '../steps/report-step.js';
import { streamEvaluateStep } from './stream-evaluate-step.js';
import { streamIntegrateStep } from './stream-integrate-step.js';
import { streamLoadStep } from './stream-load-step.js';
import { streamManifestsStep } from './stream-manifests-step.js';
import { streamTrainStep } from './stream-train-step.js';
import { readBatchFiles } from '@hokusai/data-integration';
import { OrchestratorError } from '../../errors.js';

/**
 * The flow of a run whose inputs exceed its memory budget: each input loaded as batch files in the
 * run's work folder → integrate over batches and disk partitions, and beside it the inputs'
 * manifests → train baseline and new by passes over batches → score both batch by batch → delta →
 * attest → report, the last three as in memory. Step names are the in-memory flow's, so progress,
 * tracking and the report read the same.
 */
export function streamingFlow(flow: FlowContext): HokusaiFlow {
  const benchmark = streamLoadStep('benchmark', flow);
  const base = streamLoadStep('base', flow);
  const contributed = streamLoadStep('contributed', flow);
  const integrate = streamIntegrateStep(flow, { base, contributed, benchmark });
  const manifests = streamManifestsStep(flow, { base, contributed, benchmark });
  const baseline = streamTrainStep('baseline', flow, { integrate });
  const candidate = streamTrainStep('new', flow, { integrate });
  const evaluation = streamEvaluateStep(flow, { integrate, baseline, candidate });
  const delta = deltaStep(flow, { evaluation, manifests, baseline, candidate });
  const search = configuredParamsStep(flow);
  const attest = attestStep(flow, { manifests, integrate, search, baseline, candidate, evaluation, delta });
  const report = reportStep(flow, { integrate, evaluation, delta, attest });
  return {
    name: HOKUSAI_FLOW_NAME,
    steps: [benchmark, base, contributed, integrate, manifests, search, baseline, candidate, evaluation, delta, attest, report],
    results: { manifests, evaluate: evaluation, delta, attest, report },
    tracked: { manifests, trainings: [baseline, candidate], trials: [] },
    benchmarkHead: async (result, rows) => {
      // The first batch file holds the first rows (a batch has far more rows than an example).
      for await (const batch of readBatchFiles(result.output(integrate).batches.benchmark)()) return batch.slice(0, rows);
      throw new OrchestratorError('HOKUSAI_FLOW_INVALID', 'The treated benchmark has no batch files.');
    },
  };
}

/** The `search` step of a run without a search (streaming has none): the configured parameters, as the in-memory step gives them. */
function configuredParamsStep(flow: FlowContext): Step<SearchOutput> {
  return defineStep({ name: 'search', reads: {}, run: async (): Promise<SearchOutput> => ({ params: flow.config.model.params, searched: false }) });
}
