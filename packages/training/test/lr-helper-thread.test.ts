import { describe, expect, it } from 'vitest';
import { BLOCK } from '../src/families/binary-blocks.js';
import { fitLogisticRegression, SAMPLED_NEWTON_MIN_ROWS, type RowParts } from '../src/families/logistic-regression.js';
import { startObjectiveHelper } from '../src/families/objective-helper.js';
import { SeededRandom } from '../src/index.js';

/** n rows of d shared feature columns with a logistic signal, some weights zero and a one-hot block. */
function rows(n: number, d: number, seed: number) {
  const rng = new SeededRandom(seed);
  const columns = Array.from({ length: d }, () => new Float32Array(new SharedArrayBuffer(n * 4)));
  const y = new Int32Array(n);
  const sampleWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = -0.3;
    for (let j = 0; j < d; j++) {
      const v = j >= d - 3 ? (rng.int(3) === j - (d - 3) ? 1 : 0) : rng.normal();
      (columns[j] as Float32Array)[i] = v;
      z += (j % 2 === 0 ? 0.8 : -0.5) * v;
    }
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    sampleWeight[i] = i % 7 === 0 ? 2 : 1;
  }
  return { columns, y, sampleWeight, n };
}

function parts(data: ReturnType<typeof rows>, d: number): RowParts {
  let total = 0;
  for (const w of data.sampleWeight) total += w;
  return { d, k: 2, rows: data.n, totalWeight: total, forEach: (visit) => visit(data) };
}

describe('the binary objective shared with a helper thread', () => {
  // Row counts that end mid-block and on a block boundary; 6 and 9 columns (remainders of the
  // four-column passes); the last fit is large enough for Newton steps with a sampled Hessian.
  for (const [n, d] of [[5 * BLOCK + 123, 6], [6 * BLOCK, 9], [SAMPLED_NEWTON_MIN_ROWS + 77, 7]] as const) {
    it(`fits the same parameters bit for bit as one thread (${n} rows, ${d} columns)`, () => {
      const data = rows(n, d, n + d);
      const params = { l2: 1e-4, maxIter: 100, tol: 1e-7 };
      const alone = fitLogisticRegression(parts(data, d), params, undefined);
      const helper = startObjectiveHelper(data, d, { minRows: 0 });
      expect(helper).not.toBeNull();
      try {
        const shared = fitLogisticRegression(parts(data, d), params, undefined, helper);
        expect(Buffer.from(shared.buffer).equals(Buffer.from(alone.buffer))).toBe(true);
        // Every evaluation's second half came from the helper thread.
        expect(helper?.served()).toBeGreaterThan(n >= SAMPLED_NEWTON_MIN_ROWS ? 1 : 5);
      } finally {
        helper?.close();
      }
    });
  }

  it('is not started for small tables or for columns outside shared memory', () => {
    const data = rows(3 * BLOCK, 4, 1);
    expect(startObjectiveHelper(data, 4)).toBeNull();
    expect(startObjectiveHelper({ ...data, columns: data.columns.map((c) => Float32Array.from(c)) }, 4, { minRows: 0 })).toBeNull();
  });
});
