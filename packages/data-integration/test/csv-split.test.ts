import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readCsv } from '../src/csv-reader.js';
import type { CsvReadResult } from '../src/csv-reader.js';
import { cellValue } from '../src/column.js';
import type { ColumnType } from '../src/column.js';
import { buildManifest } from '../src/manifest.js';
import { DataIntegrationError } from '../src/errors.js';
import { scratch } from './temp-files.js';
import { mulberry32 } from './mulberry32.js';

// A large CSV file is parsed by two threads (csv-split); these tests force that on small files
// (splitMinBytes: 1) and hold it to the single pass (splitMinBytes: Infinity): same columns, types,
// values, counts and errors, with every byte seen once by onChunk.

const tmp = scratch();
afterAll(() => tmp.cleanup());

const ONE_PASS = Number.POSITIVE_INFINITY;

async function read(path: string, splitMinBytes: number, declared?: Map<string, ColumnType>, chunkBytes?: number): Promise<{ r: CsvReadResult; bytes: Buffer }> {
  const seen: Buffer[] = [];
  const r = await readCsv(path, { file: 'data.csv', splitMinBytes, onChunk: (b) => seen.push(Buffer.from(b)), ...(declared ? { declared } : {}), ...(chunkBytes ? { chunkBytes } : {}) });
  return { r, bytes: Buffer.concat(seen) };
}

/** Every observable of a read: names, types, cells, stats and the manifest (content hash, counts). */
function observed(r: CsvReadResult): unknown {
  const ct = r.table;
  return {
    names: ct.names,
    rows: ct.rowCount,
    types: ct.columns.map((c) => c.type),
    cells: ct.columns.map((c) => Array.from({ length: ct.rowCount }, (_, i) => cellValue(c, i))),
    stats: r.builders.map((b) => ({ t: b.inferredType(), nf: b.nonFiniteCount, first: b.firstNonFinite, tf: b.typeFailureCount, samples: b.typeFailures })),
    manifest: buildManifest(ct, { source_path: 'data.csv', format: 'csv', file_sha256: '' }),
  };
}

/** Rows of a table whose columns keep one type throughout, with nulls, quotes and line breaks. */
function agreeableCsv(seed: number, rows: number): string {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const lines = ['id,name,note,count,amount,flag,when,late,empty_first,mostly_null'];
  for (let i = 0; i < rows; i++) {
    const id = `K${String(i).padStart(7, '0')}`;
    const name = pick(['north', 'south', '"east, far"', 'west', '', 'NA', '"said ""hi"""', 'zoë']);
    const note = random() < 0.1 ? '"two\nlines"' : random() < 0.1 ? '"a ""quoted"" word"' : `note ${Math.floor(random() * 1e6)}`;
    const count = random() < 0.05 ? '' : String(Math.floor(random() * 2000) - 1000);
    // Whole numbers in the first rows, decimals later: int in one half, float in the other.
    const amount = i < rows * 0.7 ? String(Math.floor(random() * 500)) : (random() * 500).toFixed(2);
    const flag = pick(['true', 'false', '']);
    const when = random() < 0.1 ? '' : `2024-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
    const late = i < rows * 0.8 ? '' : pick(['x', 'y', 'zz']);
    const emptyFirst = i < rows * 0.3 ? pick(['', 'NA']) : String(i % 17);
    const mostlyNull = random() < 0.999 ? '' : '7';
    lines.push([id, name, note, count, amount, flag, when, late, emptyFirst, mostlyNull].join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('reading one CSV file on two threads', () => {
  it('gives the single pass its columns, types, values, counts and bytes, on several seeds and chunk sizes', async () => {
    for (const [seed, chunkBytes] of [[1, undefined], [2, 4096], [3, 997]] as const) {
      const path = tmp.write(`agree-${seed}.csv`, agreeableCsv(seed, 3000));
      const file = readFileSync(path);
      const one = await read(path, ONE_PASS, undefined, chunkBytes);
      const two = await read(path, 1, undefined, chunkBytes);
      expect(one.r.threads).toBe(1);
      expect(two.r.threads).toBe(2);
      expect(observed(two.r)).toEqual(observed(one.r));
      expect(two.bytes.equals(file)).toBe(true);
      expect(one.bytes.equals(file)).toBe(true);
    }
  });

  it('keeps declared types, and the rows of type failures and non-finite values in the second half', async () => {
    const rows = ['a,b,c'];
    for (let i = 0; i < 4000; i++) rows.push(`${i === 3500 ? 'x' : i},${i === 3900 ? 'NaN' : i / 2},${i}`);
    const path = tmp.write('declared.csv', `${rows.join('\n')}\n`);
    const declared = new Map<string, ColumnType>([['a', 'int'], ['c', 'float']]);
    const one = await read(path, ONE_PASS, declared);
    const two = await read(path, 1, declared);
    expect(two.r.threads).toBe(2);
    expect(observed(two.r)).toEqual(observed(one.r));
    expect(two.r.builders[0]?.typeFailures).toEqual([{ row: 3501, value: 'x' }]);
    expect(two.r.builders[1]?.firstNonFinite).toBe(3901);
  });

  it('falls back to one pass when a column turns to text in the second half', async () => {
    const rows = ['n,t'];
    for (let i = 0; i < 4000; i++) rows.push(`${i === 3000 ? 'abc' : i},${i}`);
    const path = tmp.write('demoted.csv', `${rows.join('\n')}\n`);
    const one = await read(path, ONE_PASS);
    const two = await read(path, 1);
    expect(two.r.threads).toBe(1);
    expect(two.r.table.columns[0]?.type).toBe('string');
    expect(observed(two.r)).toEqual(observed(one.r));
    expect(two.bytes.equals(readFileSync(path))).toBe(true);
  });

  it('falls back when a quoted "" of a text column opens the second half (null there, text in one pass)', async () => {
    const rows = ['t,n'];
    for (let i = 0; i < 4000; i++) rows.push(`${i >= 1800 && i < 2800 ? '""' : `w${i}`},${i}`);
    const path = tmp.write('quoted-empty.csv', `${rows.join('\n')}\n`);
    const one = await read(path, ONE_PASS);
    const two = await read(path, 1);
    expect(two.r.threads).toBe(1);
    expect(observed(two.r)).toEqual(observed(one.r));
    expect(cellValue(two.r.table.columns[0] as never, 2100)).toBe('');
  });

  it('falls back when the middle of the file is inside a quoted field that spans lines', async () => {
    const rows = ['id,text'];
    for (let i = 0; i < 1000; i++) rows.push(`${i},plain`);
    // One field of 2,000 short lines: the line start after the middle is inside its quotes.
    rows.push(`1000,"${Array.from({ length: 2000 }, (_, k) => `line ${k}`).join('\n')}"`);
    for (let i = 1001; i < 1100; i++) rows.push(`${i},plain`);
    const path = tmp.write('quoted-middle.csv', `${rows.join('\n')}\n`);
    const one = await read(path, ONE_PASS);
    const two = await read(path, 1);
    expect(two.r.threads).toBe(1);
    expect(two.r.table.rowCount).toBe(1100);
    expect(observed(two.r)).toEqual(observed(one.r));
    expect(two.bytes.equals(readFileSync(path))).toBe(true);
  });

  it('reports an error in the second half with the row, line and column of a single pass', async () => {
    const rows = ['a,b,c'];
    for (let i = 0; i < 4000; i++) rows.push(i === 3333 ? `${i},${i}` : `${i},${i},${i}`);
    const ragged = tmp.write('ragged.csv', `${rows.join('\n')}\n`);
    const bad = Buffer.from(`${rows.map((r, i) => (i === 3700 ? 'x,\xff\xfe,y' : r)).join('\n')}\n`, 'latin1');
    const invalid = tmp.write('invalid-utf8.csv', bad);
    for (const path of [ragged, invalid]) {
      const errorOf = async (splitMinBytes: number): Promise<DataIntegrationError> => {
        try {
          await read(path, splitMinBytes);
        } catch (err) {
          return err as DataIntegrationError;
        }
        throw new Error(`${path} loaded`);
      };
      const one = await errorOf(ONE_PASS);
      const two = await errorOf(1);
      expect(two).toBeInstanceOf(DataIntegrationError);
      expect(two.toJSON()).toEqual(one.toJSON());
    }
    const one = await (async () => { try { await read(ragged, 1); } catch (err) { return err as DataIntegrationError; } return undefined; })();
    expect(one?.code).toBe('HOKUSAI_RAGGED_ROW');
    expect(one?.row).toBe(3334);
  });
});
