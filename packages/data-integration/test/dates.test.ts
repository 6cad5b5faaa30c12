import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/index.js';
import { fromArrowTable } from '../src/arrow-convert.js';
import type { Column } from '../src/column.js';
import { parseIsoDateBytes, parseTimestamp } from '../src/text-values.js';
import { mulberry32 } from './mulberry32.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const fromBytes = (s: string): number => {
  // Inside a larger buffer, as a CSV field is.
  const b = bytes(`,,${s},`);
  return parseIsoDateBytes(b, 2, b.length - 1);
};
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Epoch milliseconds of a calendar day, years 0-99 included (Date.UTC reads those as 1900-1999). */
function utcDay(y: number, m: number, d: number): number {
  const t = new Date(Date.UTC(2000, 0, 1));
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime();
}

describe('ISO dates', () => {
  it('reads every kind of day from its bytes as the text reader does, and as the calendar has it', () => {
    const rand = mulberry32(3);
    const days: [number, number, number][] = [];
    for (let i = 0; i < 20_000; i++) days.push([Math.floor(rand() * 10_000), 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)]);
    // Month ends, leap days and the years Date.UTC reads differently.
    for (const y of [0, 1, 99, 100, 1600, 1700, 1900, 1970, 2000, 2024, 2100, 9999]) for (let m = 1; m <= 12; m++) for (const d of [28, 29, 30, 31]) days.push([y, m, d]);
    for (const [y, m, d] of days) {
      const text = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
      const real = new Date(utcDay(y, m, d)).getUTCDate() === d;
      const expected = real ? utcDay(y, m, d) : Number.NaN;
      expect(fromBytes(text), text).toBe(expected);
      expect(parseTimestamp(text), text).toBe(expected);
    }
  });

  it('reads nothing else from bytes, leaving date-times to the text reader', () => {
    for (const text of ['2021-02-29', '2021-13-01', '2021-00-10', '2021-01-00', '2021-1-01', '2021/01/01', '20210101  ', ' 2021-01-01', '2021-01-0a', '2021-01-0:', '2021-0/-01', '2021-01-01T00:00', '２０２１-01-01', '-021-01-01', '2021+01-01', '']) {
      expect(fromBytes(text), text).toBeNaN();
    }
    expect(parseTimestamp('2021-01-01T12:30:15.250Z')).toBe(Date.UTC(2021, 0, 1, 12, 30, 15, 250));
    expect(parseTimestamp('2021-01-01 12:30+02:00')).toBe(Date.UTC(2021, 0, 1, 10, 30));
    expect(parseTimestamp('2016-12-31T23:59:60Z')).toBe(Date.UTC(2017, 0, 1));
    expect(parseTimestamp('0099-03-01T01:00:00Z')).toBe(utcDay(99, 3, 1) + 3_600_000);
  });

  it('loads a date column read by bytes and by text as the same values, nulls and failures kept', async () => {
    const rand = mulberry32(9);
    const rows = ['id,when,label'];
    const expected: (number | null)[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = rand();
      const y = 1900 + Math.floor(rand() * 200);
      const m = 1 + Math.floor(rand() * 12);
      const d = 1 + Math.floor(rand() * 28);
      const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
      // Mostly plain dates, some date-times, quoted dates and nulls.
      const cell = r < 0.7 ? date : r < 0.8 ? `${date}T06:00:00Z` : r < 0.9 ? `"${date}"` : '';
      rows.push(`${i},${cell},${i % 2}`);
      expected.push(cell === '' ? null : parseTimestamp(cell.replaceAll('"', '')));
    }
    const path = tmp.write('dates.csv', `${rows.join('\n')}\n`);
    const loaded = await loadDataset(path);
    expect(loaded.manifest.dtypes).toMatchObject({ when: 'timestamp' });
    const when = fromArrowTable(loaded.table, path).columns[1] as Extract<Column, { type: 'timestamp' }>;
    expect(Array.from(when.values, (v, i) => (when.valid[i] === 1 ? v : null))).toEqual(expected);
    // A value that is not a date turns the column into text, as before.
    const mixed = tmp.write('mixed-dates.csv', 'when,label\n2021-01-01,1\n2021-02-30,0\n');
    expect((await loadDataset(mixed)).manifest.dtypes).toMatchObject({ when: 'string' });
  });
});
