import { z } from 'zod';
import { MIN_PII_KEY_LENGTH } from '@hokusai/core';
import { DeltaOptionsSchema } from '@hokusai/evaluation';
import { MEMORY_SIZE_PATTERN } from './memory-size.js';
import { SearchOptionsSchema } from '@hokusai/training/search';

const deltaOptions = DeltaOptionsSchema.shape;
const searchOptions = SearchOptionsSchema.shape;

/**
 * The resolved configuration of one pipeline run. The CLI fills it from defaults, a config
 * file, the environment and flags; the orchestrator trusts nothing else.
 */
export const PipelineConfigSchema = z
  .object({
    base: z.string().min(1).describe('base data file (CSV, JSON, JSONL or Parquet)'),
    contributed: z.string().min(1).describe('contributed data file'),
    benchmark: z.string().min(1).describe('benchmark data file'),
    benchmarkId: z
      .string()
      .regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+$/, 'use id@version, as registered with `hokusai benchmark register`')
      .optional()
      .describe('registered benchmark this run scores against; refused when its content changed'),
    benchmarkRegistry: z.string().optional().describe('benchmark registry file (default .hokusai/benchmarks.json)'),
    target: z.string().min(1).describe('name of the label column'),
    out: z.string().min(1).describe('output folder'),
    seed: z.number().int().nonnegative().default(42),
    task: z.enum(['binary']).default('binary'),
    model: z
      .object({
        family: z.string().default('logistic_regression'),
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .default({ family: 'logistic_regression', params: {} }),
    // Each option keeps the rule the search in @hokusai/training applies, so a value its planner
    // would refuse after the data is loaded is refused here, naming the key. Defaults stay with
    // the search (not filled in here) so the attested config keeps the bytes it was written with.
    search: z
      .object({
        strategy: searchOptions.strategy,
        space: searchOptions.space,
        trials: searchOptions.trials,
        eta: searchOptions.eta.unwrap().optional().describe('successive halving: keep the best 1/eta candidates per rung, give them eta times the rows (default 3)'),
        metric: searchOptions.metric.unwrap().optional(),
        validationFraction: searchOptions.validationFraction.unwrap().optional(),
      })
      .strict()
      .optional()
      .describe('hyperparameter search on the base data; the best parameters train both models'),
    baselineFeatureColumns: z.array(z.string()).optional().describe('benchmark columns, in order, that a supplied baseline with one [N,F] float input reads'),
    baselineModel: z.string().optional().describe('ONNX file of an existing baseline model; trained from the base data when absent'),
    exclude: z.array(z.string()).default([]).describe('columns never used as features'),
    positiveClass: z.union([z.string(), z.number(), z.boolean()]).optional().describe('binary target: the label that counts as positive; default the later label in sort order (shown in the feature plan)'),
    strata: z.array(z.string()).optional().describe('benchmark columns to break results down by; default: low-cardinality string columns'),
    pii: z
      .object({
        mode: z.enum(['hash', 'redact', 'drop', 'fail']).default('hash'),
        key: z.string().min(MIN_PII_KEY_LENGTH).optional().describe('HMAC key (secret); else HOKUSAI_PII_KEY'),
      })
      .strict()
      .default({ mode: 'hash' }),
    quality: z.object({ threshold: z.number().min(0).max(1).default(0.5) }).strict().default({ threshold: 0.5 }),
    benchmarkChecks: z
      .object({
        allowInBase: z.boolean().default(false).describe('accept a benchmark whose every row is also in the base data (named in the verdict)'),
        allowSingleClass: z.boolean().default(false).describe('accept a benchmark whose labels are one class (named in the verdict)'),
      })
      .strict()
      .default({ allowInBase: false, allowSingleClass: false })
      .describe('a benchmark inside the base or with one class is refused unless allowed here'),
    // Each option keeps the rule computeDelta applies (from @hokusai/evaluation), so a value it
    // would refuse after both models are trained is refused here, naming the key.
    delta: z
      .object({
        primaryMetric: deltaOptions.primaryMetric.unwrap().default('accuracy'),
        thresholdPp: deltaOptions.thresholdPp.unwrap().default(1),
        alpha: deltaOptions.alpha.unwrap().default(0.05),
        minSamples: deltaOptions.minSamples.unwrap().default(100),
        bootstrapResamples: deltaOptions.bootstrapResamples.unwrap().default(1000),
        significanceAgainst: deltaOptions.significanceAgainst
          .unwrap()
          .default('zero')
          .describe("zero: the test gives p < alpha and the interval lies above 0; threshold: the interval's lower end is itself at least thresholdPp"),
      })
      .strict()
      .default({ primaryMetric: 'accuracy', thresholdPp: 1, alpha: 0.05, minSamples: 100, bootstrapResamples: 1000, significanceAgainst: 'zero' }),
    acceptance: z
      .object({
        allowDifferentRecipe: z
          .boolean()
          .default(false)
          .describe('accept a comparison whose baseline was not trained with the same recipe as the new model (a supplied model that records none)'),
      })
      .strict()
      .default({ allowDifferentRecipe: false }),
    proof: z
      .object({
        enabled: z.boolean().default(true),
        circuitN: z.number().int().positive().optional(),
        ptau: z.string().optional().describe('powers-of-tau file; a local insecure one is made when absent'),
        inference: z
          .union([z.literal('auto'), z.boolean()])
          .default('auto')
          .describe("prove each model's label on each benchmark row (inference_proof.json). auto: when the proof is on and both models are linear (logistic_regression); other families are recorded as not proven, with why. true: fail a run whose models cannot be proven. false: do not prove it"),
      })
      .strict()
      .default({ enabled: true, inference: 'auto' }),
    tracking: z
      .object({
        uri: z.string().optional().describe('MLflow tracking URI; else MLFLOW_TRACKING_URI; none: local journal'),
        experiment: z.string().default('hokusai'),
        modelName: z.string().min(1).default('hokusai-model').describe('registered model the new model becomes a version of'),
        registerRejected: z.boolean().default(false).describe('also register the model of a rejected contribution (alias "rejected")'),
      })
      .strict()
      .default({ experiment: 'hokusai', modelName: 'hokusai-model', registerRejected: false }),
    contributor: z
      .object({ id: z.string().optional(), wallet: z.string().optional() })
      .strict()
      .default({}),
    resources: z
      .object({
        memory: z
          .string()
          .regex(MEMORY_SIZE_PATTERN, 'write a number and a unit, such as 2GB, 512MB or 1.5GiB')
          .optional()
          .describe('memory budget of the run (2GB, 512MB, 1.5GiB; KB/MB/GB count in 1000s, KiB/MiB/GiB in 1024s): the in-memory size estimated from the input files decides in memory or streaming, said in the progress output and recorded in the report and the attestation; a run over it streams (any input format, logistic_regression, no search or supplied baseline: batches and disk partitions in the run\'s work folder, same counts, hashes and metrics)'),
      })
      .strict()
      .default({}),
    overwrite: z.boolean().default(false),
    concurrency: z.number().int().positive().default(2),
  })
  .strict();

export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;
