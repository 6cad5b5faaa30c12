import { z } from 'zod';
import { TrainingError } from '../errors.js';
import type { FittedModel, Model, TrainContext, TrainingData } from '../model-interface.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { BLOCK, addLogits, blockGradient, blockTerms, liveColumns } from './binary-blocks.js';
import { lbfgs } from './lbfgs.js';
import { sampleRows } from './row-sample.js';
import { sampledNewton } from './sampled-newton.js';
import { startObjectiveHelper, type HelperOutput, type ObjectiveHelper } from './objective-helper.js';
import { parseParams } from './family-params.js';

export const LogisticRegressionParamsSchema = z.strictObject({
  l2: z.number().min(0).default(1e-4),
  maxIter: z.number().int().positive().default(1000),
  // A gradient this small puts the objective within ~1e-11 relative of the optimum (checked
  // against scikit-learn's lbfgs at tol 1e-14): 1e-4 stopped early enough to flip labels.
  tol: z.number().positive().default(1e-7),
});

/**
 * Logistic regression fitted by L-BFGS (large binary fits: Newton steps with a sampled Hessian) on
 * the weighted mean log-loss plus (l2 / 2) * |w|^2
 * (intercepts unpenalized). Binary targets use one weight vector (a sigmoid); multiclass
 * targets a softmax with one row per class. One fused pass over the rows per evaluation.
 */
export const logisticRegression: Model = {
  defaults: { l2: 1e-4, maxIter: 1000, tol: 1e-7 },
  async train(data, raw, ctx) {
    const params = parseParams(LogisticRegressionParamsSchema, raw, 'logistic_regression');
    // A large binary fit shares its rows with a second thread (same bits, see objective-helper.ts).
    const helper = data.k === 2 ? startObjectiveHelper(data, data.d) : null;
    try {
      return linearModel(fitLogisticRegression(onePart(data), params, ctx.onProgress, helper), data.d, data.k);
    } finally {
      helper?.close();
    }
  },
};

export { BLOCK };

/** Some of the training rows: a whole table in memory, or one batch read back from disk. */
export interface RowPart {
  columns: Float32Array[];
  y: Int32Array;
  n: number;
  sampleWeight: Float64Array;
}

/**
 * The training rows as parts visited in a fixed order on every evaluation of the objective. The
 * sums run over the parts one after another, so parts whose lengths are multiples of BLOCK give
 * the same blocks, hence the same bits, as the rows in one part.
 */
export interface RowParts {
  d: number;
  k: number;
  /** Rows over all the parts. */
  rows: number;
  /** Sum of the sample weights, in row order. */
  totalWeight: number;
  forEach(visit: (part: RowPart) => void): void;
}

function totalWeight(w: Float64Array): number {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i] as number;
  return total;
}

/** The in-memory training set as a single part. */
function onePart(data: TrainingData): RowParts {
  return { d: data.d, k: data.k, rows: data.n, totalWeight: totalWeight(data.sampleWeight), forEach: (visit) => visit(data) };
}

export interface LogisticRegressionParams {
  l2: number;
  maxIter: number;
  tol: number;
}

/**
 * Binary fits of at least this many rows take Newton steps with a sampled Hessian
 * (sampled-newton.ts): a few passes over the rows instead of L-BFGS's 30-45. Smaller fits, where
 * a pass costs little, multiclass fits and fits of very many inputs keep L-BFGS.
 */
export const SAMPLED_NEWTON_MIN_ROWS = 1 << 16;
/** About this many rows (between it and twice it) make the sample: its Hessian is then within about 0.5% of the table's. */
const SAMPLE_ROWS = 1 << 16;
/** Fewer sampled rows of either class than this and the sample cannot stand for the table. */
const SAMPLE_MIN_CLASS_ROWS = 100;
/**
 * More inputs than this keep L-BFGS: the Hessian is (d + 1)^2 doubles (8 MB at 1,024) and its
 * factorization (d + 1)^3 / 6 operations (0.2 s at 1,024), per Newton step.
 */
export const SAMPLED_NEWTON_MAX_INPUTS = 1024;

/** Whether a fit of this shape takes Newton steps with a sampled Hessian (else L-BFGS). */
export function takesSampledNewton(rows: number, d: number, k: number): boolean {
  return k === 2 && rows >= SAMPLED_NEWTON_MIN_ROWS && d <= SAMPLED_NEWTON_MAX_INPUTS;
}

/** The fitted parameters (rows x (d + 1), intercept last in each row) over the parts. */
export function fitLogisticRegression(parts: RowParts, params: LogisticRegressionParams, report: TrainContext['onProgress'], helper: ObjectiveHelper | null = null): Float64Array {
  const { d, k } = parts;
  const rows = k === 2 ? 1 : k;
  const objective = k === 2 ? binaryObjective(parts, params.l2, helper) : softmaxObjective(parts, params.l2);
  const options = {
    maxIter: params.maxIter,
    gtol: params.tol,
    ftol: 1e-12,
    memory: 10,
    // The first call (0 iterations) reports the starting loss, so the history has a start point.
    onIteration: report === undefined ? undefined : (done: number, loss: number) => report({ unit: 'iterations', done, total: params.maxIter, loss }),
  };
  const sample = takesSampledNewton(parts.rows, d, k) ? sampleRows(parts, Math.max(1, Math.floor(parts.rows / SAMPLE_ROWS))) : null;
  const result =
    sample !== null && Math.min(...sample.classRows) >= SAMPLE_MIN_CLASS_ROWS
      ? sampledNewton(objective, sample, d, params.l2, options)
      : lbfgs(objective, new Float64Array(rows * (d + 1)), options);
  // Converging before maxIter is the usual end: the last report says how many it took.
  report?.({ unit: 'iterations', done: result.iterations, total: result.iterations, loss: result.f });
  if (!Number.isFinite(result.f)) {
    throw new TrainingError('HOKUSAI_TRAINING_DIVERGED', 'Logistic regression produced a non-finite loss. Check the features for extreme values or raise l2.');
  }
  return result.x;
}

/**
 * Rows [from, to) of one part added to the binary objective: `sums` holds the running loss and
 * intercept gradient, carried from part to part so the additions happen in the same order as
 * over one part. A plain function with every array a parameter: written as a closure over the
 * running sums, the row loop read and wrote context slots and the fit was ~40% slower. The
 * block kernels (binary-blocks.ts) are the ones the helper thread runs.
 */
function addBinaryRows(part: RowPart, p: Float64Array, g: Float64Array, d: number, scratch: BinaryScratch, sums: Float64Array, from: number, to: number): void {
  const { columns, y, sampleWeight } = part;
  const { zb, terms, resid, blockSums } = scratch;
  const { live, liveW } = liveColumns(columns, p, d);
  const bias = p[d] as number;
  let loss = sums[0] as number;
  let gb = sums[1] as number;
  for (let start = from; start < to; start += BLOCK) {
    const len = Math.min(BLOCK, to - start);
    addLogits(zb, live, liveW, bias, start, len);
    blockTerms(zb, y, sampleWeight, start, len, terms, resid, 0);
    for (let i = 0; i < len; i++) {
      loss += terms[i] as number;
      gb += resid[i] as number;
    }
    blockGradient(blockSums, 0, zb, columns, d, start, len);
    for (let j = 0; j < d; j++) g[j] = (g[j] as number) + (blockSums[j] as number);
  }
  sums[0] = loss;
  sums[1] = gb;
}

/** Adds the helper's rows after the fitting thread's own: terms and residuals in row order, gradient sums in block order. */
function addHelperRows(out: HelperOutput, rows: number, g: Float64Array, d: number, sums: Float64Array): void {
  const { terms, resid, sums: blockSums } = out;
  let loss = sums[0] as number;
  let gb = sums[1] as number;
  for (let i = 0; i < rows; i++) {
    loss += terms[i] as number;
    gb += resid[i] as number;
  }
  const blocks = Math.ceil(rows / BLOCK);
  for (let b = 0; b < blocks; b++) for (let j = 0; j < d; j++) g[j] = (g[j] as number) + (blockSums[b * d + j] as number);
  sums[0] = loss;
  sums[1] = gb;
}

interface BinaryScratch {
  zb: Float64Array;
  terms: Float64Array;
  resid: Float64Array;
  blockSums: Float64Array;
}

/** The binary objective and its gradient, summed over the parts in row order (with the helper's half when there is one). */
export function binaryObjective(parts: RowParts, l2: number, helper: ObjectiveHelper | null = null) {
  const { d } = parts;
  const inv = 1 / parts.totalWeight;
  const scratch: BinaryScratch = { zb: new Float64Array(BLOCK), terms: new Float64Array(BLOCK), resid: new Float64Array(BLOCK), blockSums: new Float64Array(d) };
  const sums = new Float64Array(2);
  let help = helper;
  return (p: Float64Array, g: Float64Array): number => {
    g.fill(0);
    sums.fill(0);
    parts.forEach((part) => {
      if (help === null) {
        addBinaryRows(part, p, g, d, scratch, sums, 0, part.n);
        return;
      }
      help.request(p);
      addBinaryRows(part, p, g, d, scratch, sums, 0, help.from);
      const out = help.collect();
      if (out !== null) addHelperRows(out, part.n - help.from, g, d, sums);
      else addBinaryRows(part, p, g, d, scratch, sums, help.from, part.n);
      if (out === null) help = null;
    });
    const loss = sums[0] as number;
    const gb = sums[1] as number;
    let reg = 0;
    for (let j = 0; j < d; j++) {
      const pj = p[j] as number;
      g[j] = (g[j] as number) * inv + l2 * pj;
      reg += pj * pj;
    }
    g[d] = gb * inv;
    return loss * inv + 0.5 * l2 * reg;
  };
}

function softmaxObjective(parts: RowParts, l2: number) {
  const { d, k } = parts;
  const stride = d + 1;
  const inv = 1 / parts.totalWeight;
  const zb = Array.from({ length: k }, () => new Float64Array(BLOCK));
  return (p: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    parts.forEach(({ columns, y, n, sampleWeight }) => {
      // A local running sum, carried on from the previous part (see binaryObjective).
      let partLoss = loss;
      for (let start = 0; start < n; start += BLOCK) {
        const len = Math.min(BLOCK, n - start);
        for (let c = 0; c < k; c++) {
          const zc = zb[c] as Float64Array;
          const base = c * stride;
          zc.fill(p[base + d] as number, 0, len);
          for (let j = 0; j < d; j++) {
            const wj = p[base + j] as number;
            if (wj === 0) continue;
            const col = columns[j] as Float32Array;
            for (let i = 0; i < len; i++) zc[i] = (zc[i] as number) + (col[start + i] as number) * wj;
          }
        }
        for (let i = 0; i < len; i++) {
          let max = -Infinity;
          for (let c = 0; c < k; c++) max = Math.max(max, (zb[c] as Float64Array)[i] as number);
          let sum = 0;
          for (let c = 0; c < k; c++) sum += Math.exp(((zb[c] as Float64Array)[i] as number) - max);
          const w = sampleWeight[start + i] as number;
          const yi = y[start + i] as number;
          partLoss += w * (Math.log(sum) + max - ((zb[yi] as Float64Array)[i] as number));
          for (let c = 0; c < k; c++) {
            const zc = zb[c] as Float64Array;
            zc[i] = w * (Math.exp((zc[i] as number) - max) / sum - (c === yi ? 1 : 0));
          }
        }
        for (let c = 0; c < k; c++) {
          const rc = zb[c] as Float64Array;
          const base = c * stride;
          let sb = 0;
          for (let i = 0; i < len; i++) sb += rc[i] as number;
          g[base + d] = (g[base + d] as number) + sb;
          for (let j = 0; j < d; j++) {
            const col = columns[j] as Float32Array;
            let s = 0;
            for (let i = 0; i < len; i++) s += (rc[i] as number) * (col[start + i] as number);
            g[base + j] = (g[base + j] as number) + s;
          }
        }
      }
      loss = partLoss;
    });
    let reg = 0;
    for (let c = 0; c < k; c++) {
      const base = c * stride;
      for (let j = 0; j < d; j++) {
        const pj = p[base + j] as number;
        g[base + j] = (g[base + j] as number) * inv + l2 * pj;
        reg += pj * pj;
      }
      g[base + d] = (g[base + d] as number) * inv;
    }
    return loss * inv + 0.5 * l2 * reg;
  };
}

/**
 * A linear softmax head. Binary models are stored as logits (0, z) so the same Softmax graph
 * serves both cases and the positive class is column 1.
 */
export function linearModel(params: Float64Array, d: number, k: number): FittedModel & { weights: Float64Array; bias: Float64Array } {
  const weights = new Float64Array(d * k); // [d, k] for MatMul
  const bias = new Float64Array(k);
  const stride = d + 1;
  if (k === 2) {
    for (let j = 0; j < d; j++) weights[j * 2 + 1] = Math.fround(params[j] as number);
    bias[1] = Math.fround(params[d] as number);
  } else {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) weights[j * k + c] = Math.fround(params[c * stride + j] as number);
      bias[c] = Math.fround(params[c * stride + d] as number);
    }
  }
  return {
    backend: 'typed-array',
    weights,
    bias,
    predictProba(columns: Float32Array[], n: number): Float64Array {
      const out = new Float64Array(n * k);
      const z = new Float64Array(n * k);
      for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) z[i * k + c] = bias[c] as number;
      for (let j = 0; j < d; j++) {
        const col = columns[j] as Float32Array;
        const wr = j * k;
        for (let c = 0; c < k; c++) {
          const w = weights[wr + c] as number;
          if (w === 0) continue;
          for (let i = 0; i < n; i++) z[i * k + c] = (z[i * k + c] as number) + (col[i] as number) * w;
        }
      }
      softmaxRows(z, out, n, k);
      return out;
    },
    emitOnnx(g: OnnxGraph, features: string): string {
      const w = g.constant('weights', [d, k], { type: 'float', values: weights });
      const b = g.constant('bias', [k], { type: 'float', values: bias });
      const logits = g.node('Add', [g.node('MatMul', [features, w]), b]);
      return g.node('Softmax', [logits], [{ name: 'axis', i: 1 }]);
    },
  };
}

/** Row-wise softmax of an n x k row-major matrix of logits. */
export function softmaxRows(z: Float64Array, out: Float64Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    const at = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) if ((z[at + c] as number) > max) max = z[at + c] as number;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((z[at + c] as number) - max);
    for (let c = 0; c < k; c++) out[at + c] = Math.exp((z[at + c] as number) - max) / sum;
  }
}
