import { readFileSync } from 'node:fs';
import { tableFromArrays } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquetShape, writeTable } from '../src/index.js';
import { parseFileMetaData } from '../src/parquet-footer.js';
import { mulberry32 } from './mulberry32.js';
import { fixture, scratch } from './temp-files.js';

// The footer's row count and column types, read without a decoder (a planner sizes the table by
// them): as the writers wrote them, and null, never an exception, for anything else.

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** The FileMetaData bytes of a Parquet file (before its length and the closing magic). */
function footerOf(path: string): Buffer {
  const bytes = readFileSync(path);
  const length = bytes.readUInt32LE(bytes.length - 8);
  return bytes.subarray(bytes.length - 8 - length, bytes.length - 8);
}

describe('the Parquet footer', () => {
  it('gives the rows and the leaf columns\' physical types as pyarrow and parquet-wasm wrote them', async () => {
    expect(await readParquetShape(fixture('customers.parquet'))).toEqual({
      rows: 5,
      columns: [
        { name: 'id', type: 'INT64' },
        { name: 'name_of_plan', type: 'BYTE_ARRAY' },
        { name: 'age', type: 'INT64' },
        { name: 'score', type: 'DOUBLE' },
        { name: 'active', type: 'BOOLEAN' },
        { name: 'signup', type: 'INT64' },
        { name: 'notes', type: 'BYTE_ARRAY' },
        { name: 'label', type: 'INT64' },
      ],
    });
    const n = 70_001;
    const path = tmp.path('written.parquet');
    await writeTable(tableFromArrays({ i: Int32Array.from({ length: n }, (_, k) => k % 7), x: Float64Array.from({ length: n }, (_, k) => k / 3), s: Array.from({ length: n }, (_, k) => `v${k % 5}`) }), path);
    expect(await readParquetShape(path)).toEqual({ rows: n, columns: [{ name: 'i', type: 'INT32' }, { name: 'x', type: 'DOUBLE' }, { name: 's', type: 'BYTE_ARRAY' }] });
  });

  it('is null for files that are not Parquet or whose footer is cut or damaged', async () => {
    for (const name of ['truncated.parquet', 'customers.csv', 'empty.csv', 'missing.parquet']) expect(await readParquetShape(fixture(name)), name).toBeNull();
    // A length past the file.
    expect(await readParquetShape(tmp.write('long.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(8), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('PAR1')])))).toBeNull();
    const footer = footerOf(fixture('customers.parquet'));
    // Every cut of the footer is null (the fields the shape needs come before its end's stop).
    for (let cut = 0; cut < footer.length; cut++) expect(parseFileMetaData(footer.subarray(0, cut)), `cut at ${cut}`).toBeNull();
  });

  it('never throws on damaged footers: 3,000 random byte changes and 1,000 random footers', () => {
    const random = mulberry32(17);
    const footer = footerOf(fixture('pandas-strings.parquet'));
    let shapes = 0;
    for (let t = 0; t < 3000; t++) {
      const damaged = Buffer.from(footer);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      const shape = parseFileMetaData(damaged);
      if (shape !== null) {
        shapes++;
        expect(Number.isSafeInteger(shape.rows) && shape.rows >= 0).toBe(true);
      }
    }
    for (let t = 0; t < 1000; t++) expect(() => parseFileMetaData(Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)))).not.toThrow();
    // Changes in skipped fields leave a shape: the reader walks past what it does not need.
    expect(shapes).toBeGreaterThan(100);
  });
});
