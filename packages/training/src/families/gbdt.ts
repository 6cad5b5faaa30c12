import { z } from 'zod';
import { TrainingError } from '../errors.js';
import type { FittedModel, Model, TrainContext, TrainingData } from '../model-interface.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { parseParams } from './family-params.js';
import { softmaxRows } from './logistic-regression.js';
import { decodeTrees, encodeTrees } from './tree-codec.js';

const Params = z.strictObject({
  nTrees: z.number().int().positive().max(10_000).default(100),
  maxDepth: z.number().int().min(1).max(12).default(6),
  learningRate: z.number().positive().max(1).default(0.1),
  lambda: z.number().min(0).default(1),
  minChildWeight: z.number().min(0).default(1e-3),
  minSamplesLeaf: z.number().int().min(1).default(20),
  maxBins: z.number().int().min(2).max(255).default(255),
  subsample: z.number().gt(0).max(1).default(1),
});
type GbdtParams = z.output<typeof Params>;

/** One regression tree in flat arrays; node 0 is the root, feature -1 marks a leaf. */
export interface Tree {
  feature: Int32Array;
  /** float32 threshold: x <= threshold goes left. */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** float32 leaf value (learning rate included). */
  value: Float32Array;
  /** Split bin index per node (x <= threshold iff bin(x) <= bin), used while training. */
  bin: Int32Array;
  /** Class whose logit this tree adds to (0 for binary). */
  target: number;
}

const MAX_BINS = 256;

/**
 * Gradient-boosted trees on histograms of binned features (at most 255 bins, one byte per cell),
 * grown depth-wise with Newton leaf values; the larger child's histogram comes from the parent
 * minus the smaller child. Binary targets use one tree per round on the logit, multiclass one per class.
 */
export const gbdt: Model = {
  defaults: { nTrees: 100, maxDepth: 6, learningRate: 0.1, lambda: 1, minChildWeight: 1e-3, minSamplesLeaf: 20, maxBins: 255, subsample: 1 },
  async train(data, raw, ctx) {
    const params = parseParams(Params, raw, 'gbdt');
    return trainGbdt(data, params, ctx);
  },
};

async function trainGbdt(data: TrainingData, params: GbdtParams, ctx: TrainContext): Promise<FittedModel> {
  const { n, d, k, y, sampleWeight } = data;
  const edges = data.columns.map((col) => binEdges(col, params.maxBins));
  const bins = binRows(data.columns, edges, n);
  // Column-major copy for partitioning: one feature's bins for ascending rows read nearly sequentially.
  const columnBins = Array.from({ length: d }, (_, f) => {
    const col = new Uint8Array(n);
    for (let i = 0; i < n; i++) col[i] = bins[i * d + f] as number;
    return col;
  });
  const outputs = k === 2 ? 1 : k;
  const base = baseScores(y, sampleWeight, k);
  const score = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) for (let c = 0; c < outputs; c++) score[i * outputs + c] = base[c] as number;
  let trees: Tree[] = [];
  let startRound = 0;
  const sink = ctx.checkpoints;
  if (sink !== undefined) {
    const latest = await sink.latest();
    if (latest !== null) {
      trees = decodeTrees(latest.state);
      if (trees.length !== latest.step * outputs) throw new TrainingError('HOKUSAI_CHECKPOINT_INVALID', `The checkpoint at round ${latest.step} holds ${trees.length} trees, expected ${latest.step * outputs}. Delete the checkpoint folder to start over.`);
      // Replaying the saved trees in order reproduces the scores bit for bit.
      for (const t of trees) addTree(t, bins, d, n, score, outputs);
      startRound = latest.step;
    }
  }
  const rng = ctx.rng.fork();
  // Advance the sampling stream past the rounds already done, so a resumed run draws what an uninterrupted one would.
  for (let r = 0; r < startRound && params.subsample < 1; r++) for (let c = 0; c < outputs; c++) drawSample(rng, n, params.subsample);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const prob = new Float64Array(n * k);
  // The loss is computed only for a listener; it reads the scores and changes nothing.
  const report = (done: number): void => ctx.onProgress?.({ unit: 'trees', done, total: params.nTrees, loss: trainingLogLoss(score, y, sampleWeight, n, k) });
  if (ctx.onProgress !== undefined) report(startRound);
  for (let round = startRound; round < params.nTrees; round++) {
    if (outputs === 1) {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-(score[i] as number)));
        const w = sampleWeight[i] as number;
        g[i] = w * (p - (y[i] as number));
        h[i] = w * Math.max(p * (1 - p), 1e-16);
      }
    } else {
      softmaxRows(score, prob, n, k);
    }
    for (let c = 0; c < outputs; c++) {
      if (outputs > 1) {
        for (let i = 0; i < n; i++) {
          const p = prob[i * k + c] as number;
          const w = sampleWeight[i] as number;
          g[i] = w * (p - ((y[i] as number) === c ? 1 : 0));
          h[i] = w * Math.max(p * (1 - p), 1e-16);
        }
      }
      const rows = params.subsample < 1 ? drawSample(rng, n, params.subsample) : identity(n);
      const tree = growTree(bins, columnBins, d, edges, rows, g, h, params, c);
      trees.push(tree);
      addTree(tree, bins, d, n, score, outputs);
    }
    if (sink !== undefined && (round + 1) % sink.every === 0 && round + 1 < params.nTrees) await sink.save(round + 1, encodeTrees(trees));
    if (ctx.onProgress !== undefined) report(round + 1);
  }
  return treeModel(trees, base, d, k);
}

/** Weighted mean log-loss of the current scores (logits; one column for a binary target). */
function trainingLogLoss(score: Float64Array, y: Int32Array, w: Float64Array, n: number, k: number): number {
  let loss = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number;
    const yi = y[i] as number;
    let nll: number;
    if (k === 2) {
      const s = score[i] as number;
      nll = (s > 0 ? s : 0) + Math.log1p(Math.exp(-Math.abs(s))) - yi * s;
    } else {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, score[i * k + c] as number);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp((score[i * k + c] as number) - max);
      nll = Math.log(sum) + max - (score[i * k + yi] as number);
    }
    loss += wi * nll;
    total += wi;
  }
  return loss / total;
}

function identity(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

function drawSample(rng: TrainContext['rng'], n: number, fraction: number): Int32Array {
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if (rng.uniform() < fraction) picked.push(i);
  return Int32Array.from(picked);
}

function baseScores(y: Int32Array, w: Float64Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const c = y[i] as number;
    counts[c] = (counts[c] as number) + (w[i] as number);
    total += w[i] as number;
  }
  if (k === 2) {
    const p = Math.min(Math.max((counts[1] as number) / total, 1e-12), 1 - 1e-12);
    return Float64Array.of(Math.fround(Math.log(p / (1 - p))));
  }
  return Float64Array.from(counts, (c) => Math.fround(Math.log(Math.max(c / total, 1e-12))));
}

/** Up to maxBins - 1 float32 cut points from the data's own values, so x <= edge compares exactly in float32. */
function binEdges(col: Float32Array, maxBins: number): Float32Array {
  const n = col.length;
  const step = Math.max(1, Math.floor(n / 200_000));
  const sample = new Float32Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) sample[m++] = col[i] as number;
  const sorted = sample.subarray(0, m).sort();
  const unique: number[] = [];
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique.push(sorted[i] as number);
  // The largest value needs no cut: everything above the last edge falls in the last bin.
  unique.pop();
  if (unique.length <= maxBins - 1) return Float32Array.from(unique);
  const cuts: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const v = sorted[Math.min(m - 1, Math.floor((b * m) / maxBins))] as number;
    if (cuts.length === 0 || v > (cuts[cuts.length - 1] as number)) cuts.push(v);
  }
  return Float32Array.from(cuts);
}

/** Row-major n x d bin indexes: bin b holds edges[b-1] < x <= edges[b]. */
function binRows(columns: Float32Array[], edges: Float32Array[], n: number): Uint8Array {
  const d = columns.length;
  const bins = new Uint8Array(n * d);
  for (let f = 0; f < d; f++) {
    const col = columns[f] as Float32Array;
    const e = edges[f] as Float32Array;
    const ne = e.length;
    for (let i = 0; i < n; i++) {
      const x = col[i] as number;
      let lo = 0;
      let hi = ne;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x <= (e[mid] as number)) hi = mid;
        else lo = mid + 1;
      }
      bins[i * d + f] = lo;
    }
  }
  return bins;
}

interface NodeWork {
  id: number;
  rows: Int32Array;
  hist: Float64Array;
  g: number;
  h: number;
}

function buildHist(bins: Uint8Array, d: number, rows: Int32Array, g: Float64Array, h: Float64Array): Float64Array {
  const hist = new Float64Array(d * MAX_BINS * 3);
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t] as number;
    const gr = g[r] as number;
    const hr = h[r] as number;
    const base = r * d;
    for (let f = 0; f < d; f++) {
      const idx = (f * MAX_BINS + (bins[base + f] as number)) * 3;
      hist[idx] = (hist[idx] as number) + gr;
      hist[idx + 1] = (hist[idx + 1] as number) + hr;
      hist[idx + 2] = (hist[idx + 2] as number) + 1;
    }
  }
  return hist;
}

function growTree(
  bins: Uint8Array,
  columnBins: Uint8Array[],
  d: number,
  edges: Float32Array[],
  rows: Int32Array,
  g: Float64Array,
  h: Float64Array,
  p: GbdtParams,
  target: number,
): Tree {
  const scratch = new Int32Array(rows.length);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const binAt: number[] = [];
  const newNode = (): number => {
    binAt.push(-1);
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  let G = 0;
  let H = 0;
  for (let t = 0; t < rows.length; t++) {
    G += g[rows[t] as number] as number;
    H += h[rows[t] as number] as number;
  }
  let level: NodeWork[] = [{ id: newNode(), rows, hist: buildHist(bins, d, rows, g, h), g: G, h: H }];
  for (let depth = 0; depth <= p.maxDepth && level.length > 0; depth++) {
    const next: NodeWork[] = [];
    for (const node of level) {
      const split = depth < p.maxDepth ? bestSplit(node, d, edges, p) : null;
      if (split === null) {
        value[node.id] = Math.fround((-node.g / (node.h + p.lambda)) * p.learningRate);
        continue;
      }
      const thr = (edges[split.feature] as Float32Array)[split.bin] as number;
      feature[node.id] = split.feature;
      threshold[node.id] = thr;
      binAt[node.id] = split.bin;
      const l = newNode();
      const r = newNode();
      left[node.id] = l;
      right[node.id] = r;
      if (depth + 1 >= p.maxDepth) {
        // Children at the depth limit are leaves: their sums are known, so neither rows nor histograms are needed.
        const none = new Int32Array(0);
        const empty = new Float64Array(0);
        next.push({ id: l, rows: none, hist: empty, g: split.gl, h: split.hl });
        next.push({ id: r, rows: none, hist: empty, g: node.g - split.gl, h: node.h - split.hl });
        continue;
      }
      const [lr, rr] = partition(node.rows, columnBins[split.feature] as Uint8Array, split.bin, scratch);
      const smallIsLeft = lr.length <= rr.length;
      const smallHist = buildHist(bins, d, smallIsLeft ? lr : rr, g, h);
      const bigHist = node.hist;
      for (let i = 0; i < bigHist.length; i++) bigHist[i] = (bigHist[i] as number) - (smallHist[i] as number);
      next.push({ id: l, rows: lr, hist: smallIsLeft ? smallHist : bigHist, g: split.gl, h: split.hl });
      next.push({ id: r, rows: rr, hist: smallIsLeft ? bigHist : smallHist, g: node.g - split.gl, h: node.h - split.hl });
    }
    level = next;
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float32Array.from(value),
    bin: Int32Array.from(binAt),
    target,
  };
}

function bestSplit(node: NodeWork, d: number, edges: Float32Array[], p: GbdtParams): { feature: number; bin: number; gl: number; hl: number } | null {
  const { hist, g: G, h: H } = node;
  const n = node.rows.length;
  if (n < 2 * p.minSamplesLeaf) return null;
  const parentScore = (G * G) / (H + p.lambda);
  let best = 1e-12;
  let out: { feature: number; bin: number; gl: number; hl: number } | null = null;
  for (let f = 0; f < d; f++) {
    const ne = (edges[f] as Float32Array).length;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < ne; b++) {
      const idx = (f * MAX_BINS + b) * 3;
      gl += hist[idx] as number;
      hl += hist[idx + 1] as number;
      cl += hist[idx + 2] as number;
      if (cl < p.minSamplesLeaf || hl < p.minChildWeight) continue;
      const cr = n - cl;
      const hr = H - hl;
      if (cr < p.minSamplesLeaf) break;
      if (hr < p.minChildWeight) continue;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + p.lambda) + (gr * gr) / (hr + p.lambda) - parentScore;
      if (gain > best) {
        best = gain;
        out = { feature: f, bin: b, gl, hl };
      }
    }
  }
  return out;
}

/** Splits a node's rows (ascending) by one feature's bins, reading that feature's column-major bins. */
function partition(rows: Int32Array, colBins: Uint8Array, bin: number, scratch: Int32Array): [Int32Array, Int32Array] {
  let a = 0;
  let b = rows.length;
  // Left rows fill the scratch from the front, right rows from the back (reversed, then flipped).
  for (let t = 0; t < rows.length; t++) {
    const row = rows[t] as number;
    if ((colBins[row] as number) <= bin) scratch[a++] = row;
    else scratch[--b] = row;
  }
  const l = scratch.slice(0, a);
  const r = scratch.slice(a, rows.length).reverse();
  return [l, r];
}

/** Adds a tree's leaf values to the training scores, walking bins (x <= edge[b] iff bin <= b). */
function addTree(tree: Tree, bins: Uint8Array, d: number, n: number, score: Float64Array, outputs: number): void {
  const { feature, left, right, value, bin: binOf } = tree;
  for (let i = 0; i < n; i++) {
    let node = 0;
    while ((feature[node] as number) >= 0) node = (bins[i * d + (feature[node] as number)] as number) <= (binOf[node] as number) ? (left[node] as number) : (right[node] as number);
    const at = i * outputs + tree.target;
    score[at] = (score[at] as number) + (value[node] as number);
  }
}

function treeModel(trees: Tree[], base: Float64Array, d: number, k: number): FittedModel {
  const outputs = k === 2 ? 1 : k;
  return {
    backend: 'typed-array',
    predictProba(columns: Float32Array[], n: number): Float64Array {
      const raw = new Float64Array(n * outputs);
      for (let i = 0; i < n; i++) for (let c = 0; c < outputs; c++) raw[i * outputs + c] = base[c] as number;
      for (const t of trees) {
        const { feature, threshold, left, right, value } = t;
        for (let i = 0; i < n; i++) {
          let node = 0;
          while ((feature[node] as number) >= 0) {
            const x = (columns[feature[node] as number] as Float32Array)[i] as number;
            node = x <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
          }
          const at = i * outputs + t.target;
          raw[at] = (raw[at] as number) + (value[node] as number);
        }
      }
      const out = new Float64Array(n * k);
      if (outputs === 1) {
        for (let i = 0; i < n; i++) {
          const p = 1 / (1 + Math.exp(-(raw[i] as number)));
          out[i * 2] = 1 - p;
          out[i * 2 + 1] = p;
        }
      } else softmaxRows(raw, out, n, k);
      return out;
    },
    emitOnnx(g: OnnxGraph, features: string): string {
      const nodesTree: number[] = [];
      const nodesId: number[] = [];
      const nodesFeature: number[] = [];
      const nodesValue: number[] = [];
      const nodesMode: string[] = [];
      const nodesTrue: number[] = [];
      const nodesFalse: number[] = [];
      const tTree: number[] = [];
      const tNode: number[] = [];
      const tId: number[] = [];
      const tWeight: number[] = [];
      trees.forEach((t, ti) => {
        for (let nd = 0; nd < t.feature.length; nd++) {
          const leaf = (t.feature[nd] as number) < 0;
          nodesTree.push(ti);
          nodesId.push(nd);
          nodesFeature.push(leaf ? 0 : (t.feature[nd] as number));
          nodesValue.push(leaf ? 0 : (t.threshold[nd] as number));
          nodesMode.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
          nodesTrue.push(leaf ? 0 : (t.left[nd] as number));
          nodesFalse.push(leaf ? 0 : (t.right[nd] as number));
          if (leaf) {
            tTree.push(ti);
            tNode.push(nd);
            tId.push(t.target);
            tWeight.push(t.value[nd] as number);
          }
        }
      });
      const rawScores = g.node(
        'TreeEnsembleRegressor',
        [features],
        [
          { name: 'n_targets', i: outputs },
          { name: 'aggregate_function', s: 'SUM' },
          { name: 'post_transform', s: 'NONE' },
          { name: 'base_values', floats: base },
          { name: 'nodes_treeids', ints: nodesTree },
          { name: 'nodes_nodeids', ints: nodesId },
          { name: 'nodes_featureids', ints: nodesFeature },
          { name: 'nodes_values', floats: nodesValue },
          { name: 'nodes_modes', strings: nodesMode },
          { name: 'nodes_truenodeids', ints: nodesTrue },
          { name: 'nodes_falsenodeids', ints: nodesFalse },
          { name: 'target_treeids', ints: tTree },
          { name: 'target_nodeids', ints: tNode },
          { name: 'target_ids', ints: tId },
          { name: 'target_weights', floats: tWeight },
        ],
        { domain: 'ai.onnx.ml' },
      );
      // Binary: logits (0, z) so Softmax gives (1 - sigmoid(z), sigmoid(z)).
      const logits = outputs === 1 ? g.node('MatMul', [rawScores, g.constant('to_logits', [1, 2], { type: 'float', values: [0, 1] })]) : rawScores;
      return g.node('Softmax', [logits], [{ name: 'axis', i: 1 }]);
    },
  };
}
