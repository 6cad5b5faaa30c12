import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bool, Field, Float64, Int32, Schema, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import { loadDataset, manifestOf, writeTable } from '../src/index.js';
import type { ColumnType, DataFormat } from '../src/index.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

type Cell = number | boolean | string | null;
interface Spec {
  name: string;
  type: ColumnType;
  values: Cell[];
}

const arrowType = (t: ColumnType): DataType => ({ int: new Int32(), float: new Float64(), bool: new Bool(), timestamp: new TimestampMillisecond(), string: new Utf8() })[t];

const cellOf = (t: ColumnType): fc.Arbitrary<Cell> => {
  const v: fc.Arbitrary<Cell> =
    t === 'int'
      ? fc.integer({ min: -2147483648, max: 2147483647 })
      : t === 'float'
        ? fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x))
        : t === 'bool'
          ? fc.boolean()
          : t === 'timestamp'
            ? fc.integer({ min: 0, max: 4102444800000 })
            : fc.string({ unit: 'grapheme', maxLength: 12 });
  return fc.option(v, { freq: 5 });
};

const tableArb = fc
  .uniqueArray(
    fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/), type: fc.constantFrom<ColumnType>('int', 'float', 'bool', 'timestamp', 'string') }),
    { minLength: 2, maxLength: 5, selector: (c) => c.name },
  )
  .chain((cols) =>
    fc.integer({ min: 1, max: 25 }).chain((rows) =>
      fc.tuple(...cols.map((c) => fc.array(cellOf(c.type), { minLength: rows, maxLength: rows }))).map((vals) => cols.map((c, k): Spec => ({ ...c, values: vals[k] as Cell[] }))),
    ),
  );

function toTable(specs: Spec[]): Table {
  const fields = specs.map((s) => new Field(s.name, arrowType(s.type), true));
  const children = Object.fromEntries(specs.map((s) => [s.name, vectorFromArray(s.values, arrowType(s.type))]));
  return new Table(new Schema(fields), children);
}

let n = 0;
async function roundTrip(format: DataFormat): Promise<void> {
  await fc.assert(
    fc.asyncProperty(tableArb, async (specs) => {
      const table = toTable(specs);
      const path = tmp.path(`rt${n++}.${format}`);
      await writeTable(table, path, { format });
      const loaded = await loadDataset(path, { schema: { columns: specs.map((s) => ({ name: s.name, type: s.type })) } });
      expect(loaded.manifest.columns).toEqual(specs.map((s) => s.name));
      expect(loaded.manifest.row_count).toBe(specs[0]!.values.length);
      for (const s of specs) {
        const got = Array.from({ length: loaded.table.numRows }, (_, i) => loaded.table.getChild(s.name)!.get(i) as Cell);
        expect(got).toEqual(s.values);
      }
      const original = manifestOf(table, { source_path: 'memory', format, file_sha256: '' });
      expect(loaded.manifest.content_hash).toBe(original.content_hash);
    }),
    { numRuns: 40, seed: 20261127 },
  );
}

describe('random tables round-trip through every format with the same values and content hash', () => {
  for (const format of ['csv', 'json', 'jsonl', 'parquet'] as const) {
    it(format, () => roundTrip(format));
  }
});
