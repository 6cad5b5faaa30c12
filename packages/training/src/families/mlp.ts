import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { z } from 'zod';
import { TrainingError } from '../errors.js';
import type { FittedModel, Model } from '../model-interface.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { SeededRandom } from '../seeded-random.js';
import { parseParams } from './family-params.js';
import { softmaxRows } from './logistic-regression.js';
import { tensorflow } from './tfjs-backend.js';

const Params = z.strictObject({
  hidden: z.array(z.number().int().positive().max(4096)).max(8).default([64, 64]),
  epochs: z.number().int().positive().max(10_000).default(5),
  /** 'auto': n / 200 clamped to [32, 2048], so small tables still get ~200 steps per epoch and large ones few, cheap steps. */
  batchSize: z.union([z.literal('auto'), z.number().int().positive()]).default('auto'),
  learningRate: z.number().positive().default(1e-3),
  l2: z.number().min(0).default(0),
});

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-7;

interface MlpState {
  epoch: number;
  step: number;
  weights: number[][];
  optimizer: number[][];
}

let runCounter = 0;

/**
 * Multi-layer perceptron (ReLU hidden layers, softmax output) trained with Adam on TensorFlow.js.
 * Weights start from a Glorot-uniform draw of the package's own seeded generator and batches follow
 * a seeded permutation per epoch, so a backend gives the same weights for the same seed.
 */
export const mlp: Model = {
  defaults: { hidden: [64, 64], epochs: 5, batchSize: 'auto', learningRate: 1e-3, l2: 0 },
  async train(data, raw, ctx) {
    const p = parseParams(Params, raw, 'mlp');
    const { tf, backend } = await tensorflow();
    const { n, d, k, columns, y, sampleWeight } = data;
    const sizes = [d, ...p.hidden, k];
    const init = new SeededRandom(ctx.seed).fork();
    const run = runCounter++;
    let state: MlpState = { epoch: 0, step: 0, weights: glorot(sizes, init), optimizer: [] };
    const sink = ctx.checkpoints;
    if (sink !== undefined) {
      const latest = await sink.latest();
      if (latest !== null) state = decodeState(latest.state, sizes);
    }
    const vars: Variable[] = state.weights.map((w, i) => {
      const layer = Math.floor(i / 2);
      const shape = i % 2 === 0 ? [sizes[layer] as number, sizes[layer + 1] as number] : [sizes[layer + 1] as number];
      return tf.variable(tf.tensor(Float32Array.from(w), shape), true, `hokusai_mlp_${run}_${i}`);
    });
    // Adam written out here, with bias corrections from the step count in float64: a resumed run
    // then continues with exactly the state an uninterrupted one would have.
    const moments: Variable[] = [...vars, ...vars].map((v, i) => tf.variable(tf.tensor(Float32Array.from(state.optimizer[i] ?? new Array<number>(v.size).fill(0)), v.shape), false));
    let step = state.step;
    const dense = denseLayer(tf);
    // Row-major copy so a shuffled batch reads one contiguous run per row instead of one cell per column.
    const rowMajor = new Float32Array(n * d);
    for (let j = 0; j < d; j++) {
      const col = columns[j] as Float32Array;
      for (let i = 0; i < n; i++) rowMajor[i * d + j] = col[i] as number;
    }
    const bs = Math.min(p.batchSize === 'auto' ? Math.max(32, Math.min(2048, Math.round(n / 200))) : p.batchSize, n);
    const xb = new Float32Array(bs * d);
    const yb = new Float32Array(bs * k);
    const wb = new Float32Array(bs);
    ctx.onProgress?.({ unit: 'epochs', done: state.epoch, total: p.epochs });
    try {
      for (let epoch = state.epoch; epoch < p.epochs; epoch++) {
        // A per-epoch generator keeps a resumed run on the same batches as an uninterrupted one.
        const perm = new SeededRandom(ctx.seed * 7919 + epoch).permutation(n);
        let epochLoss = 0;
        let batches = 0;
        for (let start = 0; start + bs <= n; start += bs) {
          yb.fill(0);
          for (let b = 0; b < bs; b++) {
            const r = perm[start + b] as number;
            yb[b * k + (y[r] as number)] = 1;
            wb[b] = sampleWeight[r] as number;
          }
          for (let b = 0; b < bs; b++) {
            const from = (perm[start + b] as number) * d;
            const to = b * d;
            for (let j = 0; j < d; j++) xb[to + j] = rowMajor[from + j] as number;
          }
          step++;
          const c1 = 1 - ADAM_BETA1 ** step;
          const c2 = 1 - ADAM_BETA2 ** step;
          tf.tidy(() => {
            const xt = tf.tensor2d(xb, [bs, d]);
            const yt = tf.tensor2d(yb, [bs, k]);
            const wt = tf.tensor1d(wb);
            const { value, grads } = tf.variableGrads(() => {
              let h: Tensor = xt;
              for (let l = 0; l < sizes.length - 1; l++) {
                h = (l === 0 ? dense.first : dense.inner)(h, vars[2 * l] as Variable, vars[2 * l + 1] as Variable);
                if (l < sizes.length - 2) h = tf.relu(h);
              }
              const nll = tf.neg(tf.sum(tf.mul(yt, tf.logSoftmax(h)), 1));
              let loss = tf.div(tf.sum(tf.mul(nll, wt)), tf.sum(wt));
              if (p.l2 > 0) for (let l = 0; l < sizes.length - 1; l++) loss = tf.add(loss, tf.mul(0.5 * p.l2, tf.sum(tf.square(vars[2 * l] as Variable))));
              return loss as Scalar;
            }, vars);
            // Read only for a listener: the value is computed either way, reading it changes nothing.
            if (ctx.onProgress !== undefined) {
              epochLoss += (value.dataSync()[0] as number);
              batches++;
            }
            vars.forEach((v, i) => {
              const g = grads[v.name] as Tensor;
              const m = moments[i] as Variable;
              const s2 = moments[vars.length + i] as Variable;
              m.assign(tf.add(tf.mul(m, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1)));
              s2.assign(tf.add(tf.mul(s2, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2)));
              const update = tf.div(tf.mul(m, p.learningRate / c1), tf.add(tf.sqrt(tf.div(s2, c2)), ADAM_EPSILON));
              v.assign(tf.sub(v, update));
            });
          });
        }
        if (sink !== undefined && (epoch + 1) % sink.every === 0 && epoch + 1 < p.epochs) {
          const snapshot: MlpState = { epoch: epoch + 1, step, weights: vars.map((v) => Array.from(v.dataSync())), optimizer: moments.map((m) => Array.from(m.dataSync())) };
          await sink.save(epoch + 1, new TextEncoder().encode(JSON.stringify(snapshot)));
        }
        ctx.onProgress?.({ unit: 'epochs', done: epoch + 1, total: p.epochs, ...(batches === 0 ? {} : { loss: epochLoss / batches }) });
      }
      const weights = vars.map((v) => Float32Array.from(v.dataSync()));
      for (const w of weights) {
        for (let i = 0; i < w.length; i++) {
          if (!Number.isFinite(w[i])) throw new TrainingError('HOKUSAI_TRAINING_DIVERGED', 'The MLP weights became non-finite. Lower learningRate or check the features for extreme values.');
        }
      }
      return denseNetwork(weights, sizes, backend);
    } finally {
      for (const v of [...vars, ...moments]) v.dispose();
    }
  },
};


type Tf = Awaited<ReturnType<typeof tensorflow>>['tf'];
type DenseFn = (x: Tensor, w: Tensor, b: Tensor) => Tensor;

/**
 * x W + b with a hand-written gradient: TensorFlow.js differentiates MatMul into transposed
 * matmuls, which the wasm backend runs about ten times slower than an explicit transpose followed
 * by a plain matmul. The first layer skips the input gradient nobody needs.
 */
function denseLayer(tf: Tf): { first: DenseFn; inner: DenseFn } {
  const make = (needInputGrad: boolean): DenseFn =>
    tf.customGrad((...args: unknown[]) => {
      const [x, w, b, save] = args as [Tensor, Tensor, Tensor, (t: Tensor[]) => void];
      save([x, w]);
      return {
        value: tf.add(tf.matMul(x, w), b),
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
          const g = dy as Tensor;
          const [sx, sw] = saved as [Tensor, Tensor];
          return [needInputGrad ? tf.matMul(g, tf.transpose(sw)) : tf.zerosLike(sx), tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
        },
      };
    }) as unknown as DenseFn;
  return { first: make(false), inner: make(true) };
}

function glorot(sizes: number[], rng: SeededRandom): number[][] {
  const out: number[][] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const fanIn = sizes[l] as number;
    const fanOut = sizes[l + 1] as number;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    out.push(Array.from({ length: fanIn * fanOut }, () => Math.fround((rng.uniform() * 2 - 1) * limit)));
    out.push(new Array<number>(fanOut).fill(0));
  }
  return out;
}

function decodeState(bytes: Uint8Array, sizes: number[]): MlpState {
  const Schema = z.object({ epoch: z.number().int().min(0), step: z.number().int().min(0), weights: z.array(z.array(z.number())), optimizer: z.array(z.array(z.number())) });
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    raw = undefined;
  }
  const parsed = Schema.safeParse(raw);
  if (!parsed.success || parsed.data.weights.length !== 2 * (sizes.length - 1) || parsed.data.optimizer.length !== parsed.data.weights.length * 2) {
    throw new TrainingError('HOKUSAI_CHECKPOINT_INVALID', 'The MLP checkpoint does not match this network. Delete the checkpoint folder to start over.');
  }
  return parsed.data;
}

/** Dense ReLU network with a softmax head, evaluated in float64 from float32 weights. */
function denseNetwork(weights: Float32Array[], sizes: number[], backend: string): FittedModel {
  const layers = sizes.length - 1;
  return {
    backend,
    predictProba(columns: Float32Array[], n: number): Float64Array {
      const k = sizes[layers] as number;
      const out = new Float64Array(n * k);
      const BLOCK = 1024;
      for (let start = 0; start < n; start += BLOCK) {
        const len = Math.min(BLOCK, n - start);
        let h = new Float64Array(len * (sizes[0] as number));
        const d = sizes[0] as number;
        for (let j = 0; j < d; j++) {
          const col = columns[j] as Float32Array;
          for (let i = 0; i < len; i++) h[i * d + j] = col[start + i] as number;
        }
        for (let l = 0; l < layers; l++) {
          const a = sizes[l] as number;
          const b = sizes[l + 1] as number;
          const w = weights[2 * l] as Float32Array;
          const bias = weights[2 * l + 1] as Float32Array;
          const next = new Float64Array(len * b);
          for (let i = 0; i < len; i++) {
            const row = i * b;
            for (let o = 0; o < b; o++) next[row + o] = bias[o] as number;
            for (let q = 0; q < a; q++) {
              const x = h[i * a + q] as number;
              if (x === 0) continue;
              const wr = q * b;
              for (let o = 0; o < b; o++) next[row + o] = (next[row + o] as number) + x * (w[wr + o] as number);
            }
            if (l < layers - 1) for (let o = 0; o < b; o++) if ((next[row + o] as number) < 0) next[row + o] = 0;
          }
          h = next;
        }
        const block = new Float64Array(len * k);
        softmaxRows(h, block, len, k);
        out.set(block, start * k);
      }
      return out;
    },
    emitOnnx(g: OnnxGraph, features: string): string {
      let h = features;
      for (let l = 0; l < layers; l++) {
        const w = g.constant(`w${l}`, [sizes[l] as number, sizes[l + 1] as number], { type: 'float', values: weights[2 * l] as Float32Array });
        const b = g.constant(`b${l}`, [sizes[l + 1] as number], { type: 'float', values: weights[2 * l + 1] as Float32Array });
        h = g.node('Add', [g.node('MatMul', [h, w]), b]);
        if (l < layers - 1) h = g.node('Relu', [h]);
      }
      return g.node('Softmax', [h], [{ name: 'axis', i: 1 }]);
    },
  };
}
