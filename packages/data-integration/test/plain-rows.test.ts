import { afterAll, describe, expect, it } from 'vitest';
import { readRange } from '../src/csv-scan.js';
import type { RangeRead } from '../src/csv-scan.js';
import { finishColumn } from '../src/column-finish.js';
import { cellValue } from '../src/column.js';
import type { ColumnType } from '../src/column.js';
import { DataIntegrationError } from '../src/errors.js';
import { scratch } from './temp-files.js';
import { mulberry32 } from './mulberry32.js';

// Plain rows (no quote, no lone CR) go straight to the columns (csv-fast-rows), numbers parsed
// as they are found; every other row goes through the general tokenizer. Reading a file both
// ways (plainRows false reads every row the general way) must give the same columns, stats and
// errors, whatever the number forms, nulls, quotes, line endings and buffer sizes.

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Field texts a numeric column may meet, valid or not, plain or not. */
const NUMBER_FORMS = ['0', '-0', '0.0', '-0.000', '7', '-7', '+7', '007', '0.5', '.5', '5.', '1e3', '1E-2', '-6.4e-05', '1e+22', '1e23', '12e-23', '1.5e0', '1e0005', '9.99e-308', '-0e5', '1e', '2e+', ' 4', '4 ', '12345678901234', '123456789012345', '1234567890123456', '9007199254740993', '0.1234567890123456789', '3.14159265358979', '-2147483648', '2147483648', '99999999999', '1.00000000000000000000001', '1.0000000000000000000001', '-', '-.', '1.2.3', '1-2', '0x10', 'NaN', 'inf', '', 'NA', 'N/A', 'null', 'NULL', 'x'];
const TEXT_FORMS = ['north', 'south', '', 'NA', 'null', 'zoë', 'a"b', '"quoted, with comma"', '"said ""hi"""', '""', '"NA"', '"two\nlines"', 'true', '2024-01-02', 'N/A', 'NUL', 'nulls'];

/** The delimiters the reader sniffs; the fuzz files use each. */
const DELIMITERS = [',', ';', '\t', '|'];

function randomCsv(seed: number, delimiter: string, wide = false): Buffer {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  // Wide files give the WebAssembly scanner blocks of a few rows (its outputs are per cell).
  const cols = wide ? 150 + Math.floor(random() * 200) : 1 + Math.floor(random() * 6);
  const rows = wide ? 200 + Math.floor(random() * 400) : 50 + Math.floor(random() * 3000);
  const crlf = random() < 0.3;
  // Per column: mostly numbers (plain ints or decimals, rarely anything), unique text, a few
  // repeated words, or anything.
  const kinds = Array.from({ length: cols }, () => Math.floor(random() * 4));
  const rare = random() < 0.5 ? 0.002 : 0.05;
  const ragged = random() < 0.15;
  const lines: string[] = [Array.from({ length: cols }, (_, k) => `c${k}`).join(delimiter)];
  for (let r = 0; r < rows; r++) {
    const fields = kinds.map((kind) => {
      if (random() < rare) return pick(random() < 0.5 ? NUMBER_FORMS : TEXT_FORMS);
      switch (kind) {
        case 0:
          return String(Math.floor((random() - 0.3) * 1e6));
        case 1:
          return (random() * 1000 - 100).toFixed(Math.floor(random() * 4));
        case 2:
          return `id${r}@example.com`;
        default:
          return pick(['north', 'south', 'east', 'west', 'zoë']);
      }
    });
    if (ragged && random() < 0.001) fields.push('extra');
    if (ragged && random() < 0.001 && fields.length > 1) fields.pop();
    lines.push(fields.map((f) => (delimiter === ',' ? f : f.replaceAll(',', delimiter))).join(delimiter));
    if (random() < rare / 2) lines.push('');
  }
  let text = lines.join(crlf ? '\r\n' : '\n');
  if (random() < 0.7) text += crlf ? '\r\n' : '\n';
  if (random() < 0.05) text = text.replace('\n', '\r');
  const bytes = Buffer.from(text, 'utf8');
  // Now and then a byte that is not UTF-8.
  if (random() < 0.05) bytes[Math.floor(bytes.length * random())] = 0xff;
  return bytes;
}

function observedRead(read: RangeRead): unknown {
  return {
    names: read.names,
    rows: read.dataRows,
    rest: read.rest,
    demoted: read.demotedAt,
    columns: read.builders.map((b) => {
      const col = finishColumn(b);
      return { type: b.inferredType(), state: b.state, cells: Array.from({ length: b.length }, (_, i) => cellValue(col, i)), stats: [b.nonFiniteCount, b.firstNonFinite, b.typeFailureCount, b.typeFailures, b.allInt] };
    }),
  };
}

async function observe(path: string, plainRows: boolean | 'js', chunkBytes: number, declared: Map<string, ColumnType> | undefined, delimiter = ','): Promise<unknown> {
  try {
    const read = await readRange(path, { file: 'data.csv', chunkBytes, maxRowBytes: 1 << 20, delimiter, header: true, declared, capacity: 16, plainRows });
    return observedRead(read);
  } catch (err) {
    if (!(err instanceof DataIntegrationError)) throw err;
    return { error: err.code, message: err.message, details: err.toJSON() };
  }
}

describe('plain CSV rows read straight into the columns', () => {
  it('give what the general tokenizer gives: columns, stats and errors, over random files and buffer sizes', async () => {
    let errors = 0;
    for (let seed = 1; seed <= 160; seed++) {
      const delimiter = DELIMITERS[Math.floor(seed / 4) % DELIMITERS.length] as string;
      const bytes = randomCsv(seed, delimiter);
      const path = tmp.write(`fuzz-${seed}.csv`, bytes);
      const chunkBytes = [64, 997, 4096, 1 << 20][seed % 4] as number;
      const declared = seed % 7 === 0 ? new Map<string, ColumnType>([['c0', 'float'], ['c1', 'int']]) : undefined;
      const plain = await observe(path, true, chunkBytes, declared, delimiter);
      const general = await observe(path, false, chunkBytes, declared, delimiter);
      expect(plain, `seed ${seed}`).toEqual(general);
      expect(await observe(path, 'js', chunkBytes, declared, delimiter), `seed ${seed}, JavaScript scanner`).toEqual(general);
      if ((general as { error?: string }).error !== undefined) errors++;
    }
    // Both outcomes are exercised: files read whole and files rejected with a located error.
    expect(errors).toBeGreaterThan(10);
    expect(errors).toBeLessThan(150);
  });

  it('give what the general tokenizer gives on wide files, read in many blocks a buffer', async () => {
    for (let seed = 1001; seed <= 1012; seed++) {
      const delimiter = DELIMITERS[seed % DELIMITERS.length] as string;
      const path = tmp.write(`wide-${seed}.csv`, randomCsv(seed, delimiter, true));
      const chunkBytes = [4096, 65536, 1 << 20][seed % 3] as number;
      const general = await observe(path, false, chunkBytes, undefined, delimiter);
      expect(await observe(path, true, chunkBytes, undefined, delimiter), `seed ${seed}`).toEqual(general);
      expect(await observe(path, 'js', chunkBytes, undefined, delimiter), `seed ${seed}, JavaScript scanner`).toEqual(general);
    }
  });

  it('follow text columns that stop sharing strings, or never do, past the interner\'s 20,000 lookups', async () => {
    const random = mulberry32(7);
    const lines = ['unique,repeated,drifting,number'];
    for (let r = 0; r < 30_000; r++) {
      const drifting = r < 24_000 ? ['north', 'south', 'NA', ''][r % 4] : `v${r}`;
      const repeated = random() < 0.01 ? '' : ['basic', 'pro', 'zoë', 'NA'][Math.floor(random() * 4)];
      lines.push(`u${r}@example.com,${repeated},${drifting},${r % 1000}`);
    }
    const path = tmp.write('interned.csv', `${lines.join('\n')}\n`);
    for (const chunkBytes of [4096, 1 << 20]) {
      const plain = await observe(path, true, chunkBytes, undefined);
      expect(plain).toEqual(await observe(path, false, chunkBytes, undefined));
      expect(await observe(path, 'js', chunkBytes, undefined)).toEqual(plain);
      expect((plain as { columns: { type: string }[] }).columns.map((c) => c.type)).toEqual(['string', 'string', 'string', 'int']);
    }
  });

  it('give what the general tokenizer gives around a row longer than the WebAssembly scanner takes for the chunk size', async () => {
    // 4 KiB chunks: the scanner takes buffers of up to 320 KiB; the 400 KB row grows one past that.
    const lines = ['id,text,x'];
    for (let r = 0; r < 3000; r++) lines.push(`${r},${r === 1500 ? 'y'.repeat(400_000) : `t${r % 7}`},${(r * 0.25).toFixed(2)}`);
    const path = tmp.write('long-row.csv', `${lines.join('\n')}\n`);
    const general = await observe(path, false, 4096, undefined);
    expect(await observe(path, true, 4096, undefined)).toEqual(general);
    expect((general as { columns: { type: string }[] }).columns.map((c) => c.type)).toEqual(['int', 'string', 'float']);
  });

  it('give each number form, valid or not, in a numeric column what the general tokenizer gives', async () => {
    for (const [k, form] of NUMBER_FORMS.entries()) {
      for (const ending of ['\n', '\r\n']) {
        const path = tmp.write(`form-${k}.csv`, ['a,b', '1,2', `${form},${form}`, `3,${form}`, '4.5,6', ''].join(ending));
        const general = await observe(path, false, 1 << 20, undefined);
        expect(await observe(path, true, 1 << 20, undefined), form).toEqual(general);
        expect(await observe(path, 'js', 1 << 20, undefined), form).toEqual(general);
      }
    }
  });

  it('parse the plain number forms to the doubles parseNumberBytes gives, -0 folded', async () => {
    const values = ['0', '-0', '-0.0', '1', '-1', '10', '2147483647', '2147483648', '-2147483649', '999999999999999', '0.1', '0.3', '-0.7', '123.456', '1.7976931348623157', '0.000000000000000000001', '99999.99999'];
    const path = tmp.write('numbers.csv', `v\n${values.join('\n')}\n`);
    const plain = await observe(path, true, 1 << 20, undefined);
    expect(plain).toEqual(await observe(path, false, 1 << 20, undefined));
    const cells = (plain as { columns: { cells: unknown[]; type: string }[] }).columns[0];
    expect(cells?.type).toBe('float');
    expect(cells?.cells).toEqual(values.map((v) => (Number(v) === 0 ? 0 : Number(v))));
    expect(Object.is(cells?.cells[1], 0)).toBe(true);
  });
});
