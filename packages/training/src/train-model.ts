import { labelText } from './label-text.js';
import type { Table } from 'apache-arrow';
import { z } from 'zod';
import { CheckpointOptionsSchema, fileCheckpoints, runFingerprint } from './checkpoints.js';
import { TrainingError } from './errors.js';
import { emitFeaturizer, featureList, FEATURIZER_DEFAULTS, fitFeaturizer, rawInputs, transform, type ExcludedColumn, type Featurizer } from './features/featurizer.js';
import { discoverClasses, type ClassLabel } from './labels.js';
import type { CheckpointSink, FittedModel, TrainingData, TrainProgress } from './model-interface.js';
import { OnnxGraph } from './onnx/onnx-graph.js';
import { createModel } from './registry.js';
import { SeededRandom } from './seeded-random.js';
import { parseTrainOptions, type TrainOptions } from './train-options.js';

export interface ModelMetadata {
  family: string;
  params: Record<string, unknown>;
  seed: number;
  /** 'typed-array' | 'tfjs-node' | 'tfjs-wasm' | 'tfjs-cpu' | a custom family's own name. */
  backend: string;
  target: string;
  /** Sorted, except that a chosen positive class goes last; for a binary target the positive class is classes[1]. */
  classes: ClassLabel[];
  features: { name: string; kind: 'numeric' | 'date' | 'categorical' | 'hashed' }[];
  /** ONNX graph inputs: one per raw column, float [N,1] or string [N,1]; a date column is a float of whole days since 1970-01-01. */
  inputs: { name: string; type: 'float' | 'string' }[];
  /** Columns seen but not used, and why (excluded by the caller, an identifier, an unsupported type). */
  excluded: ExcludedColumn[];
  rows: number;
}

export interface TrainedModel {
  /** One ONNX file, featurization included; its inputs are the raw columns. */
  onnx: Uint8Array;
  metadata: ModelMetadata;
  /** In-process n x k probabilities, row-major; agrees with the ONNX file to 1e-5. */
  predictProba(table: Table): Float64Array;
}

/** Keys of `params` that belong to the package, not to the family. */
const SHARED_PARAM_KEYS = ['classWeight', 'maxOneHot', 'hashBuckets', 'checkpoint'] as const;

const SharedParams = z.object({
  classWeight: z.union([z.literal('balanced'), z.record(z.string(), z.number().positive())]).optional(),
  maxOneHot: z.number().int().min(1).default(FEATURIZER_DEFAULTS.maxOneHot),
  hashBuckets: z.number().int().min(2).max(1 << 16).default(FEATURIZER_DEFAULTS.hashBuckets),
  checkpoint: CheckpointOptionsSchema.optional(),
});

export interface TrainHooks {
  checkpoints?: CheckpointSink | undefined;
  /**
   * Called as training advances, in the family's unit ('iterations' for logistic regression,
   * 'trees' for gbdt boosting rounds, 'epochs' for the MLP): the first report (done 0, or where a
   * checkpoint resumed), then at most one every PROGRESS_INTERVAL_MS, then the last one with
   * done = total. `done` never decreases. The model bytes are the same with or without it.
   */
  onProgress?: ((progress: TrainProgress) => void) | undefined;
}

/** Least time between two forwarded progress reports; the first and the last always pass. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Forwards a family's per-epoch/iteration/round reports at a bounded rate, so a fast loop of
 * thousands of small rounds does not flood the listener (or the run log behind it).
 */
export function throttledProgress(listener: (progress: TrainProgress) => void): (progress: TrainProgress) => void {
  let last: TrainProgress | undefined;
  let lastAt = 0;
  return (progress) => {
    if (last !== undefined && progress.done < last.done) return;
    const final = progress.done >= progress.total;
    const now = performance.now();
    if (last !== undefined && !final && now - lastAt < PROGRESS_INTERVAL_MS) return;
    if (last !== undefined && final && last.done === progress.done && last.total === progress.total) return;
    last = { ...progress };
    lastAt = now;
    listener(last);
  };
}

export type SharedParams = z.output<typeof SharedParams>;

/** The params shared by every family, checked, and the rest, which belong to the family. */
export function splitParams(params: Record<string, unknown>): { shared: SharedParams; familyParams: Record<string, unknown> } {
  const shared = SharedParams.safeParse(params);
  if (!shared.success) {
    const issues = shared.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `Invalid shared model params: ${issues}.`);
  }
  const familyParams: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (!(SHARED_PARAM_KEYS as readonly string[]).includes(key)) familyParams[key] = value;
  return { shared: shared.data, familyParams };
}

/** Featurizes `table`, trains the chosen family and packages both as one ONNX model. */
export async function trainModel(table: Table, options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainedModel> {
  const opts = parseTrainOptions(options);
  const { shared, familyParams } = splitParams(opts.params);
  const model = createModel(opts.family);

  const { classes, y } = discoverClasses(table, opts.target, opts.task, opts.positiveClass);
  const featurizer = fitFeaturizer(table, {
    target: opts.target,
    exclude: opts.exclude,
    features: opts.features,
    maxOneHot: shared.maxOneHot,
    hashBuckets: shared.hashBuckets,
    hashSeed: FEATURIZER_DEFAULTS.hashSeed,
  });
  const n = table.numRows;
  if (featurizer.width >= n) {
    throw new TrainingError(
      'HOKUSAI_TOO_FEW_ROWS',
      `The table has ${n} rows but the featurized model has ${featurizer.width} inputs; training needs more rows than features. Add rows, exclude columns or lower hashBuckets/maxOneHot.`,
      { rows: n, features: featurizer.width },
    );
  }
  const data: TrainingData = {
    columns: transform(featurizer, table),
    n,
    d: featurizer.width,
    y,
    k: classes.length,
    sampleWeight: sampleWeights(y, classes, shared.classWeight),
    featureNames: expandedNames(featurizer),
  };
  const recordedParams: Record<string, unknown> = { ...model.defaults, ...opts.params };
  // Where checkpoints go is not part of the model: a resumed run must give the same bytes.
  delete recordedParams['checkpoint'];
  let checkpoints = hooks.checkpoints;
  if (checkpoints === undefined && shared.checkpoint !== undefined) {
    const fingerprint = runFingerprint({ family: opts.family, params: recordedParams, seed: opts.seed, classes, featureNames: data.featureNames }, data.columns, y);
    checkpoints = await fileCheckpoints(shared.checkpoint, fingerprint);
  }
  const onProgress = hooks.onProgress === undefined ? undefined : throttledProgress(hooks.onProgress);
  const fitted = await model.train(data, familyParams, { seed: opts.seed, rng: new SeededRandom(opts.seed), checkpoints, onProgress });

  return trainedModel(featurizer, fitted, { family: opts.family, params: recordedParams, seed: opts.seed, target: opts.target, classes, rows: n });
}

/** A fitted model with its featurizer as the trained model: metadata, ONNX bytes and scoring. */
export function trainedModel(featurizer: Featurizer, fitted: FittedModel, run: Pick<ModelMetadata, 'family' | 'params' | 'seed' | 'target' | 'classes' | 'rows'>): TrainedModel {
  const metadata: ModelMetadata = {
    family: run.family,
    params: run.params,
    seed: run.seed,
    backend: fitted.backend,
    target: run.target,
    classes: run.classes,
    features: featureList(featurizer),
    inputs: rawInputs(featurizer),
    excluded: featurizer.excluded,
    rows: run.rows,
  };
  return {
    onnx: exportOnnx(featurizer, fitted, metadata),
    metadata,
    predictProba(scored: Table): Float64Array {
      return fitted.predictProba(transform(featurizer, scored), scored.numRows);
    },
  };
}

export function exportOnnx(featurizer: Featurizer, fitted: FittedModel, metadata: ModelMetadata): Uint8Array {
  const g = new OnnxGraph();
  const features = emitFeaturizer(g, featurizer);
  const probs = fitted.emitOnnx(g, features);
  g.node('Identity', [probs], [], { output: 'probabilities' });
  g.output('probabilities', 'float', ['N', metadata.classes.length]);
  return g.toModel({
    'hokusai.classes': JSON.stringify(metadata.classes),
    'hokusai.target': metadata.target,
    'hokusai.metadata': JSON.stringify(metadata),
  });
}

function sampleWeights(y: Int32Array, classes: ClassLabel[], classWeight: 'balanced' | Record<string, number> | undefined): Float64Array {
  const w = new Float64Array(y.length).fill(1);
  if (classWeight === undefined) return w;
  const counts = new Float64Array(classes.length);
  for (let i = 0; i < y.length; i++) { const c = y[i] as number; counts[c] = (counts[c] as number) + 1; }
  const perClass = classWeights(counts, classes, classWeight);
  for (let i = 0; i < y.length; i++) w[i] = perClass[y[i] as number] as number;
  return w;
}

/** The weight of each class's rows, from the class counts (used by 'balanced'). */
export function classWeights(counts: Float64Array, classes: ClassLabel[], classWeight: 'balanced' | Record<string, number> | undefined): Float64Array {
  const perClass = new Float64Array(classes.length).fill(1);
  if (classWeight === undefined) return perClass;
  const n = counts.reduce((a, b) => a + b, 0);
  if (classWeight === 'balanced') {
    for (let c = 0; c < classes.length; c++) perClass[c] = n / (classes.length * (counts[c] as number));
  } else {
    for (const key of Object.keys(classWeight)) {
      const at = classes.findIndex((c) => String(c) === key);
      if (at < 0) throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `classWeight names the label "${key}" which is not a class of the target (${classes.map(labelText).join(', ')}).`);
      perClass[at] = classWeight[key] as number;
    }
  }
  return perClass;
}

export function expandedNames(f: Featurizer): string[] {
  return [
    ...f.numeric.map((x) => x.name),
    ...f.dates.flatMap((d) => d.parts.map((p) => `${d.name}.${p.part}`)),
    ...f.categorical.flatMap((c) => c.categories.map((v) => `${c.name}=${v}`)),
    ...f.hashed.flatMap((h) => Array.from({ length: h.buckets }, (_, b) => `${h.name}#${b}`)),
  ];
}
