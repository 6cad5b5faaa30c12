import { z } from 'zod';

/**
 * report.json (`hokusai.report/v1`), the one schema of it: the orchestrator checks the document
 * it writes against it, the CLI reads report.json with it (report.html, `hokusai runs`), and tests
 * parse with it. `data` is the IntegrationReport of @hokusai/data-integration. Unknown keys are
 * ignored and the sections added over time are optional, so a report written by an older or a
 * newer version still reads.
 */
const num = z.number();
const nullableNum = z.number().nullable();

const metricDelta = z.object({
  baseline: nullableNum,
  new: nullableNum,
  delta_pp: nullableNum,
  ci: z.tuple([num, num]).nullable(),
  ci_level: num,
  p_value: nullableNum,
  test: z.string(),
  direction: z.enum(['higher', 'lower']),
  improved: z.boolean(),
});

const roc = z.object({ fpr: z.array(num), tpr: z.array(num) }).refine((c) => c.fpr.length === c.tpr.length, 'fpr and tpr differ in length');
const pr = z.object({ precision: z.array(num), recall: z.array(num) }).refine((c) => c.precision.length === c.recall.length, 'precision and recall differ in length');
const calibrationBin = z.object({ lower: num, upper: num, mean_predicted: num, fraction_positive: num, count: num });
const modelCurves = z.object({ roc: roc.nullable(), pr: pr.nullable(), calibration: z.array(calibrationBin) });

const confusion = z.object({ tp: num, fp: num, tn: num, fn: num });
const binaryMetrics = z.object({ n: num, confusion, auroc: nullableNum, average_precision: nullableNum, brier: nullableNum });

const stratum = z.object({
  key: z.string().nullable(),
  n: num,
  positives: num,
  small: z.boolean(),
  metrics: z.record(z.string(), z.object({ baseline: nullableNum, new: nullableNum, absolute_delta: nullableNum, improved: z.boolean() })),
});
const strataColumn = z.object({ column: z.string(), min_stratum_size: num, strata: z.array(stratum) });

const tests = z.object({
  mcnemar: z.object({ b: num, c: num, statistic: nullableNum, p_value: nullableNum, method: z.string() }).nullable().optional(),
  delong: z.object({ z: nullableNum, se: nullableNum, p_value: nullableNum }).nullable().optional(),
  bootstrap: z.object({ resamples: num, seed: num, method: z.string() }).nullable().optional(),
});

const qualityParts = z.record(z.string(), num);
const dataReport = z.object({
  target: z.string(),
  columns: z.array(z.string()),
  dropped_extra_columns: z.array(z.object({ dataset: z.string(), columns: z.array(z.string()) })),
  pii: z.object({
    mode: z.string(),
    key_source: z.string(),
    key_note: z.string(),
    columns: z.array(z.object({ column: z.string(), type: z.string(), reason: z.string(), content_share: num, treatment: z.string() })),
    free_text_columns: z.array(z.string()),
    findings: z.array(z.object({ dataset: z.string(), column: z.string(), type: z.string(), count: num })),
    findings_by_type: z.record(z.string(), num),
    total_findings: num,
  }),
  quality: z.object({
    score: num,
    threshold: nullableNum,
    passed: z.boolean(),
    breakdown: qualityParts,
    weights: qualityParts,
    factors: z.object({ completeness: num, informative_columns: num, single_class: num }).optional(),
    validity_source: z.string(),
    outlier_share: num,
  }),
  dedup: z.object({ strategy: z.string(), keys: z.array(z.string()), keep: z.string(), within_contributed: num, already_in_base: num, already_in_base_normalized: num.optional() }),
  contamination: z.object({ removed: num, exact: num.optional(), normalized: num.optional(), match_rule: z.string(), base_rows_in_benchmark: num, benchmark_rows_in_base: num.optional() }),
  merge: z.object({
    strategy: z.string(),
    updated_base_rows: num,
    sampled: z.object({ max_rows: num, seed: num, rows_before: num, rows_after: num }).nullable(),
  }),
  rows: z.object({ base: num, contributed_input: num, contributed_kept: num, benchmark: num, merged: num, contributed_in_merged: num }),
  contributor_row_share: num,
  warnings: z.array(z.string()),
  benchmark_caveats: z.array(z.string()).optional(),
});

const sha = z.string();
/** The run's context (ReportContext of @hokusai/orchestrator); absent in reports written before it. */
const context = z.object({
  task: z.string(),
  target: z.string(),
  seed: num,
  models: z.object({ baseline: z.object({ family: z.string(), onnx_sha256: sha }), new: z.object({ family: z.string(), onnx_sha256: sha }) }),
  inputs: z.array(z.object({ role: z.string(), file_name: z.string(), file_sha256: sha, rows: num })),
  acceptance_rule: z.string(),
  proof: z.object({
    system: z.string(),
    circuit: z.object({ name: z.string(), rows_per_chunk: num, hash: z.string() }).nullable(),
    covers: z.array(z.string()),
    does_not_cover: z.array(z.string()),
    insecure_setup: z.boolean(),
    setup_note: z.string().nullable(),
  }),
  // Only web addresses become links: report.json is not trusted to hold a script URL.
  mlflow: z.object({ run_id: z.string(), url: z.string().regex(/^https?:\/\/[^\s"'<>]+$/, 'must be an http(s) address') }).nullable(),
  // In memory or streaming, under which budget (MemoryPlan); only when the config set a budget.
  execution: z.object({ mode: z.enum(['in-memory', 'streaming']), memory_budget_bytes: num, estimated_memory_bytes: num }).optional(),
});

const perRole = <T extends z.ZodType>(t: T) => z.object({ base: t, contributed: t, benchmark: t });
const psiPair = z.object({ contributed: nullableNum, benchmark: nullableNum });
const newCategories = z.object({ count: num, values: z.array(z.string()).nullable() });
const columnProfile = z.discriminatedUnion('kind', [
  z.object({
    column: z.string(),
    kind: z.literal('number'),
    rows: perRole(num),
    missing_share: perRole(nullableNum),
    psi: psiPair,
    histogram: z.object({ edges: z.array(num), shares: perRole(z.array(num)) }).nullable(),
  }),
  z.object({
    column: z.string(),
    kind: z.literal('category'),
    rows: perRole(num),
    missing_share: perRole(nullableNum),
    psi: psiPair,
    distinct: perRole(num),
    categories: z.object({ values: z.array(z.string()), shares: perRole(z.array(num)) }).nullable(),
    new_categories: z.object({ contributed: newCategories, benchmark: newCategories }),
  }),
]);
/** data_profile.json of the run (DataProfile of @hokusai/orchestrator); absent in older reports. */
const dataProfile = z.object({
  format: z.literal('hokusai.data-profile/v1'),
  drift: z.object({ statistic: z.literal('psi'), reference: z.string(), epsilon: num, max_categories: num, moderate: num, major: num, binning: z.string() }),
  columns: z.array(columnProfile),
  importance: z
    .object({
      metric_basis: z.string(),
      repeats: num,
      rows: num,
      sampled: z.boolean(),
      seed: num,
      columns: z.array(z.object({ column: z.string(), auroc_drop_pp: nullableNum, auroc_drop_sd_pp: nullableNum, accuracy_drop_pp: num, accuracy_drop_sd_pp: num })),
    })
    .nullable(),
});

const planLabel = z.union([z.string(), z.number(), z.boolean()]);
/**
 * The feature plan (FeaturePlan of @hokusai/training); absent in older reports. Codes and kinds
 * are read as strings so that a plan with a newer warning or treatment still renders.
 */
const featurePlanColumn = z.object({
  name: z.string(),
  type: z.string(),
  role: z.string(),
  reason: z.string().nullable(),
  treatment: z.object({ kind: z.string(), levels: num.optional(), buckets: num.optional(), parts: z.array(z.string()).optional(), imputation: z.string().optional() }).nullable(),
  distinct: nullableNum,
  missing: nullableNum,
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});
const featurePlan = z.object({
  target: z.string(),
  rows: num,
  width: num,
  columns: z.array(featurePlanColumn),
  positive_class: z.object({ value: planLabel, classes: z.array(planLabel), chosen_by: z.string(), how_to_change: z.string() }).nullable(),
});

export const ReportDocumentSchema = z.object({
  format: z.literal('hokusai.report/v1'),
  run_id: z.string(),
  verdict: z.object({
    accepted: z.boolean(),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })),
    /** Reports written before the rule and the recipe comparison were recorded lack these. */
    rule: z.string().optional(),
    comparison: z.enum(['same recipe', 'different recipe']).nullish(),
    recipe: z.object({ same: z.boolean(), baseline: z.string(), new: z.string(), allow_different: z.boolean(), detail: z.string() }).nullish(),
  }),
  delta_one: nullableNum,
  primary_metric: z.string(),
  n: num,
  threshold: num,
  metrics: z.record(z.string(), metricDelta),
  tests,
  baseline_metrics: binaryMetrics,
  new_metrics: binaryMetrics,
  curves: z.object({ baseline: modelCurves, new: modelCurves }),
  strata: z.array(strataColumn),
  /** Absent or null when the run kept no data report; the data sections then say so. */
  data: dataReport.nullish().transform((v) => v ?? null),
  context: context.nullish().transform((v) => v ?? null),
  data_profile: dataProfile.nullish().transform((v) => v ?? null),
  feature_plan: featurePlan.nullish().transform((v) => v ?? null),
  attestation: z.object({ merkle_root: z.string(), body_sha256: z.string(), proof_system: z.string(), verify_command: z.string() }),
});

/** report.json as read: the older reports' absent sections are null. */
export type ReportView = z.output<typeof ReportDocumentSchema>;
export type MetricDeltaView = z.infer<typeof metricDelta>;
export type ModelCurvesView = z.infer<typeof modelCurves>;
export type StrataColumnView = z.infer<typeof strataColumn>;
export type DataReportView = z.infer<typeof dataReport>;
export type ContextView = z.infer<typeof context>;
export type DataProfileView = z.infer<typeof dataProfile>;
export type ColumnProfileView = z.infer<typeof columnProfile>;
export type FeaturePlanView = z.infer<typeof featurePlan>;
export type FeaturePlanColumnView = z.infer<typeof featurePlanColumn>;
