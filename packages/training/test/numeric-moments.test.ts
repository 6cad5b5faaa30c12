import { describe, expect, it } from 'vitest';
import { Bool, Float16, Float32, Float64, Int32, Int64, Table, makeData, makeVector, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { fitFeaturizer, transform } from '../src/features/featurizer.js';
import { planFeatures } from '../src/features/feature-plan.js';
import { nullMask, readNumeric } from '../src/features/arrow-columns.js';
import type { TrainingError } from '../src/errors.js';

/** The mean and scale as fitted from a float64 copy and a null mask of the column (the reference). */
function reference(table: Table, name: string): { mean: number; scale: number } {
  const col = table.getChild(name);
  if (col === null) throw new Error(name);
  const values = readNumeric(col);
  const nulls = nullMask(col);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (nulls[i] === 1) continue;
    sum += Math.fround(values[i] as number);
    count++;
  }
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (nulls[i] === 0) ss += (Math.fround(values[i] as number) - mean) ** 2;
  const std = Math.sqrt(ss / count);
  return { mean: Math.fround(mean), scale: Math.fround(std > 1e-12 && Number.isFinite(std) ? 1 / std : 1) };
}

function part(rows: number, seed: number): Table {
  let s = seed;
  const r = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const values = (f: () => number | null) => Array.from({ length: rows }, f);
  return new Table({
    f64: vectorFromArray(values(() => (r() < 0.1 ? null : r() * 1000 - 500)), new Float64()),
    f32: vectorFromArray(values(() => (r() < 0.1 ? null : r() * 10)), new Float32()),
    i32: vectorFromArray(values(() => (r() < 0.2 ? null : Math.floor(r() * 100))), new Int32()),
    flag: vectorFromArray(values(() => (r() < 0.1 ? null : r() < 0.5 ? 1 : 0)).map((v) => (v === null ? null : v === 1)), new Bool()),
    y: vectorFromArray(values(() => (r() < 0.5 ? 1 : 0)), new Int32()),
  });
}

describe('the featurizer\'s numeric columns', () => {
  it('scale each value as a float64 copy of the column would, over several chunks, sliced chunks, nulls and every number type', () => {
    const two = new Table([...part(3000, 1).batches, ...part(2000, 2).batches]);
    for (const table of [two, two.slice(1234, 4321), part(500, 3)]) {
      const f = fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 });
      const columns = transform(f, table);
      f.numeric.forEach((feat, k) => {
        const col = table.getChild(feat.name);
        if (col === null) throw new Error(feat.name);
        // The reference: a float64 copy with NaN for null, each value rounded to float32, centred
        // and scaled in float32; a missing value imputed with the mean, which scales to 0.
        const values = readNumeric(col);
        const expected = new Float32Array(values.length);
        for (let i = 0; i < values.length; i++) {
          const v = Math.fround(values[i] as number);
          if (v === v) expected[i] = Math.fround(v - feat.mean) * feat.scale;
        }
        expect({ name: feat.name, values: [...(columns[k] as Float32Array)] }).toEqual({ name: feat.name, values: [...expected] });
      });
    }
  });
});

describe('the featurizer\'s numeric moments', () => {
  it('equal those of a float64 copy, over several chunks, sliced chunks, nulls and every number type', () => {
    const two = new Table([...part(3000, 1).batches, ...part(2000, 2).batches]);
    for (const table of [two, two.slice(1234, 4321), part(500, 3)]) {
      const f = fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 });
      for (const name of ['f64', 'f32', 'i32', 'flag']) {
        const got = f.numeric.find((x) => x.name === name);
        expect({ name, mean: got?.mean, scale: got?.scale }).toEqual({ name, ...reference(table, name) });
      }
    }
  });

  it('give the feature plan the distinct and missing counts of the values themselves, over several chunks and sliced ones', () => {
    const two = new Table([...part(3000, 1).batches, ...part(2000, 2).batches]);
    for (const table of [two, two.slice(1234, 4321)]) {
      const plan = planFeatures(table, { target: 'y', seed: 1 });
      for (const name of ['f64', 'f32', 'i32', 'flag']) {
        const values = Array.from(table.getChild(name) ?? [], (v) => (v === null ? null : Number(v)));
        const present = values.filter((v): v is number => v !== null && !Number.isNaN(v));
        const column = plan.columns.find((c) => c.name === name);
        expect({ name, distinct: column?.distinct, missing: column?.missing }).toEqual({ name, distinct: new Set(present).size, missing: values.length - present.length });
      }
    }
  });

  it('read half floats and 64-bit integers as their numbers, through the copy and in place alike', () => {
    const table = new Table({
      half: vectorFromArray([0.5, null, -2, 1024], new Float16()),
      big: vectorFromArray([1n, null, -3n, 2n ** 40n], new Int64()),
      y: vectorFromArray([0, 1, 0, 1], new Int32()),
    });
    expect(Array.from(readNumeric(table.getChild('half') ?? [] as never))).toEqual([0.5, Number.NaN, -2, 1024]);
    expect(Array.from(readNumeric(table.getChild('big') ?? [] as never))).toEqual([1, Number.NaN, -3, 2 ** 40]);
    const f = fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 });
    for (const name of ['half', 'big']) {
      const got = f.numeric.find((x) => x.name === name);
      expect({ name, mean: got?.mean, scale: got?.scale }).toEqual({ name, ...reference(table, name) });
    }
    expect(f.numeric.find((x) => x.name === 'half')?.mean).toBe(Math.fround((0.5 - 2 + 1024) / 3));
  });

  it('equal those of a float64 copy for float64 chunks without nulls (the CSV case), whole and sliced mid-chunk', () => {
    let s = 7;
    const r = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Values whose float32 roundings do not sum exactly, so another order or grouping of the sums shows.
    const chunk = (rows: number) => tableFromArrays({ x: Float64Array.from({ length: rows }, () => (r() - 0.5) * 1e7 + r()), y: Int32Array.from({ length: rows }, () => (r() < 0.5 ? 1 : 0)) });
    const table = new Table([...chunk(4000).batches, ...chunk(3001).batches, ...chunk(17).batches]);
    for (const t of [table, table.slice(1500, 6500), table.slice(4001, 4002)]) {
      const got = fitFeaturizer(t, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 }).numeric.find((x) => x.name === 'x');
      expect({ mean: got?.mean, scale: got?.scale }).toEqual(reference(t, 'x'));
    }
  });

  it('read a float64 chunk without nulls to its length, not to the end of a longer buffer', () => {
    const x = makeData({ type: new Float64(), length: 3, nullCount: 0, data: Float64Array.from([1, 2, 4, 1e9, Number.NaN]) });
    const table = new Table({ x: makeVector(x), y: vectorFromArray([0, 1, 0], new Int32()) });
    const got = fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 }).numeric.find((f) => f.name === 'x');
    expect({ mean: got?.mean, scale: got?.scale }).toEqual(reference(table, 'x'));
    expect(got?.mean).toBe(Math.fround(7 / 3));
  });

  it('refuses an infinity in a float64 chunk without nulls, with its row in the whole column', () => {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const first = tableFromArrays({ x: Float64Array.from([1, 2, 3]), y: Int32Array.from([0, 1, 0]) });
      const second = tableFromArrays({ x: Float64Array.from([4, 5, bad, 6]), y: Int32Array.from([1, 0, 1, 0]) });
      const table = new Table([...first.batches, ...second.batches]);
      expect(() => fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 })).toThrow(expect.objectContaining({ code: 'HOKUSAI_FEATURE_NAN', details: expect.objectContaining({ row: 5 }) }) as unknown as TrainingError);
    }
  });

  it('take a value past float32\'s range as the reference does (its rounding is infinite, the value is no error)', () => {
    const table = tableFromArrays({ x: Float64Array.from([1, 1e39, 2]), y: Int32Array.from([0, 1, 0]) });
    const got = fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 }).numeric.find((f) => f.name === 'x');
    expect({ mean: got?.mean, scale: got?.scale }).toEqual(reference(table, 'x'));
    expect(got?.mean).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a NaN with its row in the whole column, past the first chunk', () => {
    const first = tableFromArrays({ x: Float64Array.from([1, 2, 3]), y: Int32Array.from([0, 1, 0]) });
    const second = tableFromArrays({ x: Float64Array.from([4, Number.NaN]), y: Int32Array.from([1, 0]) });
    const table = new Table([...first.batches, ...second.batches]);
    expect(() => fitFeaturizer(table, { target: 'y', exclude: [], maxOneHot: 20, hashBuckets: 32, hashSeed: 0 })).toThrow(expect.objectContaining({ code: 'HOKUSAI_FEATURE_NAN', details: expect.objectContaining({ row: 4 }) }) as unknown as TrainingError);
  });
});
