import type { DataType, Table } from 'apache-arrow';
// Must come before onnxruntime-node: it turns the runtime's telemetry off before it loads.
import './ort-environment.js';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { TrainingError } from './errors.js';
import { columnKind, readCodedStrings, readNumeric, readNumericF32 } from './features/arrow-columns.js';
import { epochDays } from './features/date-parts.js';
import type { ClassLabel } from './labels.js';
import { readModelInfo, type ModelInfo, type ValueInfo } from './onnx/model-info.js';

export interface OnnxModel {
  /** Graph inputs; a single [N, F] matrix input is listed once with the columns that fill it in `columns`. */
  inputs: { name: string; type: 'float' | 'string'; columns?: string[] }[];
  classes: ClassLabel[];
  target?: string;
  /** The metadata_props of the file. */
  metadata: Record<string, string>;
  /** Throws HOKUSAI_MODEL_INPUT_MISMATCH naming every missing or mistyped column. */
  checkInputs(table: Table): void;
  /** n x k probabilities, row-major, computed by onnxruntime-node. */
  predictProba(table: Table): Promise<Float64Array>;
  close(): Promise<void>;
}

export interface LoadOnnxOptions {
  /** Columns, in order, that fill a single [N, F] float input (else metadata_props "hokusai.feature_columns"). */
  featureColumns?: string[];
  /** Class labels when the file declares none (else metadata_props "hokusai.classes" or the classifier node's labels). */
  classes?: ClassLabel[];
  target?: string;
  /**
   * The most rows handed to onnxruntime at once (default SCORE_BATCH_ROWS): a larger table is
   * scored in near-equal parts, so the runtime's tensors stay the size of a part, not of the table.
   */
  batchRows?: number;
  /**
   * Threads onnxruntime may use for one call (default SCORE_THREADS, 1). More can be faster on a
   * large machine, but a tree ensemble's scores then depend on the count in their last bits.
   */
  threads?: number;
}

/**
 * Rows per onnxruntime call. Whole-table calls held every intermediate tensor at the table's
 * size: scoring two models on 200,000 rows took 138 MB beside the table, in parts of this size
 * 67 MB, and less time. Rows are scored independently, so the parts give the bits of one call:
 * tested for every family, including the tree ensemble, whose onnxruntime kernel on more than one
 * thread sums a row's trees in another order for a call of a few rows (the parts are near-equal,
 * so none is that small unless the table is).
 */
export const SCORE_BATCH_ROWS = 16_384;

/**
 * onnxruntime's threads per call. One: the tree ensemble's kernel sums a row's trees in an order
 * that depends on its thread count (a gradient-boosted model's scores on 20,000 rows differ in the
 * last bits on one thread and on four), so one thread gives the same scores on every machine. It
 * is also faster here: the pipeline scores two models at once beside its own threads, and with a
 * pool of every core per session `evaluate` at `wide1m` took 510–580 ms against 400–450 ms.
 */
export const SCORE_THREADS = 1;

const LoadOptionsSchema = z.object({
  featureColumns: z.array(z.string()).min(1).optional(),
  classes: z.array(z.union([z.string(), z.number(), z.boolean()])).min(2).optional(),
  target: z.string().optional(),
  batchRows: z.number().int().positive().optional(),
  threads: z.number().int().positive().optional(),
});

type Feed =
  | { mode: 'column'; input: ValueInfo; column: string }
  | { mode: 'matrix'; input: ValueInfo; columns: string[] };

const PROBABILITY_NAMES = ['probabilities', 'output_probability', 'probability', 'probs'];

/** Loads ONNX bytes (ours or an external baseline such as a skl2onnx export) for scoring Arrow tables. */
export async function loadOnnxModel(bytes: Uint8Array, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  const opts = LoadOptionsSchema.parse(options);
  const info = readModelInfo(bytes);
  const output = pickProbabilityOutput(info);
  const classes = resolveClasses(info, output, opts.classes);
  const featureColumns = opts.featureColumns ?? parseJsonList(info.metadata['hokusai.feature_columns']);
  const feeds = planFeeds(info, featureColumns);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads ?? SCORE_THREADS,
      // A pool thread that spins between calls takes a core from the caller's other threads.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  } catch (err) {
    throw new TrainingError('HOKUSAI_MODEL_INVALID', `onnxruntime could not load the model: ${(err as Error).message}`);
  }
  const target = opts.target ?? info.metadata['hokusai.target'];
  const batchRows = opts.batchRows ?? SCORE_BATCH_ROWS;
  const check = (table: Table): void => checkFeeds(feeds, table);
  return {
    inputs: feeds.map((f) =>
      f.mode === 'column'
        ? { name: f.input.name, type: f.input.elemType === 'string' ? 'string' : 'float' }
        : { name: f.input.name, type: 'float', columns: f.columns },
    ),
    classes,
    ...(target === undefined ? {} : { target }),
    metadata: info.metadata,
    checkInputs: check,
    async predictProba(table: Table): Promise<Float64Array> {
      check(table);
      const n = table.numRows;
      const k = classes.length;
      const out = new Float64Array(n * k);
      const parts = Math.ceil(n / batchRows);
      for (let j = 0; j < parts; j++) {
        const start = Math.floor((j * n) / parts);
        const end = Math.floor(((j + 1) * n) / parts);
        const part = parts === 1 ? table : table.slice(start, end);
        const inputs: Record<string, ort.Tensor> = {};
        for (const f of feeds) inputs[f.input.name] = buildTensor(f, part, start);
        const result = await session.run(inputs, [output.name]);
        const tensor = result[output.name];
        if (tensor === undefined || tensor.dims.length !== 2 || Number(tensor.dims[0]) !== end - start || Number(tensor.dims[1]) !== k) {
          throw new TrainingError(
            'HOKUSAI_MODEL_OUTPUT_INVALID',
            `The model output "${output.name}" has shape [${tensor?.dims.join(', ') ?? ''}], expected [${end - start}, ${k}] (rows x classes).`,
          );
        }
        const data = tensor.data as Float32Array | Float64Array;
        for (let i = 0; i < data.length; i++) out[start * k + i] = data[i] as number;
        tensor.dispose();
      }
      return out;
    },
    async close(): Promise<void> {
      await session.release();
    },
  };
}

function pickProbabilityOutput(info: ModelInfo): ValueInfo {
  const tensors = info.outputs.filter((o) => o.kind === 'tensor' && (o.elemType === 'float' || o.elemType === 'double') && o.dims.length === 2);
  const named = tensors.find((o) => PROBABILITY_NAMES.includes(o.name));
  const chosen = named ?? (tensors.length === 1 ? tensors[0] : undefined);
  if (chosen === undefined) {
    const zipmap = info.outputs.some((o) => o.kind === 'sequence');
    throw new TrainingError(
      'HOKUSAI_MODEL_OUTPUT_INVALID',
      `The model has no [N, classes] float probabilities output (outputs: ${info.outputs.map((o) => `${o.name}:${o.kind}`).join(', ')}).` +
        (zipmap ? ' It returns a sequence of maps (ZipMap); export it without ZipMap (skl2onnx: options={"zipmap": False}).' : ' Name the probabilities output "probabilities".'),
    );
  }
  return chosen;
}

function resolveClasses(info: ModelInfo, output: ValueInfo, given: ClassLabel[] | undefined): ClassLabel[] {
  if (given !== undefined) return given;
  const fromMeta = info.metadata['hokusai.classes'];
  if (fromMeta !== undefined) {
    const parsed = z.array(z.union([z.string(), z.number(), z.boolean()])).safeParse(safeJson(fromMeta));
    if (!parsed.success) throw new TrainingError('HOKUSAI_MODEL_INVALID', 'The metadata_props entry "hokusai.classes" is not a JSON array of labels.');
    return parsed.data;
  }
  if (info.classLabels !== null) return info.classLabels;
  const k = output.dims[1];
  if (typeof k === 'number' && k >= 2) return Array.from({ length: k }, (_, i) => i);
  throw new TrainingError(
    'HOKUSAI_MODEL_INVALID',
    'The model does not declare its class labels. Add metadata_props "hokusai.classes" (a JSON array) or pass options.classes.',
  );
}

function planFeeds(info: ModelInfo, featureColumns: string[] | undefined): Feed[] {
  if (info.inputs.length === 0) throw new TrainingError('HOKUSAI_MODEL_INVALID', 'The ONNX graph has no inputs.');
  const only = info.inputs[0] as ValueInfo;
  const width = only.dims[1];
  const isMatrix = info.inputs.length === 1 && only.dims.length === 2 && (featureColumns !== undefined || (typeof width === 'number' && width > 1));
  if (isMatrix) {
    if (only.elemType !== 'float' && only.elemType !== 'double') {
      throw new TrainingError('HOKUSAI_MODEL_INPUT_MISMATCH', `The model's single input "${only.name}" is a ${only.elemType ?? only.kind} matrix; only float matrices can be filled from table columns.`);
    }
    if (featureColumns === undefined) {
      throw new TrainingError(
        'HOKUSAI_MODEL_INPUT_MISMATCH',
        `The model takes one [N, ${String(width)}] float input "${only.name}" but does not say which columns fill it. Add metadata_props "hokusai.feature_columns" (a JSON array of column names) or pass options.featureColumns.`,
        { input: only.name },
      );
    }
    if (typeof width === 'number' && width !== featureColumns.length) {
      throw new TrainingError(
        'HOKUSAI_MODEL_INPUT_MISMATCH',
        `The model input "${only.name}" has ${width} features but ${featureColumns.length} feature columns were named (${featureColumns.join(', ')}).`,
        { input: only.name },
      );
    }
    return [{ mode: 'matrix', input: only, columns: featureColumns }];
  }
  return info.inputs.map((input) => {
    if (input.kind !== 'tensor' || input.elemType === null || input.elemType === 'other' || input.elemType === 'bool') {
      throw new TrainingError('HOKUSAI_MODEL_INPUT_MISMATCH', `The model input "${input.name}" has an unsupported type (${input.elemType ?? input.kind}); inputs must be float, double, int64, int32 or string tensors.`, { input: input.name });
    }
    const trailing = input.dims.slice(1);
    if (input.dims.length > 2 || trailing.some((d) => d !== 1 && d !== null)) {
      throw new TrainingError('HOKUSAI_MODEL_INPUT_MISMATCH', `The model input "${input.name}" has shape [${input.dims.map((d) => d ?? '?').join(', ')}]; a per-column input must be [N, 1] or [N].`, { input: input.name });
    }
    return { mode: 'column', input, column: input.name };
  });
}

function checkFeeds(feeds: Feed[], table: Table): void {
  const problems: string[] = [];
  let dateFeedable = false;
  const checkColumn = (column: string, want: 'numeric' | 'string'): void => {
    const field = table.schema.fields.find((f) => f.name === column);
    if (field === undefined) {
      problems.push(`column "${column}" is missing`);
      return;
    }
    const kind = columnKind(field.type as DataType);
    // A date column fills a float input as whole days since 1970-01-01 (how the featurizer reads dates).
    if (kind === 'date' && want === 'numeric' && dateFeedable) return;
    if (kind !== want) problems.push(`column "${column}" is ${String(field.type)} but the model needs ${want === 'numeric' ? 'numbers' : 'strings'}`);
  };
  for (const f of feeds) {
    if (f.mode === 'matrix') for (const c of f.columns) checkColumn(c, 'numeric');
    else {
      dateFeedable = f.input.elemType === 'float';
      checkColumn(f.column, f.input.elemType === 'string' ? 'string' : 'numeric');
    }
  }
  if (problems.length > 0) {
    throw new TrainingError(
      'HOKUSAI_MODEL_INPUT_MISMATCH',
      `The model's inputs do not match the table: ${problems.join('; ')}. The table has columns ${table.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(', ')}.`,
      { problems },
    );
  }
}

/** The tensor of one input for `table`, rows `rowBase` on of the table the caller scores (for messages). */
function buildTensor(feed: Feed, table: Table, rowBase: number): ort.Tensor {
  const n = table.numRows;
  if (feed.mode === 'matrix') {
    const f = feed.columns.length;
    const out = feed.input.elemType === 'double' ? new Float64Array(n * f) : new Float32Array(n * f);
    feed.columns.forEach((name, j) => {
      const values = readNumeric(table.getChild(name) as NonNullable<ReturnType<Table['getChild']>>);
      for (let i = 0; i < n; i++) out[i * f + j] = values[i] as number;
    });
    return new ort.Tensor(out instanceof Float64Array ? 'float64' : 'float32', out, [n, f]);
  }
  const col = table.getChild(feed.column) as NonNullable<ReturnType<Table['getChild']>>;
  const dims = feed.input.dims.length === 1 ? [n] : [n, 1];
  switch (feed.input.elemType) {
    case 'string': {
      const coded = readCodedStrings(col);
      const strings = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const c = coded.codes[i] as number;
        // Null strings travel as "", the value the featurizer learned for missing.
        strings[i] = c < 0 ? '' : (coded.values[c] as string);
      }
      return new ort.Tensor('string', strings, dims);
    }
    case 'double':
      return new ort.Tensor('float64', readNumeric(col), dims);
    case 'int64':
    case 'int32': {
      const values = readNumeric(col);
      for (let i = 0; i < n; i++) {
        if (!Number.isInteger(values[i])) {
          throw new TrainingError('HOKUSAI_MODEL_INPUT_MISMATCH', `The model input "${feed.column}" is an integer tensor but row ${rowBase + i} holds ${Number.isNaN(values[i]) ? 'no value' : 'a number with a fraction'} (nulls cannot be fed to an integer input).`, { column: feed.column, row: rowBase + i });
        }
      }
      return feed.input.elemType === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims)
        : new ort.Tensor('int32', Int32Array.from(values), dims);
    }
    default:
      if (columnKind(col.type as DataType) === 'date') return new ort.Tensor('float32', Float32Array.from(readNumeric(col), epochDays), dims);
      return new ort.Tensor('float32', readNumericF32(col), dims);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseJsonList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const parsed = z.array(z.string()).safeParse(safeJson(text));
  if (!parsed.success) throw new TrainingError('HOKUSAI_MODEL_INVALID', 'The metadata_props entry "hokusai.feature_columns" is not a JSON array of column names.');
  return parsed.data;
}
