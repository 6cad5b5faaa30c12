import { z } from 'zod';
import { TrainingError } from '../errors.js';
import type { FittedModel, Model, TrainingData } from '../model-interface.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { lbfgs } from './lbfgs.js';
import { parseParams } from './family-params.js';

const Params = z.strictObject({
  l2: z.number().min(0).default(1e-4),
  maxIter: z.number().int().positive().default(200),
  tol: z.number().positive().default(1e-6),
});

/**
 * Logistic regression fitted by L-BFGS on the weighted mean log-loss plus (l2 / 2) * |w|^2
 * (intercepts unpenalized). Binary targets use one weight vector (a sigmoid); multiclass
 * targets a softmax with one row per class. One fused pass over the rows per evaluation.
 */
export const logisticRegression: Model = {
  defaults: { l2: 1e-4, maxIter: 200, tol: 1e-6 },
  async train(data, raw) {
    const params = parseParams(Params, raw, 'logistic_regression');
    const { d, k } = data;
    const rows = k === 2 ? 1 : k;
    const objective = k === 2 ? binaryObjective(data, params.l2) : softmaxObjective(data, params.l2);
    const result = lbfgs(objective, new Float64Array(rows * (d + 1)), { maxIter: params.maxIter, gtol: params.tol, ftol: 1e-12, memory: 10 });
    if (!Number.isFinite(result.f)) {
      throw new TrainingError('HOKUSAI_TRAINING_DIVERGED', 'Logistic regression produced a non-finite loss. Check the features for extreme values or raise l2.');
    }
    return linearModel(result.x, d, k);
  },
};

function binaryObjective(data: TrainingData, l2: number) {
  const { x, y, n, d, sampleWeight } = data;
  let total = 0;
  for (let i = 0; i < n; i++) total += sampleWeight[i] as number;
  const inv = 1 / total;
  return (p: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    const b = p[d] as number;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let zi = b;
      for (let j = 0; j < d; j++) zi += (x[row + j] as number) * (p[j] as number);
      const w = sampleWeight[i] as number;
      const yi = y[i] as number;
      // log(1 + e^z) computed without overflow for large |z|.
      const sp = zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi));
      loss += w * (sp - yi * zi);
      const pr = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
      const r = w * (pr - yi);
      if (r !== 0) {
        for (let j = 0; j < d; j++) g[j] = (g[j] as number) + r * (x[row + j] as number);
        gb += r;
      }
    }
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

function softmaxObjective(data: TrainingData, l2: number) {
  const { x, y, n, d, k, sampleWeight } = data;
  const stride = d + 1;
  let total = 0;
  for (let i = 0; i < n; i++) total += sampleWeight[i] as number;
  const inv = 1 / total;
  const logits = new Float64Array(k);
  return (p: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        const base = c * stride;
        let zc = p[base + d] as number;
        for (let j = 0; j < d; j++) zc += (x[row + j] as number) * (p[base + j] as number);
        logits[c] = zc;
        if (zc > max) max = zc;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp((logits[c] as number) - max);
        logits[c] = e;
        sum += e;
      }
      const w = sampleWeight[i] as number;
      const yi = y[i] as number;
      loss += w * (Math.log(sum) - Math.log(logits[yi] as number));
      for (let c = 0; c < k; c++) {
        const r = w * ((logits[c] as number) / sum - (c === yi ? 1 : 0));
        const base = c * stride;
        for (let j = 0; j < d; j++) g[base + j] = (g[base + j] as number) + r * (x[row + j] as number);
        g[base + d] = (g[base + d] as number) + r;
      }
    }
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
    predictProba(x: Float64Array, n: number): Float64Array {
      const out = new Float64Array(n * k);
      const z = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        const row = i * d;
        for (let c = 0; c < k; c++) z[c] = bias[c] as number;
        for (let j = 0; j < d; j++) {
          const xv = x[row + j] as number;
          if (xv === 0) continue;
          const wr = j * k;
          for (let c = 0; c < k; c++) z[c] = (z[c] as number) + xv * (weights[wr + c] as number);
        }
        softmaxInto(z, out, i * k);
      }
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

export function softmaxInto(z: Float64Array, out: Float64Array, at: number): void {
  const k = z.length;
  let max = -Infinity;
  for (let c = 0; c < k; c++) if ((z[c] as number) > max) max = z[c] as number;
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp((z[c] as number) - max);
  for (let c = 0; c < k; c++) out[at + c] = Math.exp((z[c] as number) - max) / sum;
}
