import type { OnnxGraph } from './onnx/onnx-graph.js';
import type { SeededRandom } from './seeded-random.js';

/** The featurized training set every model family receives. */
export interface TrainingData {
  /**
   * Feature columns (column-major, one Float32Array of n values per feature): scaled numerics,
   * then one-hot blocks, then hashed blocks. Float32 because the ONNX graph computes in float32.
   */
  columns: Float32Array[];
  n: number;
  d: number;
  /** Class index per row, 0..k-1. */
  y: Int32Array;
  k: number;
  /** Per-row weight from the class weights (all 1 when none are set). */
  sampleWeight: Float64Array;
  featureNames: string[];
}

/** Where a family saves and resumes its progress; absent when checkpointing is off. */
export interface CheckpointSink {
  /** Save every this many epochs or trees. */
  every: number;
  save(step: number, state: Uint8Array): Promise<void>;
  /** The newest saved state, if a previous run left one. */
  latest(): Promise<{ step: number; state: Uint8Array } | null>;
}

/**
 * How far a family's training loop has come, in the family's own unit: iterations (L-BFGS, or Newton steps) for
 * logistic regression, boosting rounds (trees per class) for gbdt, epochs for the MLP.
 */
export interface TrainProgress {
  unit: 'epochs' | 'iterations' | 'trees';
  done: number;
  /**
   * The planned count. For 'iterations' it is the cap (maxIter): the fit may converge sooner, and
   * its last report then has total = done.
   */
  total: number;
  /**
   * The training objective after `done` (weighted mean log-loss, plus the L2 term where the
   * family has one); families that report it do so on every report.
   */
  loss?: number;
}

export interface TrainContext {
  seed: number;
  rng: SeededRandom;
  checkpoints?: CheckpointSink | undefined;
  /**
   * Report progress once per epoch, iteration or round (never per row); the package throttles
   * what reaches the caller. Reporting must not change what is computed.
   */
  onProgress?: ((progress: TrainProgress) => void) | undefined;
}

/** A trained model over the featurized matrix. */
export interface FittedModel {
  /** Backend that computed the weights, e.g. 'typed-array' or 'tfjs-wasm'. */
  readonly backend: string;
  /** n x k class probabilities, row-major, computed in float64. */
  predictProba(columns: Float32Array[], n: number): Float64Array;
  /**
   * Writes the model head into `graph`: reads the [N, d] float feature tensor named `features`
   * and returns the name of a [N, k] float probabilities tensor.
   */
  emitOnnx(graph: OnnxGraph, features: string): string;
}

/**
 * A model family. Register one with `registerModel(name, factory)` and select it with
 * `trainModel(table, { family: name, params })`: the package featurizes the table, calls `train`,
 * wraps the result with featurization into one ONNX file and checks nothing else.
 */
export interface Model {
  /** Defaults merged under the user's params; recorded in the model metadata. */
  readonly defaults: Readonly<Record<string, unknown>>;
  train(data: TrainingData, params: Readonly<Record<string, unknown>>, ctx: TrainContext): Promise<FittedModel>;
}

export type ModelFactory = () => Model;
