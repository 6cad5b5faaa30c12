import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetInBatches, manifestOverBatches } from '../src/index.js';
import { mulberry32 } from './mulberry32.js';
import { allRows, rowsOf } from './batch-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const failure = (p: Promise<unknown>): Promise<{ code: string; row?: number; line?: number; column?: string; file?: string; message: string } | null> =>
  p.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );

/** A record's JSON text from its fields' JSON texts (undefined: the key is left out). */
const record = (fields: Record<string, string | undefined>): string =>
  `{${Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${v as string}`)
    .join(',')}}`;

const jsonl = (records: string[]): string => `${records.join('\n')}\n`;
const jsonArray = (records: string[]): string => `[\n  ${records.map((r) => r.replace(/,"/g, ',\n    "')).join(',\n  ')}\n]\n`;

/**
 * Columns whose type a reader of one batch would get wrong: the whole file decides, value by
 * value in order (rows 1-based; 40 rows).
 */
function orderedColumns(i: number): Record<string, string | undefined> {
  return {
    id: String(i),
    // int until row 33, then a float: float throughout.
    x: i === 33 ? '2.5' : String(i * 3),
    // Bools, and from row 20 the strings "true"/"False", which a bool column reads as bools.
    flag: i < 20 ? String(i % 2 === 0) : JSON.stringify(i % 2 === 0 ? 'true' : 'False'),
    // Text first (row 1), then bools: text "true"/"false" (a batch of only bools would be bool).
    said: i === 1 ? '"maybe"' : String(i % 3 === 0),
    // Dates until row 37, then a string that is not one: all text, the dates as written.
    when: i === 37 ? '"soon"' : `"2024-01-${String((i % 28) + 1).padStart(2, '0')}"`,
    // Missing until row 25 (a key first seen late), then numbers.
    late: i < 25 ? undefined : String(i / 4),
    // Objects and arrays are text (their JSON).
    extra: i % 4 === 0 ? '{"a":[1,2]}' : i % 4 === 1 ? '[]' : 'null',
    none: 'null',
  };
}

const rows40 = Array.from({ length: 40 }, (_, k) => record(orderedColumns(k + 1)));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('loading JSON Lines and JSON in batches', () => {
  it.each([
    ['JSON Lines', 'ordered.jsonl', jsonl(rows40)],
    ['a pretty-printed JSON array', 'ordered.json', jsonArray(rows40)],
  ])('gives loadDataset\'s types, values, hash and content hash, batch by batch (%s)', async (label, name, text) => {
    const path = tmp.write(name, text);
    const whole = await loadDataset(path);
    const dir = tmp.path(`${name}-batches`);
    const batched = await loadDatasetInBatches(path, { dir, batchRows: 7 });
    expect(batched.format, label).toBe(name.endsWith('.jsonl') ? 'jsonl' : 'json');
    expect(batched.row_count).toBe(40);
    expect(batched.batches).toHaveLength(6);
    expect(batched.columns).toEqual(['id', 'x', 'flag', 'said', 'when', 'extra', 'none', 'late']);
    expect(batched.dtypes).toEqual(whole.manifest.dtypes);
    // The planted changes of type are there, so the comparison means something.
    expect(batched.dtypes).toEqual({ id: 'int', x: 'float', flag: 'bool', said: 'string', when: 'string', extra: 'string', none: 'string', late: 'float' });
    expect(batched.emptyColumns).toEqual(['none']);
    expect(batched.file_sha256).toBe(sha256(text));
    expect(batched.file_sha256).toBe(whole.manifest.file_sha256);
    expect(await allRows(() => batched.read())).toEqual(rowsOf(whole.table));
    for await (const batch of batched.read()) expect(batch.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(whole.table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`));
    const manifest = await manifestOverBatches(() => batched.read(), { source_path: path, format: batched.format, file_sha256: batched.file_sha256 }, { dir: tmp.path(`${name}-manifest`), partitionBits: 2 });
    expect(manifest.content_hash).toBe(whole.manifest.content_hash);
    expect(readdirSync(dir).sort()).toEqual(batched.batches.map((f) => f.slice(dir.length + 1)).sort());
  });

  it.each([
    ['a bool, then the string "x" rows later', (i: number) => ({ a: i === 30 ? '"x"' : i === 2 ? 'true' : 'null' }), { code: 'HOKUSAI_TYPE_MISMATCH', column: 'a' }],
    ['numbers, then a string in a later batch', (i: number) => ({ a: i === 38 ? '"7"' : String(i) }), { code: 'HOKUSAI_TYPE_MISMATCH', column: 'a' }],
    ['dates, a bool, then text', (i: number) => ({ a: i === 15 ? 'true' : i === 31 ? '"x"' : '"2024-02-03"' }), { code: 'HOKUSAI_TYPE_MISMATCH', column: 'a' }],
    ['a number past the largest double in row 33', (i: number) => ({ a: '1', b: i === 33 ? '1e999' : '0.5' }), { code: 'HOKUSAI_NON_FINITE', column: 'b', row: 33 }],
    ['an array for a record in row 26', (i: number) => (i === 26 ? null : { a: '1' }), { code: 'HOKUSAI_PARSE_ERROR', row: 26 }],
    ['an empty key in row 12', (i: number) => (i === 12 ? { '': '1' } : { a: '1' }), { code: 'HOKUSAI_EMPTY_COLUMN_NAME', row: 12 }],
  ])('gives loadDataset\'s error when the data is wrong: %s', async (label, fields, expected) => {
    const records = Array.from({ length: 40 }, (_, k) => {
      const f = fields(k + 1);
      return f === null ? '[1,2]' : record(f);
    });
    for (const [name, text] of [
      [`${label}.jsonl`, jsonl(records)],
      [`${label}.json`, jsonArray(records)],
    ] as const) {
      const path = tmp.write(name, text);
      const whole = await failure(loadDataset(path));
      const dir = tmp.path(`${name}-batches`);
      const batched = await failure(loadDatasetInBatches(path, { dir, batchRows: 7 }));
      expect(whole, name).toMatchObject({ ...expected, file: path });
      expect(batched, name).toMatchObject({ ...expected, file: path, message: whole?.message });
      // No half-written batches are left behind.
      expect(readdirSync(dir), name).toEqual([]);
    }
  });

  it('a value nested too deeply to keep as text: a typed error naming its row and column, not a crash', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const records = Array.from({ length: 12 }, (_, k) => record({ a: String(k), b: k === 9 ? deep : 'null' }));
    for (const [name, text] of [
      ['deep.jsonl', jsonl(records)],
      ['deep.json', `[${records.join(',')}]`],
    ] as const) {
      const path = tmp.write(name, text);
      const expected = { code: 'HOKUSAI_PARSE_ERROR', row: 10, column: 'b', file: path, message: expect.stringContaining('nests too deeply') };
      expect(await failure(loadDataset(path)), name).toMatchObject(expected);
      expect(await failure(loadDatasetInBatches(path, { dir: tmp.path(`${name}-batches`), batchRows: 4 })), name).toMatchObject(expected);
    }
  });

  it('reads a number past the largest double as missing when asked, as loadDataset does', async () => {
    const path = tmp.write('inf.jsonl', jsonl(Array.from({ length: 20 }, (_, k) => record({ a: k === 13 ? '-1e400' : String(k) }))));
    const batched = await loadDatasetInBatches(path, { dir: tmp.path('inf-null'), batchRows: 6, nonFinite: 'null' });
    expect(await allRows(() => batched.read())).toEqual(rowsOf((await loadDataset(path, { nonFinite: 'null' })).table));
    expect(batched.dtypes).toEqual({ a: 'int' });
  });

  it('places a syntax error in the whole file: its row and line, past blank lines and earlier batches', async () => {
    const lines = Array.from({ length: 30 }, (_, k) => record({ a: String(k), e: '"someone@example.com"' }));
    lines.splice(5, 0, '', '   ');
    lines[25] = '{"a": 1, "e": someone@example.com}';
    const path = tmp.write('syntax.jsonl', jsonl(lines));
    const whole = await failure(loadDataset(path));
    const batched = await failure(loadDatasetInBatches(path, { dir: tmp.path('syntax'), batchRows: 4 }));
    expect(whole).toMatchObject({ code: 'HOKUSAI_PARSE_ERROR', row: 24, line: 26 });
    expect(batched).toEqual(whole);
    expect(batched?.message).not.toContain('someone');
  });

  it('a JSON array: where it is broken, and how, with the record\'s row and line', async () => {
    const good = Array.from({ length: 12 }, (_, k) => record({ a: String(k), s: JSON.stringify(`]},"[${k}\\`) }));
    const cases: [string, string, Record<string, unknown>][] = [
      ['missing-comma', `[${good.slice(0, 5).join(',')}\n${good.slice(5).join(',')}]`, { code: 'HOKUSAI_PARSE_ERROR', row: 6, line: 2 }],
      ['trailing-comma', `[${good.join(',\n')},\n]`, { code: 'HOKUSAI_PARSE_ERROR', row: 13, line: 13 }],
      ['unclosed', `[${good.join(',')}`, { code: 'HOKUSAI_PARSE_ERROR' }],
      ['cut-inside-a-record', `[${good.join(',')}`.slice(0, -5), { code: 'HOKUSAI_PARSE_ERROR', row: 12 }],
      ['text-after', `[${good.join(',')}] []`, { code: 'HOKUSAI_PARSE_ERROR' }],
      ['not-an-array', good[0] as string, { code: 'HOKUSAI_PARSE_ERROR', message: expect.stringContaining('the top level is not an array') }],
      ['empty', ' \n ', { code: 'HOKUSAI_EMPTY_FILE' }],
      ['no-records', '[ ]', { code: 'HOKUSAI_HEADER_ONLY' }],
      ['binary', '[{"a":\u0000}]', { code: 'HOKUSAI_BINARY_FILE' }],
    ];
    for (const [name, text, expected] of cases) {
      const path = tmp.write(`${name}.json`, text);
      const whole = await failure(loadDataset(path));
      const dir = tmp.path(`${name}-json`);
      const batched = await failure(loadDatasetInBatches(path, { dir, batchRows: 5 }));
      expect(whole?.code, name).toBe(expected.code);
      expect(batched, name).toMatchObject({ ...expected, file: path });
      expect(readdirSync(dir), name).toEqual([]);
    }
    const bad = tmp.path('bad-utf8.json');
    writeFileSync(bad, Buffer.concat([Buffer.from(`[${good.slice(0, 8).join(',')},{"a":"`), Buffer.of(0xc3, 0x28), Buffer.from('"}]')]));
    expect(await failure(loadDatasetInBatches(bad, { dir: tmp.path('bad-utf8'), batchRows: 5 }))).toMatchObject({ code: 'HOKUSAI_INVALID_UTF8', row: 9, file: bad });
    expect(await failure(loadDataset(bad))).toMatchObject({ code: 'HOKUSAI_INVALID_UTF8' });
  });

  it('random files: the same rows, types and hash as loadDataset, or the same error', async () => {
    // Field texts a column draws from: each column takes one to three of them, so most columns keep
    // one type and some turn, in whatever order the draws put their values.
    const texts = ['null', '0', '-0', '7', '-12', '2147483648', '1.5', '1e21', '1e999', 'true', 'false', '"true"', '"False"', '"x"', '""', '"NA"', '"null"', '"2020-01-01"', '"2021-02-03T04:05:06Z"', '"2020-13-01"', '"12"', '{"a":1}', '[1,"]"]', '"é \\" ü"'];
    const random = mulberry32(22);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    let same = 0;
    let errors = 0;
    for (let f = 0; f < 150; f++) {
      const columns = Array.from({ length: 1 + Math.floor(random() * 4) }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(texts)));
      const rows = 1 + Math.floor(random() * 30);
      const records = Array.from({ length: rows }, () => record(Object.fromEntries(columns.map((draws, c) => [`c${c}`, random() < 0.1 ? undefined : pick(draws)]))));
      const nonFinite = random() < 0.5 ? 'null' : 'error';
      const batchRows = 1 + Math.floor(random() * 8);
      const format = random() < 0.5 ? 'jsonl' : 'json';
      const path = tmp.write(`random-${f}.${format}`, format === 'jsonl' ? jsonl(records) : jsonArray(records));
      const whole = await loadDataset(path, { nonFinite }).then(
        (d) => ({ names: d.table.schema.fields.map((f) => f.name), rows: rowsOf(d.table), dtypes: d.manifest.dtypes, sha: d.manifest.file_sha256 }),
        (e: unknown) => e as { code: string; row?: number; column?: string },
      );
      const batched = await loadDatasetInBatches(path, { dir: tmp.path(`random-${f}`), batchRows, nonFinite }).then(
        async (b) => ({ names: b.columns, rows: await allRows(() => b.read()), dtypes: b.dtypes, sha: b.file_sha256 }),
        (e: unknown) => e as { code: string; row?: number; column?: string },
      );
      if ('code' in whole) {
        errors++;
        const where = (e: { code?: string; row?: number; column?: string }): unknown => ({ code: e.code, row: e.row, column: e.column });
        expect(where(batched as { code: string }), path).toEqual(where(whole));
      } else {
        same++;
        expect(batched, path).toEqual(whole);
      }
    }
    // Both outcomes were met often enough for the comparison to mean something.
    console.log(`random JSON files: ${same} read alike, ${errors} failed alike`);
    expect(same).toBeGreaterThan(40);
    expect(errors).toBeGreaterThan(40);
  });
});
