import { makeTable, tableFromArrays, TimestampMillisecond, vectorFromArray, type Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { datePartsOf, epochDays } from '../src/features/date-parts.js';
import { loadOnnxModel, SeededRandom, trainModel } from '../src/index.js';

const DAY = 86_400_000;

/** Rows whose label depends on the month of a signup date (some dates missing). */
function signupTable(rows: number, seed: number): Table {
  const rng = new SeededRandom(seed);
  const dates: (number | null)[] = [];
  const x = new Float64Array(rows);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    // 1890 to 2060, with a time of day, so the parts cross leap years, centuries and negative days.
    const ms = (-29_000 + rng.int(62_000)) * DAY + rng.int(DAY);
    dates.push(rng.uniform() < 0.05 ? null : ms);
    x[i] = rng.normal();
    const month = datePartsOf(epochDays(ms))[1];
    const z = x[i]! + 0.4 * (month - 6.5);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const base = tableFromArrays({ x, y });
  return makeTable({ signup: vectorFromArray(dates, new TimestampMillisecond()).data[0]!, x: base.getChild('x')!.data[0]!, y: base.getChild('y')!.data[0]! } as never) as unknown as Table;
}

describe('date features', () => {
  it('splits a day count into the calendar year, month and weekday', () => {
    for (const iso of ['1970-01-01', '2000-02-29', '1900-03-01', '1899-12-31', '2024-12-31', '2100-01-01', '1969-12-31']) {
      const ms = Date.parse(`${iso}T13:45:00Z`);
      const d = new Date(ms);
      expect(datePartsOf(epochDays(ms)), iso).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), Math.floor(ms / DAY)]);
    }
  });

  it('trains on a date column as year, month, weekday and days, and onnxruntime reproduces the scores', async () => {
    const train = signupTable(3000, 1);
    const test = signupTable(1000, 2);
    const model = await trainModel(train, { target: 'y', seed: 1 });
    expect(model.metadata.features).toContainEqual({ name: 'signup', kind: 'date' });
    expect(model.metadata.inputs).toContainEqual({ name: 'signup', type: 'float' });
    expect(model.metadata.excluded).toEqual([]);
    const onnx = await loadOnnxModel(model.onnx);
    try {
      const inProcess = model.predictProba(test);
      const viaOnnx = await onnx.predictProba(test);
      let worst = 0;
      for (let i = 0; i < inProcess.length; i++) worst = Math.max(worst, Math.abs(inProcess[i]! - viaOnnx[i]!));
      expect(worst).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
    // The month carries the signal: a model without the date is worse.
    const withoutDate = await trainModel(train, { target: 'y', seed: 1, exclude: ['signup'] });
    const logLoss = (p: Float64Array): number => {
      let s = 0;
      const y = test.getChild('y')!.toArray() as Int32Array;
      for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(1e-12, p[i * 2 + y[i]!]!));
      return s / y.length;
    };
    expect(logLoss(model.predictProba(test))).toBeLessThan(logLoss(withoutDate.predictProba(test)) - 0.01);
  });
});
