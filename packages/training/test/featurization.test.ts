import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { murmur3 } from '../src/features/murmur3.js';
import { loadOnnxModel, trainModel, SeededRandom } from '../src/index.js';

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function cityTable(rows: number, seed: number, cities: number) {
  const rng = new SeededRandom(seed);
  const city: (string | null)[] = [];
  const x = new Float64Array(rows);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = rng.int(cities);
    city.push(rng.uniform() < 0.03 ? null : `city-${c}`);
    x[i] = rng.normal();
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-(x[i] as number) - (c % 2 === 0 ? 1.5 : -1.5))) ? 1 : 0;
  }
  return tableFromArrays({ city, x, y });
}

describe('featurization', () => {
  it('hashes known MurmurHash3 (x86, 32-bit) test vectors', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('hello', 0)).toBe(613153351);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });

  it('hashes a high-cardinality string column and onnxruntime buckets it the same way (unseen values included)', async () => {
    const train = cityTable(3000, 1, 200);
    const test = cityTable(800, 2, 260);
    const model = await trainModel(train, { target: 'y', seed: 1, params: { hashBuckets: 32 } });
    expect(model.metadata.features).toContainEqual({ name: 'city', kind: 'hashed' });
    expect(model.metadata.inputs).toContainEqual({ name: 'city', type: 'string' });
    const onnx = await loadOnnxModel(model.onnx);
    try {
      expect(maxAbsDiff(model.predictProba(test), await onnx.predictProba(test))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('one-hot encodes a low-cardinality column once maxOneHot allows it', async () => {
    const train = cityTable(2000, 3, 10);
    const model = await trainModel(train, { target: 'y', seed: 1, params: { maxOneHot: 16 } });
    expect(model.metadata.features).toContainEqual({ name: 'city', kind: 'categorical' });
  });

  it('imputes a null number with the training mean, in process and in ONNX', async () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const y = Int32Array.from(x, (v) => (v > 6 ? 1 : 0));
    const model = await trainModel(tableFromArrays({ x: Float64Array.from(x), y }), { target: 'y', seed: 1 });
    const probe = tableFromArrays({ x: [null, 6.5], y: Int32Array.from([0, 1]) });
    const p = model.predictProba(probe);
    // The mean of x is 6.5, so a null scores exactly like 6.5.
    expect(p[1]).toBeCloseTo(p[3] as number, 12);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const q = await onnx.predictProba(probe);
      expect(q[1]).toBeCloseTo(q[3] as number, 6);
      expect(maxAbsDiff(p, q)).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });
});
