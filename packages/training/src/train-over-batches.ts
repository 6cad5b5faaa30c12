import { closeSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { TrainingError } from './errors.js';
import { FEATURIZER_DEFAULTS, transform } from './features/featurizer.js';
import { fitFeaturizerOverBatches } from './features/featurizer-over-batches.js';
import { BLOCK, fitLogisticRegression, linearModel, LogisticRegressionParamsSchema, type RowPart, type RowParts } from './families/logistic-regression.js';
import { parseParams } from './families/family-params.js';
import { createModel } from './registry.js';
import { discoverClassesOverBatches, encodeLabels } from './labels.js';
import { classWeights, splitParams, throttledProgress, trainedModel, type TrainedModel, type TrainHooks } from './train-model.js';
import { parseTrainOptions, type TrainOptions } from './train-options.js';

/** The one family whose objective is a sum over rows that passes over batches can accumulate. */
export const STREAMING_FAMILY = 'logistic_regression';

/**
 * Rows per spilled part: a multiple of the objective's block, so every part but the last ends
 * on a block boundary and the sums run exactly as over the whole table in memory.
 */
const PART_ROWS = BLOCK * 64;

export interface BatchTrainHooks extends Pick<TrainHooks, 'onProgress'> {
  /** A folder for the featurized rows (float32, one file per part), removed when training ends. */
  workDir: string;
  /** Rows per part on disk (default 262,144); a multiple of 4,096 so the sums keep their order. */
  partRows?: number;
}

/**
 * trainModel for a table read in batches (`read()` starts again from the first row on every
 * call): one pass finds the classes, two fit the featurizer, one writes the featurized rows to
 * `workDir`, and every evaluation of the objective reads them back part by part. Memory
 * holds one part (PART_ROWS rows of features), not the table. The model, its ONNX bytes and
 * metadata are those trainModel gives on the concatenated table, bit for bit.
 */
export async function trainModelOverBatches(read: () => AsyncIterable<Table>, options: TrainOptions, hooks: BatchTrainHooks): Promise<TrainedModel> {
  const opts = parseTrainOptions(options);
  if (opts.family !== STREAMING_FAMILY) {
    // Refused before any pass; the registry still knows the name.
    createModel(opts.family);
    throw new TrainingError('HOKUSAI_STREAMING_FAMILY_UNSUPPORTED', `Training by passes over batches (data larger than the memory budget) supports the linear family (${STREAMING_FAMILY}) only, not "${opts.family}". Use ${STREAMING_FAMILY}, or raise resources.memory so the data is trained in memory.`, { family: opts.family });
  }
  const partRows = hooks.partRows ?? PART_ROWS;
  if (!Number.isInteger(partRows) || partRows <= 0 || partRows % BLOCK !== 0) {
    throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `partRows must be a positive multiple of ${BLOCK} (got ${partRows}): parts must end on the objective's block boundaries.`);
  }
  const { shared, familyParams } = splitParams(opts.params);
  const params = parseParams(LogisticRegressionParamsSchema, familyParams, STREAMING_FAMILY);
  const model = createModel(opts.family);

  const classes = await discoverClassesOverBatches(read(), opts.target, opts.task, opts.positiveClass);
  const featurizer = await fitFeaturizerOverBatches(read, {
    target: opts.target,
    exclude: opts.exclude,
    features: opts.features,
    maxOneHot: shared.maxOneHot,
    hashBuckets: shared.hashBuckets,
    hashSeed: FEATURIZER_DEFAULTS.hashSeed,
  });
  const d = featurizer.width;
  const k = classes.length;
  mkdirSync(hooks.workDir, { recursive: true });
  try {
    // Featurize once; the parts on disk are what every pass of the optimizer reads.
    const spill = new PartSpill(hooks.workDir, d, partRows);
    for await (const batch of read()) spill.add(transform(featurizer, batch), encodeLabels(batch, opts.target, classes));
    spill.finish();
    const n = spill.rows;
    if (d >= n) {
      throw new TrainingError(
        'HOKUSAI_TOO_FEW_ROWS',
        `The table has ${n} rows but the featurized model has ${d} inputs; training needs more rows than features. Add rows, exclude columns or lower hashBuckets/maxOneHot.`,
        { rows: n, features: d },
      );
    }
    const parts = spill.parts(k, classWeights(spill.classCounts(k), classes, shared.classWeight));
    const onProgress = hooks.onProgress === undefined ? undefined : throttledProgress(hooks.onProgress);
    const fitted = linearModel(fitLogisticRegression(parts, params, onProgress), d, k);
    const recordedParams: Record<string, unknown> = { ...model.defaults, ...opts.params };
    delete recordedParams['checkpoint'];
    return trainedModel(featurizer, fitted, { family: opts.family, params: recordedParams, seed: opts.seed, target: opts.target, classes, rows: n });
  } finally {
    rmSync(hooks.workDir, { recursive: true, force: true });
  }
}

/**
 * Featurized rows regrouped into parts of partRows rows and written as files: each feature's
 * float32 values, then the class indexes (int32).
 */
class PartSpill {
  readonly sizes: number[] = [];
  rows = 0;
  private readonly pending: Float32Array[];
  private readonly y: Int32Array;
  private fill = 0;
  private readonly counts = new Map<number, number>();

  constructor(
    private readonly dir: string,
    private readonly d: number,
    private readonly partRows: number,
  ) {
    this.pending = Array.from({ length: d }, () => new Float32Array(partRows));
    this.y = new Int32Array(partRows);
  }

  add(columns: Float32Array[], y: Int32Array): void {
    for (let at = 0; at < y.length; ) {
      const take = Math.min(this.partRows - this.fill, y.length - at);
      for (let j = 0; j < this.d; j++) (this.pending[j] as Float32Array).set((columns[j] as Float32Array).subarray(at, at + take), this.fill);
      this.y.set(y.subarray(at, at + take), this.fill);
      for (let i = at; i < at + take; i++) this.counts.set(y[i] as number, (this.counts.get(y[i] as number) ?? 0) + 1);
      this.fill += take;
      at += take;
      if (this.fill === this.partRows) this.flush();
    }
  }

  finish(): void {
    if (this.fill > 0) this.flush();
  }

  classCounts(k: number): Float64Array {
    return Float64Array.from({ length: k }, (_, c) => this.counts.get(c) ?? 0);
  }

  private flush(): void {
    const n = this.fill;
    const chunks: Uint8Array[] = this.pending.map((col) => new Uint8Array(col.buffer, 0, n * 4));
    chunks.push(new Uint8Array(this.y.buffer, 0, n * 4));
    writeFileSync(this.path(this.sizes.length), Buffer.concat(chunks));
    this.sizes.push(n);
    this.rows += n;
    this.fill = 0;
  }

  path(index: number): string {
    return join(this.dir, `part-${String(index).padStart(6, '0')}.bin`);
  }

  /** The parts as the objective visits them: read one at a time into one reused buffer. */
  parts(k: number, perClass: Float64Array): RowParts {
    const largest = Math.max(...this.sizes);
    const buffer = new ArrayBuffer(largest * (this.d + 1) * 4);
    const weights = new Float64Array(largest);
    const forEach = (visit: (part: RowPart) => void): void => {
      this.sizes.forEach((n, index) => {
        const bytes = n * (this.d + 1) * 4;
        const fd = openSync(this.path(index), 'r');
        try {
          const view = new Uint8Array(buffer, 0, bytes);
          for (let read = 0; read < bytes; ) read += readSync(fd, view, read, bytes - read, read);
        } finally {
          closeSync(fd);
        }
        const columns = Array.from({ length: this.d }, (_, j) => new Float32Array(buffer, j * n * 4, n));
        const y = new Int32Array(buffer, this.d * n * 4, n);
        for (let i = 0; i < n; i++) weights[i] = perClass[y[i] as number] as number;
        visit({ columns, y, n, sampleWeight: weights.subarray(0, n) });
      });
    };
    // The sum of the weights in row order, as the in-memory objective takes it.
    let totalWeight = 0;
    forEach(({ n, sampleWeight }) => {
      for (let i = 0; i < n; i++) totalWeight += sampleWeight[i] as number;
    });
    return { d: this.d, k, rows: this.rows, totalWeight, forEach };
  }
}
