import { AttestationError } from './errors.js';
import { LINEAR_FEATURES, LINEAR_LOGIT_BITS } from './linear-circuit.js';
import type { LinearModel } from './onnx-linear-model.js';
import { poseidonHash } from './poseidon.js';

/**
 * Fixed point of the inference proof (documented in the README, "What the inference proof
 * states"): a feature value v is round(fround(v) * 2^16) (fround: the float32 the ONNX model is
 * fed), a weight w is round(w * 2^32), the bias is round(b * 2^48), so the logit
 * b + sum w x is an integer at scale 2^48. Rounding is half away from zero.
 */
export const FEATURE_SCALE_BITS = 16;
export const WEIGHT_SCALE_BITS = 32;
export const QUANTIZATION_SCHEME = 'hokusai-linear-fixed-point-v1';

/**
 * The benchmark as the circuit sees it: each numeric column gives two features (the value, 0 when
 * missing, and 1 when present), each categorical column one 0/1 feature per distinct value of the
 * benchmark (a missing value is the category ''), in this order, padded with zeros to F. It
 * depends on the benchmark and the column names only, so the owner can commit to it before any
 * model exists; imputation, standardization and the models' own category lists are folded into
 * each model's weights instead.
 */
export interface BenchmarkPlan {
  numeric: string[];
  categorical: { name: string; categories: string[] }[];
}

export type BenchmarkColumn = ArrayLike<number | null> | readonly (string | null)[];
export type BenchmarkColumns = Record<string, BenchmarkColumn>;

export interface QuantizedModel {
  weights: bigint[];
  bias: bigint;
}

export interface QuantizedBenchmark {
  plan: BenchmarkPlan;
  rows: number;
  /** rows x F fixed-point features. */
  x: bigint[][];
  /** 0/1 labels (1 = positive class). */
  y: Uint8Array;
}

const ONE = 1n << BigInt(FEATURE_SCALE_BITS);

function roundHalfAway(v: number): bigint {
  if (!Number.isFinite(v)) throw new AttestationError('HOKUSAI_QUANTIZATION', `cannot quantize ${v}`);
  const r = Math.round(Math.abs(v));
  // Math.round rounds x.5 up; on the magnitude that is half away from zero.
  return v < 0 ? -BigInt(r) : BigInt(r);
}

/** Fixed-point value of a real number at 2^bits, exact for float64 inputs (no 2^53 overflow). */
function fixed(v: number, bits: number): bigint {
  const scaled = v * 2 ** bits;
  if (Math.abs(scaled) < 2 ** 52) return roundHalfAway(scaled);
  return roundHalfAway(v) << BigInt(bits);
}

function isNumericColumn(c: BenchmarkColumn): c is ArrayLike<number | null> {
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (v === null || v === undefined) continue;
    return typeof v === 'number';
  }
  return !Array.isArray(c);
}

/** The feature plan over `columns` of a benchmark (numeric, then categorical, each by name); categories are the benchmark's own, sorted. */
export function benchmarkPlan(table: BenchmarkColumns, columns: readonly string[]): BenchmarkPlan {
  const plan: BenchmarkPlan = { numeric: [], categorical: [] };
  // Sorted by name, so the owner registering the benchmark and a run reading the models' inputs
  // (in whatever order) arrive at the same plan and the same B.
  for (const name of [...new Set(columns)].sort()) {
    const c = table[name];
    if (c === undefined) throw new AttestationError('HOKUSAI_INFERENCE_UNSUPPORTED', `the benchmark has no usable column "${name}", which the model reads`);
    if (isNumericColumn(c)) plan.numeric.push(name);
    else {
      const values = new Set<string>();
      for (const v of c as readonly (string | null)[]) values.add(v ?? '');
      plan.categorical.push({ name, categories: [...values].sort() });
    }
  }
  const width = planWidth(plan);
  if (width > LINEAR_FEATURES) {
    throw new AttestationError('HOKUSAI_INFERENCE_UNSUPPORTED', `the benchmark has ${width} features as the circuit sees them (2 per numeric column, 1 per category); the inference circuit holds ${LINEAR_FEATURES}`);
  }
  return plan;
}

export function planWidth(plan: BenchmarkPlan): number {
  return 2 * plan.numeric.length + plan.categorical.reduce((s, c) => s + c.categories.length, 0);
}

/** The benchmark's rows in fixed point, padded to F features. */
export function quantizeBenchmark(plan: BenchmarkPlan, table: BenchmarkColumns, labels: ArrayLike<number>): QuantizedBenchmark {
  const rows = labels.length;
  const x: bigint[][] = [];
  for (let r = 0; r < rows; r++) x.push(new Array<bigint>(LINEAR_FEATURES).fill(0n));
  let slot = 0;
  for (const name of plan.numeric) {
    const c = table[name] as ArrayLike<number | null>;
    for (let r = 0; r < rows; r++) {
      const v = c[r];
      const row = x[r] as bigint[];
      if (v === null || v === undefined || Number.isNaN(v)) continue;
      row[slot] = fixed(Math.fround(v), FEATURE_SCALE_BITS);
      row[slot + 1] = ONE;
    }
    slot += 2;
  }
  for (const { name, categories } of plan.categorical) {
    const c = table[name] as readonly (string | null)[];
    const at = new Map(categories.map((v, k) => [v, k]));
    for (let r = 0; r < rows; r++) {
      const k = at.get(c[r] ?? '');
      if (k === undefined) throw new AttestationError('HOKUSAI_INVALID_INPUT', `benchmark row ${r}, column ${name}: a category the plan does not list`);
      (x[r] as bigint[])[slot + k] = ONE;
    }
    slot += categories.length;
  }
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const l = labels[r];
    if (l !== 0 && l !== 1) throw new AttestationError('HOKUSAI_INVALID_INPUT', `benchmark row ${r}: the label must be 0 or 1 for the inference proof, got ${String(l)}`);
    y[r] = l;
  }
  return { plan, rows, x, y };
}

/**
 * A model's weights over the benchmark plan, in fixed point. Numeric column j with mean m, scale s
 * and weight w contributes w s (x - m) when present and 0 when missing (imputation with the mean),
 * so the value feature gets w s and the present feature -w s m. A category the model never saw
 * gets weight 0 (its one-hot is all zeros). The threshold t is folded into the bias
 * (score >= t exactly when logit >= ln(t / (1 - t))).
 */
export function quantizeModel(model: LinearModel, plan: BenchmarkPlan, threshold = 0.5, file = 'model.onnx'): QuantizedModel {
  const weights = new Array<bigint>(LINEAR_FEATURES).fill(0n);
  const planned = new Set([...plan.numeric, ...plan.categorical.map((c) => c.name)]);
  for (const c of [...model.numeric.map((n) => n.name), ...model.categorical.map((n) => n.name)]) {
    if (!planned.has(c)) throw new AttestationError('HOKUSAI_INFERENCE_UNSUPPORTED', `${file} reads the column "${c}", which the benchmark commitment does not hold`);
  }
  let slot = 0;
  for (const name of plan.numeric) {
    const n = model.numeric.find((v) => v.name === name);
    if (n !== undefined) {
      const ws = n.weight * n.scale;
      weights[slot] = fixed(ws, WEIGHT_SCALE_BITS);
      weights[slot + 1] = fixed(-ws * n.mean, WEIGHT_SCALE_BITS);
    }
    slot += 2;
  }
  for (const { name, categories } of plan.categorical) {
    const c = model.categorical.find((v) => v.name === name);
    categories.forEach((value, k) => {
      const w = c?.categories.find((v) => v.value === value)?.weight;
      if (w !== undefined) weights[slot + k] = fixed(w, WEIGHT_SCALE_BITS);
    });
    slot += categories.length;
  }
  if (!(threshold > 0 && threshold < 1)) throw new AttestationError('HOKUSAI_INVALID_INPUT', `the decision threshold must lie strictly between 0 and 1, got ${threshold}`);
  const bias = fixed(model.bias - Math.log(threshold / (1 - threshold)), FEATURE_SCALE_BITS + WEIGHT_SCALE_BITS);
  return { weights, bias };
}

/**
 * One step of the benchmark chain, exactly as the circuit computes it:
 * acc' = Poseidon(Poseidon(acc, x[0..14]), x[15..F-1], y).
 */
export function chainRow(acc: bigint, x: readonly bigint[], y: bigint): bigint {
  const first = poseidonHash([acc, ...x.slice(0, 15)]);
  return poseidonHash([first, ...x.slice(15, LINEAR_FEATURES), y]);
}

/** B: the chain over every row from 0. Independent of how the rows are later split into chunks. */
export function benchmarkCommitment(q: QuantizedBenchmark): string {
  let acc = 0n;
  for (let r = 0; r < q.rows; r++) acc = chainRow(acc, q.x[r] as bigint[], BigInt(q.y[r] as number));
  return acc.toString();
}

/** M: the same hash over the weights (in place of the features) and the bias (in place of the label). */
export function modelCommitment(m: QuantizedModel): string {
  return chainRow(0n, m.weights, m.bias).toString();
}

/** The circuit's hard label of each row (logit >= 0); fails when a logit leaves the circuit's range. */
export function circuitLabels(m: QuantizedModel, q: QuantizedBenchmark, file = 'model.onnx'): Uint8Array {
  const limit = 1n << BigInt(LINEAR_LOGIT_BITS - 1);
  const out = new Uint8Array(q.rows);
  for (let r = 0; r < q.rows; r++) {
    let z = m.bias;
    const x = q.x[r] as bigint[];
    for (let i = 0; i < LINEAR_FEATURES; i++) z += (m.weights[i] as bigint) * (x[i] as bigint);
    if (z >= limit || z < -limit) throw new AttestationError('HOKUSAI_QUANTIZATION', `${file}, benchmark row ${r}: the fixed-point logit needs more than ${LINEAR_LOGIT_BITS} bits; the inference circuit cannot prove it`);
    out[r] = z >= 0n ? 1 : 0;
  }
  return out;
}

export interface LabelMismatch {
  /** Rows where the circuit's label differs from the float pipeline's (score >= threshold). */
  rows: number[];
  /** Rows whose float score equals the threshold exactly (either label is defensible there). */
  at_threshold: number[];
}

/** Compares the circuit's labels with the float scores the pipeline reported. */
export function labelMismatch(circuit: Uint8Array, scores: ArrayLike<number>, threshold: number): LabelMismatch {
  const rows: number[] = [];
  const atThreshold: number[] = [];
  for (let r = 0; r < circuit.length; r++) {
    const s = scores[r] as number;
    if (s === threshold) atThreshold.push(r);
    if ((s >= threshold ? 1 : 0) !== circuit[r]) rows.push(r);
  }
  return { rows, at_threshold: atThreshold };
}
