import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logisticRegression } from '../src/families/logistic-regression.js';
import type { TrainingData } from '../src/model-interface.js';
import { SeededRandom } from '../src/seeded-random.js';

interface OptimumCase {
  name: string;
  n: number;
  d: number;
  k: number;
  l2: number;
  columns: number[][];
  y: number[];
  objective: number;
  coef: number[][];
  intercept: number[];
  predicted: number[];
}

// Written by fixtures/make_sklearn_lr_optimum.py (scikit-learn lbfgs, tol 1e-14).
const cases = JSON.parse(readFileSync(new URL('./fixtures/sklearn-lr-optimum.json', import.meta.url), 'utf8')) as OptimumCase[];

function trainingData(c: OptimumCase): TrainingData {
  return {
    columns: c.columns.map((col) => Float32Array.from(col)),
    n: c.n,
    d: c.d,
    y: Int32Array.from(c.y),
    k: c.k,
    sampleWeight: new Float64Array(c.n).fill(1),
    featureNames: c.columns.map((_, j) => `x${j}`),
  };
}

/** The package's objective, in float64, at the fitted (float32-stored) weights' source: the softmax head. */
function objectiveAt(c: OptimumCase, weights: Float64Array, bias: Float64Array): number {
  let loss = 0;
  const z = new Float64Array(c.k);
  for (let i = 0; i < c.n; i++) {
    for (let m = 0; m < c.k; m++) {
      let s = bias[m] as number;
      for (let j = 0; j < c.d; j++) s += Math.fround((c.columns[j] as number[])[i] as number) * (weights[j * c.k + m] as number);
      z[m] = s;
    }
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    for (const v of z) sum += Math.exp(v - max);
    loss += Math.log(sum) + max - (z[c.y[i] as number] as number);
  }
  let reg = 0;
  if (c.k === 2) for (let j = 0; j < c.d; j++) reg += (weights[j * 2 + 1] as number) ** 2;
  else for (let j = 0; j < c.d; j++) for (let m = 0; m < c.k; m++) reg += (weights[j * c.k + m] as number) ** 2;
  return loss / c.n + 0.5 * c.l2 * reg;
}

describe('logistic regression reaches scikit-learn\'s optimum at the default settings', () => {
  for (const c of cases) {
    it(`${c.name}: objective within 1e-9 relative, every predicted label the same`, async () => {
      const fitted = (await logisticRegression.train(trainingData(c), {}, { seed: 1, rng: new SeededRandom(1) })) as Awaited<ReturnType<typeof logisticRegression.train>> & {
        weights: Float64Array;
        bias: Float64Array;
      };
      const f = objectiveAt(c, fitted.weights, fitted.bias);
      // The weights are stored as float32 (the ONNX graph's type); that rounding alone moves the
      // objective by far less than 1e-9 relative.
      expect(Math.abs(f - c.objective) / c.objective).toBeLessThan(1e-9);
      const proba = fitted.predictProba(trainingData(c).columns, c.n);
      let differ = 0;
      for (let i = 0; i < c.n; i++) {
        let best = 0;
        for (let m = 1; m < c.k; m++) if ((proba[i * c.k + m] as number) > (proba[i * c.k + best] as number)) best = m;
        if (best !== c.predicted[i]) differ++;
      }
      expect(differ).toBe(0);
    });
  }
});
