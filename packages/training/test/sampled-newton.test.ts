import { describe, expect, it } from 'vitest';
import { lbfgs } from '../src/families/lbfgs.js';
import { binaryObjective, fitLogisticRegression, SAMPLED_NEWTON_MAX_INPUTS, SAMPLED_NEWTON_MIN_ROWS, takesSampledNewton, type RowParts } from '../src/families/logistic-regression.js';
import { sampleRows } from '../src/families/row-sample.js';
import { SeededRandom } from '../src/index.js';
import type { TrainProgress } from '../src/model-interface.js';

/**
 * n rows of d feature columns with a logistic signal: normal columns, then a one-hot block of
 * three columns (they sum to 1, so they are collinear with the intercept); `offset` shifts every
 * logit (a large negative one makes class 1 rare); every seventh row weighted 2.
 */
function rows(n: number, d: number, seed: number, offset = -0.3) {
  const rng = new SeededRandom(seed);
  const columns = Array.from({ length: d }, () => new Float32Array(n));
  const y = new Int32Array(n);
  const sampleWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = offset;
    const category = rng.int(3);
    for (let j = 0; j < d; j++) {
      const v = j >= d - 3 ? (category === j - (d - 3) ? 1 : 0) : rng.normal();
      (columns[j] as Float32Array)[i] = v;
      z += (j % 2 === 0 ? 0.8 : -0.5) * v;
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    sampleWeight[i] = i % 7 === 0 ? 2 : 1;
  }
  return { columns, y, sampleWeight, n };
}

/** The rows as RowParts that count the passes made over them. */
function counted(data: ReturnType<typeof rows>, d: number): RowParts & { passes: number } {
  let total = 0;
  for (const w of data.sampleWeight) total += w;
  const parts = {
    d,
    k: 2,
    rows: data.n,
    totalWeight: total,
    passes: 0,
    forEach(visit: (part: typeof data) => void) {
      parts.passes++;
      visit(data);
    },
  };
  return parts;
}

function maxAbs(a: Float64Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

const N = SAMPLED_NEWTON_MIN_ROWS + 14_464;
const D = 9;

describe('binary logistic regression by Newton steps with a sampled Hessian', () => {
  const data = rows(N, D, 5);

  it('reaches the optimum (gradient below tol, L-BFGS objective) in a few passes where L-BFGS takes many', () => {
    const params = { l2: 1e-4, maxIter: 1000, tol: 1e-7 };
    const newtonParts = counted(data, D);
    const x = fitLogisticRegression(newtonParts, params, undefined);
    const reference = counted(data, D);
    const byLbfgs = lbfgs(binaryObjective(reference, params.l2), new Float64Array(D + 1), { maxIter: 1000, gtol: 1e-9, ftol: 0, memory: 10 });

    const g = new Float64Array(D + 1);
    const f = binaryObjective(counted(data, D), params.l2)(x, g);
    expect(maxAbs(g)).toBeLessThan(params.tol);
    expect(Math.abs(f - byLbfgs.f)).toBeLessThan(1e-12);
    // Well-determined weights agree closely; the one-hot block and intercept are collinear
    // (only l2 pins them), so they are compared through the objective above.
    for (let j = 0; j < D - 3; j++) expect(Math.abs((x[j] as number) - (byLbfgs.x[j] as number))).toBeLessThan(1e-6);
    // One pass gathers the sample, then one per objective evaluation.
    expect(newtonParts.passes).toBeLessThanOrEqual(6);
    expect(reference.passes).toBeGreaterThan(20);
  });

  it('gives the same bits every time, and reports its steps with a falling loss', () => {
    const params = { l2: 1e-4, maxIter: 1000, tol: 1e-7 };
    const reports: TrainProgress[] = [];
    const a = fitLogisticRegression(counted(data, D), params, (p) => reports.push(p));
    const b = fitLogisticRegression(counted(data, D), params, undefined);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    // Iteration 0 is the whole table's loss at the sample's optimum: already below log(2) (at zero).
    expect(reports[0]).toMatchObject({ unit: 'iterations', done: 0 });
    expect(reports[0]?.loss as number).toBeLessThan(Math.log(2) - 0.05);
    const last = reports[reports.length - 1] as TrainProgress;
    expect(last.done).toBe(last.total);
    expect(last.done).toBeGreaterThan(0);
    expect(last.done).toBeLessThanOrEqual(5);
    expect(last.loss as number).toBeLessThanOrEqual(reports[0]?.loss as number);
  });

  it('converges without l2, where the one-hot block and the intercept make the Hessian singular', () => {
    const params = { l2: 0, maxIter: 1000, tol: 1e-7 };
    const x = fitLogisticRegression(counted(data, D), params, undefined);
    const g = new Float64Array(D + 1);
    binaryObjective(counted(data, D), 0)(x, g);
    expect(x.every(Number.isFinite)).toBe(true);
    // A convex objective with a zero gradient: the minimum (the weights along the block and the
    // intercept are not unique; any split of them fits the same).
    expect(maxAbs(g)).toBeLessThan(params.tol);
  });

  it('falls back to L-BFGS, bit for bit, when the sample holds fewer than 100 rows of a class', () => {
    // About 60 positive rows in all: the sample (every row at this size) cannot stand for the table.
    const rare = rows(N, D, 8, -9);
    let positives = 0;
    for (const v of rare.y) positives += v;
    expect(positives).toBeGreaterThan(0);
    expect(positives).toBeLessThan(100);
    const params = { l2: 1e-4, maxIter: 1000, tol: 1e-7 };
    const x = fitLogisticRegression(counted(rare, D), params, undefined);
    const byLbfgs = lbfgs(binaryObjective(counted(rare, D), params.l2), new Float64Array(D + 1), { maxIter: 1000, gtol: 1e-7, ftol: 1e-12, memory: 10 });
    expect(Buffer.from(x.buffer).equals(Buffer.from(byLbfgs.x.buffer))).toBe(true);
  });

  it('is taken by binary fits from 65,536 rows and up to 1,024 inputs only', () => {
    expect(takesSampledNewton(SAMPLED_NEWTON_MIN_ROWS, 12, 2)).toBe(true);
    expect(takesSampledNewton(SAMPLED_NEWTON_MIN_ROWS - 1, 12, 2)).toBe(false);
    expect(takesSampledNewton(1_000_000, 12, 3)).toBe(false);
    // 64 hash buckets of every one of 20 text columns: the Hessian alone would be 1281^2 doubles.
    expect(takesSampledNewton(1_000_000, SAMPLED_NEWTON_MAX_INPUTS, 2)).toBe(true);
    expect(takesSampledNewton(1_000_000, 20 * 64 + 1, 2)).toBe(false);
  });

  it('samples the same rows from parts read one after another as from the whole table', () => {
    const small = rows(10_000, D, 3);
    const whole = sampleRows(counted(small, D), 3);
    // Parts of uneven lengths, so the stride falls at a different offset in each.
    const cuts = [0, 4096, 4097, 8192, 9999, 10_000];
    let total = 0;
    for (const w of small.sampleWeight) total += w;
    const inParts: RowParts = {
      d: D,
      k: 2,
      rows: small.n,
      totalWeight: total,
      forEach(visit) {
        for (let p = 0; p + 1 < cuts.length; p++) {
          const [from, to] = [cuts[p] as number, cuts[p + 1] as number];
          visit({ columns: small.columns.map((c) => c.subarray(from, to)), y: small.y.subarray(from, to), sampleWeight: small.sampleWeight.subarray(from, to), n: to - from });
        }
      },
    };
    const parted = sampleRows(inParts, 3);
    expect(whole.rows).toBe(Math.ceil(10_000 / 3));
    expect(parted).toEqual(whole);
    // Row 3 of the table is the sample's second row; its one-hot block holds one non-zero.
    expect(Array.from(whole.index.subarray(whole.starts[1], whole.starts[2]))).toEqual([...Array.from({ length: D - 3 }, (_, j) => j), D - 3 + [0, 1, 2].find((c) => small.columns[D - 3 + c]?.[3] === 1)!, D]);
  });
});
