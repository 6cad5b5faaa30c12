import type { Table } from 'apache-arrow';
import { fullCollection } from '@hokusai/core';
import { integrateContributionOnThreads, type IntegrationInput, type IntegrationResult } from '@hokusai/data-integration';
import type { PipelineConfig } from '../config.js';
import { planFeatures, warmTrainThreads, type FeaturePlan } from '@hokusai/training';
import { defineStep, type Step } from '../../engine/step-ref.js';
import type { LoadOutput } from './load-step.js';
import type { FlowContext } from '../flow-context.js';
import { excludedColumns, searchTrainOptions } from './search-step.js';
import { trainOptionsOf, trainsEarly, trainsOnThread } from './train-step.js';
import { profileColumns, type ColumnProfile } from '../data-profile/column-profile.js';

/** Base rows from which integrate takes long enough (over a second here) to hide thread start-up. */
const WARM_THREADS_MIN_ROWS = 300_000;

/**
 * The `unit` of the progress event that carries the feature plan (its JSON in `message`), so a
 * listener on any machine can show the plan before training starts.
 */
export const FEATURE_PLAN_EVENT_UNIT = 'feature plan';

export type IntegrateOutput = Omit<IntegrationResult, 'contributed' | 'manifests'> & {
  /** What the new model's training does with every column (absent in runs stored before plans existed). */
  featurePlan?: FeaturePlan;
  /** Per feature column, base vs contributed vs benchmark (absent in runs stored before it was kept). */
  columnProfiles?: ColumnProfile[];
};

/**
 * The run's integration rules, the same in memory and over batches: target, PII treatment,
 * quality gate, benchmark checks, seed, and the columns no later step reads.
 */
export function integrationRules(config: PipelineConfig): Pick<IntegrationInput, 'target' | 'pii' | 'quality' | 'benchmarkChecks' | 'seed' | 'omit'> {
  return {
    target: config.target,
    pii: { mode: config.pii.mode, ...(config.pii.key === undefined ? {} : { key: config.pii.key }) },
    quality: { threshold: config.quality.threshold },
    benchmarkChecks: config.benchmarkChecks,
    seed: config.seed,
    // No later step reads a PII or excluded column (never features, never strata): leaving
    // them out of the stored tables spares hashing them and halves the run store at 1M rows.
    omit: { columns: config.exclude, pii: true },
  };
}

/** PII treatment, quality gate, dedup, contamination removal and merge, in the data package. */
export function integrateStep(flow: FlowContext, loads: { base: Step<LoadOutput>; contributed: Step<LoadOutput>; benchmark: Step<LoadOutput> }): Step<IntegrateOutput> {
  return defineStep({
    name: 'integrate',
    // Runs after the loads (each checks its input's target); the tables come from the dataset cache.
    reads: { base: loads.base, contributed: loads.contributed, benchmark: loads.benchmark },
    // About 1.4 GB at 1M rows per input (measured), so it runs alone on a small machine's budget.
    memoryMb: 1400,
    run: async (ctx): Promise<IntegrateOutput> => {
      const { config } = flow;
      const [base, contributed, benchmark] = await Promise.all([
        flow.datasets.load(config.base),
        flow.datasets.load(config.contributed),
        flow.datasets.load(config.benchmark),
      ]);
      // Large inputs: the models' training threads start now, while this step runs. On small ones
      // this step is too short to hide their start-up, which then only competes with it for cores.
      const rows = { baseline: base.table.numRows, new: base.table.numRows + contributed.table.numRows };
      if (rows.baseline >= WARM_THREADS_MIN_ROWS) {
        warmTrainThreads((config.baselineModel === undefined && trainsOnThread(rows.baseline) ? 1 : 0) + (trainsOnThread(rows.new) ? 1 : 0));
      }
      const request = await flow.hooks.apply('pre_integration', {
        base,
        contributed,
        benchmark,
        ...integrationRules(config),
      });
      // Each model trains as soon as its table is final (the train steps take the trainings over):
      // the baseline on the treated base while the contribution is cleaned, the new model on the
      // merged table while this step plans features and profiles columns.
      const early = flow.earlyTrainings;
      const startEarly = (role: 'baseline' | 'new', table: Table, piiColumns: readonly string[]): void => {
        if (early !== undefined && trainsEarly(flow, table.numRows)) early.start(role, table, trainOptionsOf(role, config, config.model.params, excludedColumns({ piiColumns: [...piiColumns] }, flow)));
      };
      let integrated;
      try {
        integrated = await integrateContributionOnThreads(request, { onBase: (table, piiColumns) => startEarly('baseline', table, piiColumns) });
      } catch (error) {
        early?.cancel();
        throw error;
      }
      startEarly('new', integrated.merged, integrated.piiColumns);
      const result = await flow.hooks.apply('post_integration', integrated);
      // The raw tables (PII included) have no later reader: let them go before training.
      flow.datasets.clear();
      // Collected now, before the new model's training, the staging and the column profiles
      // allocate beside them: integrate's hashes and indexes and the raw tables are garbage, and V8
      // would free them only when its heap next fills (wide1m: 13 ms; peak RSS 750 → 690 MB).
      fullCollection();
      // Downstream needs neither the contributed table alone nor the manifests of the treated
      // tables (their content hashes depend on the PII key); leaving them out keeps the stored
      // output small and spares building those manifests.
      const { contributed: _contributed, manifests: _manifests, ...rest } = result;
      // The tables are final: stored while the features are planned and the columns profiled.
      ctx.stage?.({ base: rest.base, merged: rest.merged, benchmark: rest.benchmark });
      // Planned on the merged rows the new model trains on, with the options training will get,
      // so a column training would refuse fails here, before any search or training.
      const featurePlan = planFeatures(result.merged, searchTrainOptions(result, flow), { pii: result.piiColumns, configExclude: config.exclude });
      ctx.emit({ type: 'progress', unit: FEATURE_PLAN_EVENT_UNIT, done: 1, total: 1, message: JSON.stringify(featurePlan) });
      // Profiled from the treated tables (the contributed one exists only here), PII columns left
      // out, and the columns the plan leaves out of the model (identifiers among them: counting a
      // million distinct ids per table as categories took seconds and says nothing about drift).
      const notFeatures = featurePlan.columns.filter((c) => c.role === 'excluded').map((c) => c.name);
      const columnProfiles = profileColumns(
        { base: result.base, contributed: result.contributed, benchmark: result.benchmark },
        { target: config.target, leaveOut: [...result.piiColumns, ...config.exclude, ...notFeatures], withholdValues: result.report.pii.free_text_columns },
      );
      return { ...rest, featurePlan, columnProfiles };
    },
  });
}
