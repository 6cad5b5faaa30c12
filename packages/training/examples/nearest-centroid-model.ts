/**
 * A custom model family: nearest centroid with softmax over negative squared distances.
 * Register it once, then select it by name: trainModel(table, { family: 'nearest_centroid', ... }).
 * The package does the featurization, the ONNX wrapping and the checks; the family only maps the
 * feature matrix to probabilities, in process and as ONNX operators.
 */
import { registerModel, type FittedModel, type Model, type OnnxGraph, type TrainingData } from '@hokusai/training';

export const nearestCentroid: Model = {
  defaults: { temperature: 1 },
  async train(data: TrainingData, params): Promise<FittedModel> {
    const temperature = typeof params['temperature'] === 'number' ? params['temperature'] : 1;
    const { n, d, k, columns, y } = data;
    const centroids = new Float32Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) counts[y[i] as number]! += 1;
    for (let j = 0; j < d; j++) {
      const sums = new Float64Array(k);
      const col = columns[j] as Float32Array;
      for (let i = 0; i < n; i++) sums[y[i] as number]! += col[i] as number;
      for (let c = 0; c < k; c++) centroids[c * d + j] = (sums[c] as number) / Math.max(1, counts[c] as number);
    }
    const scale = Math.fround(-1 / temperature);
    return {
      backend: 'typed-array',
      predictProba(cols: Float32Array[], rows: number): Float64Array {
        const out = new Float64Array(rows * k);
        for (let i = 0; i < rows; i++) {
          const logits = new Float64Array(k);
          for (let c = 0; c < k; c++) {
            let dist = 0;
            for (let j = 0; j < d; j++) dist += ((cols[j] as Float32Array)[i]! - centroids[c * d + j]!) ** 2;
            logits[c] = dist * scale;
          }
          const max = Math.max(...logits);
          let sum = 0;
          for (let c = 0; c < k; c++) sum += Math.exp(logits[c]! - max);
          for (let c = 0; c < k; c++) out[i * k + c] = Math.exp(logits[c]! - max) / sum;
        }
        return out;
      },
      emitOnnx(g: OnnxGraph, features: string): string {
        // |x - c|^2 = |x|^2 - 2 x.c + |c|^2, as plain ONNX operators.
        const ct = new Float32Array(d * k);
        const norms = new Float32Array(k);
        for (let c = 0; c < k; c++) {
          for (let j = 0; j < d; j++) {
            ct[j * k + c] = -2 * centroids[c * d + j]!;
            norms[c] = norms[c]! + centroids[c * d + j]! ** 2;
          }
        }
        const xx = g.node('ReduceSumSquare', [features], [{ name: 'axes', ints: [1] }, { name: 'keepdims', i: 1 }]);
        const cross = g.node('MatMul', [features, g.constant('centroids_t', [d, k], { type: 'float', values: ct })]);
        const dist = g.node('Add', [g.node('Add', [cross, xx]), g.constant('centroid_norms', [k], { type: 'float', values: norms })]);
        const logits = g.node('Mul', [dist, g.constant('scale', [], { type: 'float', values: [scale] })]);
        return g.node('Softmax', [logits], [{ name: 'axis', i: 1 }]);
      },
    };
  },
};

registerModel('nearest_centroid', () => nearestCentroid);
