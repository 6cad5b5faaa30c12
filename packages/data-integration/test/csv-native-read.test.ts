import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../src/csv-reader.js';
import type { CsvReadOptions } from '../src/csv-reader.js';
import { nativeCsvReader } from '../src/csv-native-read.js';
import { arrowDataOf, packValidity } from '../src/utf8-column.js';
import { columnData } from '../src/arrow-convert.js';
import { cellValue } from '../src/column.js';
import type { Column } from '../src/column.js';
import { DataIntegrationError } from '../src/errors.js';
import { loadDataset } from '../src/load-dataset.js';
import { scratch } from './temp-files.js';
import { mulberry32 } from './mulberry32.js';

// The native reader (native/csv-read.c) reads a file of plain rows in C and gives up every other
// file, which the JavaScript reader then reads. Reading a file with it and without it must give
// the same table, types, stats and errors; and it must actually read the plain files.

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** The package's build makes it on linux-x64 with a C compiler and Node's headers, as on the CI machine. */
const built = process.platform === 'linux' && process.arch === 'x64';

/** Numbers in the forms the native reader parses, and in forms it must leave to JavaScript. */
const NUMBER_FORMS = ['0', '-0', '0.0', '-0.000', '7', '-7', '+7', '007', '0.5', '.5', '5.', '1e3', '1E-2', '-6.4e-05', '1e+22', '1e23', '12e-23', '1.5e0', '1e0005', '-0e5', '1e', ' 4', '4 ', '123456789012345', '1234567890123456', '9007199254740993', '-2147483648', '2147483648', '-2147483649', '1.2.3', '0x10', 'NaN', 'inf', '-Infinity', '', 'NA', 'N/A', 'null', 'NULL', 'x'];
const TEXT_FORMS = ['north', '', 'NA', 'null', 'zoë', '東京', 'a"b', '"quoted, with comma"', '""', 'true', 'False', '2024-01-02', '2024-01-02T10:00:00Z', 'NaN', 'Infinity', 'N/A', 'NUL', '12', '-3.5', ' lead', 'x y'];
const DELIMITERS = [',', ';', '\t', '|'];

function randomCsv(seed: number): { bytes: Buffer; delimiter: string } {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const delimiter = pick(DELIMITERS);
  const cols = 1 + Math.floor(random() * 7);
  const rows = 1 + Math.floor(random() * 400);
  const crlf = random() < 0.3;
  // Per column: ints, decimals, unique text, repeated words, or a first value that is not text
  // for certain (a bool, a date, NaN), then text.
  const kinds = Array.from({ length: cols }, () => Math.floor(random() * 5));
  // Half the files are plain; the others hold a rare form in some fields.
  const rare = random() < 0.5 ? 0 : random() < 0.5 ? 0.003 : 0.05;
  const leadingNulls = Array.from({ length: cols }, () => (random() < 0.2 ? Math.floor(random() * 5) : 0));
  const lines: string[] = [];
  if (random() < 0.8) lines.push(Array.from({ length: cols }, (_, k) => `c${k}`).join(delimiter));
  for (let r = 0; r < rows; r++) {
    const fields = kinds.map((kind, k) => {
      if (r < (leadingNulls[k] as number)) return pick(['', 'NA', 'null']);
      if (random() < rare) return pick(random() < 0.5 ? NUMBER_FORMS : TEXT_FORMS);
      switch (kind) {
        case 0:
          return String(Math.floor((random() - 0.3) * 1e6));
        case 1:
          return (random() * 1000 - 100).toFixed(Math.floor(random() * 4));
        case 2:
          return `id${r}@example.com`;
        case 3:
          return pick(['north', 'south', 'east', 'west', 'zoë', 'NA', '']);
        default:
          return r === 0 ? pick(['true', '2024-01-02', 'NaN', 'Inf', 'x']) : `w${r % 7}`;
      }
    });
    if (random() < rare / 4) fields.push('extra');
    if (random() < rare / 4 && fields.length > 1) fields.pop();
    lines.push(fields.map((f) => (delimiter === ',' ? f : f.replaceAll(',', delimiter))).join(delimiter));
    if (random() < 0.01) lines.push(crlf && random() < 0.5 ? '\r' : '');
  }
  let text = lines.join(crlf ? '\r\n' : '\n');
  if (random() < 0.7) text += crlf ? '\r\n' : '\n';
  if (random() < rare) text = text.replace('\n', '\r');
  let bytes = Buffer.from(text, 'utf8');
  if (random() < 0.1) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  if (random() < rare) bytes[Math.floor(bytes.length * random())] = pick([0xff, 0xc3, 0xed, 0x80]);
  return { bytes, delimiter };
}

/**
 * Where two plain values first differ (a path such as `columns[2].cells[1041]`), or undefined.
 * For large reads: toEqual's diff of 300k mismatching cells takes minutes to print.
 */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return `${path}: ${String(a)} against ${String(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** What a read gives, errors included, in plain values. */
async function observe(path: string, options: CsvReadOptions): Promise<{ native: boolean; threads: number; seen: unknown }> {
  try {
    const r = await readCsv(path, options);
    const seen = {
      names: r.table.names,
      rows: r.table.rowCount,
      delimiter: r.delimiter,
      header: r.header,
      columns: r.table.columns.map((c, k) => {
        const b = r.builders[k];
        // Nulls as the Arrow table will count them (the native reader's count spares the search).
        const nulls = c.type === 'string' ? (arrowDataOf(c)?.nullCount ?? c.values.filter((v) => v === null).length) : packValidity(c.valid).nulls;
        // The Arrow null bitmap (the native reader packs it in C, the JavaScript one bit by bit).
        const bitmap = columnData(c).nullBitmap;
        return { type: c.type, inferred: b?.inferredType(), nulls, bitmap: bitmap === null || bitmap === undefined ? null : Array.from(bitmap), cells: Array.from({ length: r.table.rowCount }, (_, i) => cellValue(c, i)), stats: [b?.nonFiniteCount, b?.firstNonFinite, b?.typeFailureCount, b?.typeFailures] };
      }),
    };
    return { native: r.native, threads: r.threads, seen };
  } catch (err) {
    if (!(err instanceof DataIntegrationError)) throw err;
    return { native: false, threads: 0, seen: { error: err.code, message: err.message, location: [err.file, err.row, err.line, err.column] } };
  }
}

describe.runIf(built)('the native CSV reader', () => {
  it('is built and loads here', () => {
    expect(typeof nativeCsvReader()?.read).toBe('function');
  });

  it('reads every file as the JavaScript reader does, and reads the plain ones itself', async () => {
    let nativeReads = 0;
    let splitReads = 0;
    let plainFiles = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { bytes } = randomCsv(seed);
      const path = tmp.write(`f${seed}.csv`, bytes);
      const viaJs = await observe(path, { file: 'f.csv', nativeMinBytes: Number.POSITIVE_INFINITY });
      // Two of three files are read in two parts however small (the second part's rows start at
      // the first's count, blank lines and the header left out).
      const viaNative = await observe(path, { file: 'f.csv', nativeMinBytes: 0, sharedNumbers: seed % 2 === 0, ...(seed % 3 !== 0 ? { nativeSplitMinBytes: 0 } : {}) });
      expect(viaNative.seen, `seed ${seed}`).toEqual(viaJs.seen);
      if (viaNative.native) nativeReads++;
      if (viaNative.native && viaNative.threads === 2) splitReads++;
      if (!bytes.includes(34) && !('error' in (viaJs.seen as object))) plainFiles++;
    }
    // Most plain files go native (those with a column that starts with a bool or a date do not).
    expect(nativeReads).toBeGreaterThan(plainFiles / 3);
    expect(splitReads).toBeGreaterThan(nativeReads / 2);
  }, 120_000);

  it('reads a plain file natively, with its types', async () => {
    const path = tmp.write('plain.csv', 'id,age,income,region\r\nB1,51,44480.31,north\r\nB2,,1e3,NA\r\n\r\nB3,-7,-0.5,zoë\r\n');
    const r = await readCsv(path, { file: 'plain.csv', nativeMinBytes: 0 });
    expect(r.native).toBe(true);
    expect(r.table.columns.map((c) => c.type)).toEqual(['string', 'int', 'float', 'string']);
    expect(r.table.rowCount).toBe(3);
    expect(Array.from({ length: 3 }, (_, i) => r.table.columns.map((c) => cellValue(c, i)))).toEqual([
      ['B1', 51, 44480.31, 'north'],
      ['B2', null, 1000, null],
      ['B3', -7, -0.5, 'zoë'],
    ]);
  });

  it('reads numbers into shared memory when asked, as a loader thread hands them on', async () => {
    const lines = ['id,n,x,t'];
    for (let r = 0; r < 5000; r++) lines.push(`i${r},${r - 2500},${(r / 7).toFixed(4)},${r % 9 === 0 ? '' : 'w'}`);
    const path = tmp.write('shared.csv', `${lines.join('\n')}\n`);
    const shared = await readCsv(path, { file: 'shared.csv', nativeMinBytes: 0, sharedNumbers: true });
    const plain = await readCsv(path, { file: 'shared.csv', nativeMinBytes: Number.POSITIVE_INFINITY });
    expect(shared.native).toBe(true);
    const [, n, x] = shared.table.columns;
    expect(n?.type === 'int' && n.values.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(x?.type === 'float' && x.values.buffer instanceof SharedArrayBuffer).toBe(true);
    for (const [k, c] of shared.table.columns.entries()) {
      const other = plain.table.columns[k];
      expect(c.type).toBe(other?.type);
      expect(Array.from({ length: 5000 }, (_, i) => cellValue(c, i))).toEqual(Array.from({ length: 5000 }, (_, i) => (other === undefined ? undefined : cellValue(other, i))));
    }
  });

  it('keeps the numbers of a table of hundreds of columns out of shared memory, as the rooms do', async () => {
    const cols = 600;
    const header = Array.from({ length: cols }, (_, k) => `c${k}`).join(',');
    const row = (r: number): string => Array.from({ length: cols }, (_, k) => String((r + k) % 10)).join(',');
    const path = tmp.write('wide.csv', `${header}\n${Array.from({ length: 40 }, (_, r) => row(r)).join('\n')}\n`);
    const r = await readCsv(path, { file: 'wide.csv', nativeMinBytes: 0, sharedNumbers: true });
    expect(r.native).toBe(true);
    expect(r.table.columns.every((c) => c.type === 'int' && !(c.values.buffer instanceof SharedArrayBuffer))).toBe(true);
    expect(cellValue(r.table.columns[599] as Column, 39)).toBe((39 + 599) % 10);
  });

  it('keeps a column int only while every value fits in 32 bits', async () => {
    const path = tmp.write('ranges.csv', 'edge,over,under\n2147483647,1,-1\n-2147483648,2147483648,-2147483649\n0,3,-3\n');
    const r = await readCsv(path, { file: 'ranges.csv', nativeMinBytes: 0 });
    expect(r.native).toBe(true);
    expect(r.table.columns.map((c) => c.type)).toEqual(['int', 'float', 'float']);
    expect(r.table.columns.map((c) => cellValue(c, 1))).toEqual([-2147483648, 2147483648, -2147483649]);
  });

  it('gives up what only the JavaScript reader reads exactly, which then reads it', async () => {
    const cases: [string, string][] = [
      ['quoted', 'a,b\n1,"x"\n'],
      ['ragged', 'a,b\n1,2\n3\n'],
      ['lone CR', 'a,b\n1,2\r3,4\n'],
      ['number then text', 'a,b\n1,2\nx,3\n'],
      ['bool first', 'a,b\ntrue,2\nfalse,3\n'],
      ['date first', 'a,b\n2024-01-02,2\n2024-01-03,3\n'],
      ['NaN in numbers', 'a,b\n1,2\nNaN,3\n'],
      ['exponent past 10^22', 'a,b\n1,2\n1e30,3\n'],
      ['16 digits', 'a,b\n1,2\n1234567890123456,3\n'],
      ['all null', 'a,b\n,2\nNA,3\n'],
      ['not UTF-8', 'a,b\nx\xff,2\n'],
    ];
    for (const [name, text] of cases) {
      const path = tmp.write(`${name}.csv`, name === 'not UTF-8' ? Buffer.from(text, 'latin1') : text);
      const viaNative = await observe(path, { file: `${name}.csv`, nativeMinBytes: 0 });
      expect(viaNative.native, name).toBe(false);
      expect(viaNative.seen, name).toEqual((await observe(path, { file: `${name}.csv`, nativeMinBytes: Number.POSITIVE_INFINITY })).seen);
    }
  });

  it('splits a large file over two threads and joins the parts as one pass reads them', async () => {
    const random = mulberry32(7);
    const lines = ['id,score,flag,note,late'];
    // 'late' is null in the whole first half: its type comes from the second part.
    const rows = 300_000;
    for (let r = 0; r < rows; r++) lines.push(`u${r}@example.org,${(random() * 100).toFixed(3)},${r % 2},${r % 3 === 0 ? 'NA' : `n${r % 11}`},${r < rows * 0.6 ? '' : r % 5}`);
    const path = tmp.write('large.csv', `${lines.join('\n')}\n`);
    const native = await readCsv(path, { file: 'large.csv' });
    expect(native.native).toBe(true);
    expect(native.threads).toBe(2);
    const js = await observe(path, { file: 'large.csv', nativeMinBytes: Number.POSITIVE_INFINITY });
    expect(firstDifference((await observe(path, { file: 'large.csv' })).seen, js.seen)).toBeUndefined();
    expect(native.table.columns.map((c) => c.type)).toEqual(['string', 'float', 'int', 'string', 'int']);
    // A number in one part and text in the other: given up, and read as one pass reads it.
    lines[rows - 5] = 'u@example.org,1.5,x,n,1';
    const mixed = tmp.write('mixed.csv', `${lines.join('\n')}\n`);
    const viaNative = await observe(mixed, { file: 'mixed.csv' });
    expect(viaNative.native).toBe(false);
    expect(firstDifference(viaNative.seen, (await observe(mixed, { file: 'mixed.csv', nativeMinBytes: Number.POSITIVE_INFINITY })).seen)).toBeUndefined();
  }, 60_000);

  it("counts the first part's rows past blank lines, CRLF blank lines and the header", async () => {
    for (const [name, eol, header] of [['lf', '\n', true], ['crlf', '\r\n', true], ['bare', '\n', false]] as const) {
      const lines: string[] = header ? ['', 'k,v,t'] : [];
      for (let r = 0; r < 4000; r++) {
        lines.push(`${r},${(r * 0.25).toFixed(2)},w${r % 13}`);
        // Blank lines all through both parts (in LF files also a lone CR, a CRLF blank line), and
        // one as the file's first line.
        if (r % 97 === 0) lines.push(eol === '\n' && r % 2 === 0 ? '\r' : '');
      }
      const path = tmp.write(`blank-${name}.csv`, `${lines.join(eol)}${eol}`);
      const split = await observe(path, { file: 'b.csv', nativeMinBytes: 0, nativeSplitMinBytes: 0, ...(header ? {} : { header: false }) });
      expect(split.native && split.threads, name).toBe(2);
      expect(split.seen, name).toEqual((await observe(path, { file: 'b.csv', nativeMinBytes: Number.POSITIVE_INFINITY, ...(header ? {} : { header: false }) })).seen);
    }
  });

  it('joins a column of whole numbers in one part and fractions in the other as doubles', async () => {
    const lines = ['a,b,c'];
    // a: whole numbers, a fraction near the end; b: a fraction first, then whole numbers; c: whole
    // numbers past the int32 range in the second part only.
    for (let r = 0; r < 2000; r++) lines.push(`${r === 1990 ? '0.5' : r * 3},${r === 0 ? '-1.25' : r},${r > 1500 ? 2 ** 31 + r : -r}`);
    const path = tmp.write('int-float.csv', `${lines.join('\n')}\n`);
    const split = await observe(path, { file: 'i.csv', nativeMinBytes: 0, nativeSplitMinBytes: 0 });
    expect(split.native && split.threads).toBe(2);
    expect(split.seen).toEqual((await observe(path, { file: 'i.csv', nativeMinBytes: Number.POSITIVE_INFINITY })).seen);
    const r = await readCsv(path, { file: 'i.csv', nativeMinBytes: 0, nativeSplitMinBytes: 0 });
    expect(r.table.columns.map((c) => c.type)).toEqual(['float', 'float', 'float']);
  });

  it('leaves a file to JavaScript when its bytes are needed or a column is declared', async () => {
    const path = tmp.write('declared.csv', 'a,b\n1,2\n3,4\n');
    expect((await readCsv(path, { file: 'declared.csv', nativeMinBytes: 0, onChunk: () => undefined })).native).toBe(false);
    expect((await readCsv(path, { file: 'declared.csv', nativeMinBytes: 0, declared: new Map([['a', 'float']]) })).native).toBe(false);
    expect((await readCsv(path, { file: 'declared.csv', nativeMinBytes: 0 })).native).toBe(true);
  });

  it("takes the SHA-256 of the bytes it reads, in one part or two, as the file's own", async () => {
    expect(nativeCsvReader()?.hashes).toBe(true);
    let hashed = 0;
    let split = 0;
    for (let seed = 1; seed <= 120; seed++) {
      // BOMs, files without a last LF, blank lines: whatever the generator makes.
      const { bytes } = randomCsv(seed);
      const path = tmp.write(`h${seed}.csv`, bytes);
      let hashing: boolean | undefined;
      const r = await readCsv(path, { file: 'h.csv', nativeMinBytes: 0, onChunk: () => undefined, onNative: (h) => (hashing = h), ...(seed % 3 !== 0 ? { nativeSplitMinBytes: 0 } : {}) }).catch(() => null);
      if (r?.native !== true) continue;
      expect(hashing).toBe(true);
      expect(r.sha256, `seed ${seed}`).toBe(createHash('sha256').update(bytes).digest('hex'));
      hashed++;
      if (r.threads === 2) split++;
    }
    expect(hashed).toBeGreaterThan(20);
    expect(split).toBeGreaterThan(hashed / 3);
  });

  it('leaves the hash to loadDataset where the module cannot take it', async () => {
    const lines = ['k,v'];
    for (let r = 0; r < 200_000; r++) lines.push(`k${r},${r % 97}`);
    const bytes = Buffer.from(`\ufeff${lines.join('\r\n')}`);
    const path = tmp.write('unhashed.csv', bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    const reader = nativeCsvReader() as { hashes?: boolean };
    reader.hashes = false;
    try {
      expect((await loadDataset(path)).manifest.file_sha256).toBe(expected);
    } finally {
      reader.hashes = true;
    }
    expect((await loadDataset(path)).manifest.file_sha256).toBe(expected);
  });

  it('gives loadDataset the same dataset, hash and manifest as the JavaScript reader', async () => {
    const lines = ['customer_id,email,age,spend,region'];
    for (let r = 0; r < 40_000; r++) lines.push(`C${r},p${r}@example.com,${18 + (r % 60)},${(r * 1.37).toFixed(2)},${['north', 'south'][r % 2]}`);
    const path = tmp.write('load.csv', `${lines.join('\n')}\n`);
    const viaNative = await loadDataset(path);
    const previous = process.env['HOKUSAI_CSV_NATIVE'];
    let viaJs;
    try {
      process.env['HOKUSAI_CSV_NATIVE'] = '0';
      viaJs = await loadDataset(path, { parseThreads: 1 });
    } finally {
      if (previous === undefined) delete process.env['HOKUSAI_CSV_NATIVE'];
      else process.env['HOKUSAI_CSV_NATIVE'] = previous;
    }
    expect(viaNative.manifest).toEqual(viaJs.manifest);
    expect(viaNative.table.numRows).toBe(40_000);
    expect(viaNative.table.schema.fields.map((f) => String(f.type))).toEqual(viaJs.table.schema.fields.map((f) => String(f.type)));
  });
});
