import { afterAll, describe, expect, it } from 'vitest';
import { tableToIPC } from 'apache-arrow';
import { integrateContribution, integrateContributionOnThreads, loadDataset } from '../src/index.js';
import type { IntegrationInput, LoadedDataset } from '../src/index.js';
import type { Column } from '../src/column.js';
import { matchRows } from '../src/feature-match.js';
import { matchRowsInWorker } from '../src/match-in-worker.js';
import { stringColumnFromUtf8 } from '../src/utf8-column.js';
import { lcg, plantedCsv, plantedRows } from './planted-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Rows of cells as columns of every kind the posting knows, each laid out differently in memory. */
function columnsOf(rows: { x1: number | null; x2: number; n: number; plan: string | null; note: string | null; flag: boolean; at: number }[]): Column[] {
  const n = rows.length;
  // x1 in shared memory, x2 as a view into a larger ordinary buffer, n as int32.
  const x1 = new Float64Array(new SharedArrayBuffer(n * 8));
  const x1Valid = new Uint8Array(new SharedArrayBuffer(n));
  const x2 = new Float64Array(n + 10).subarray(5, 5 + n);
  const ints = new Int32Array(n);
  const flags = new Uint8Array(n);
  const times = new Float64Array(n);
  rows.forEach((r, i) => {
    if (r.x1 !== null) {
      x1[i] = r.x1;
      x1Valid[i] = 1;
    }
    x2[i] = r.x2;
    ints[i] = r.n;
    flags[i] = r.flag ? 1 : 0;
    times[i] = r.at;
  });
  // The note as UTF-8 bytes and offsets (as a reader makes text), the plan as strings of few values.
  const bytes = Buffer.from(rows.map((r) => r.note ?? '').join(''), 'utf8');
  const offsets = new Int32Array(n + 1);
  rows.forEach((r, i) => (offsets[i + 1] = (offsets[i] as number) + Buffer.byteLength(r.note ?? '', 'utf8')));
  const all = new Uint8Array(n).fill(1);
  return [
    { type: 'float', values: x1, valid: x1Valid },
    { type: 'float', values: x2, valid: all },
    { type: 'int', values: ints, valid: all },
    { type: 'string', values: rows.map((r) => r.plan) },
    stringColumnFromUtf8({ offsets, bytes: new Uint8Array(bytes) }, Uint8Array.from(rows, (r) => (r.note === null ? 0 : 1))),
    { type: 'bool', values: flags, valid: all },
    { type: 'timestamp', values: times, valid: all },
  ];
}

function randomRows(count: number, seed: number): Parameters<typeof columnsOf>[0] {
  const next = lcg(seed);
  const plans = ['Basic Plan', 'Pro Plan', 'Team Plan', null];
  return Array.from({ length: count }, (_, k) => ({
    x1: next() < 0.1 ? null : Math.round(next() * 1e6) / 1e4,
    x2: Math.round(next() * 1e5) / 1e3,
    n: Math.floor(next() * 5),
    plan: plans[Math.floor(next() * plans.length)] ?? null,
    note: next() < 0.1 ? null : `note ${k % 997} é`,
    flag: next() < 0.5,
    at: Date.UTC(2025, 0, 1) + Math.floor(next() * 100) * 86_400_000,
  }));
}

describe('matchRowsInWorker', () => {
  it('finds on a worker thread the exact and normalized copies matchRows finds, over every kind of column', async () => {
    const reference = randomRows(3_000, 1);
    const own = randomRows(2_000, 2);
    // 300 exact copies, and 300 copies as a contributor might reprint them: x2 rounded to two
    // decimals, the plan and the note in other case and spacing.
    for (let k = 0; k < 300; k++) own[k] = { ...(reference[k * 3] as (typeof own)[number]) };
    for (let k = 300; k < 600; k++) {
      const r = reference[k * 4] as (typeof own)[number];
      own[k] = { ...r, x2: Math.round(r.x2 * 100) / 100, plan: r.plan === null ? null : ` ${r.plan.toUpperCase()} `, note: r.note === null ? null : r.note.toUpperCase() };
    }
    const a = columnsOf(own);
    const b = columnsOf(reference);
    const want = matchRows(a, own.length, b, reference.length);
    const got = await matchRowsInWorker(a, own.length, b, reference.length);
    expect(got?.thread).toBe('worker');
    expect(got?.exact).toBe(want.exact);
    expect(got?.normalized).toBe(want.normalized);
    expect(Array.from(got?.hit ?? [])).toEqual(Array.from(want.hit));
    // The planted copies are found, so the comparison above compared something.
    expect(want.exact).toBeGreaterThanOrEqual(300);
    expect(want.normalized).toBeGreaterThanOrEqual(250);
  });
});

describe('integrateContributionOnThreads', () => {
  it('gives integrateContribution\'s result, tables and report, with the contamination check on a worker', async () => {
    const base = plantedRows(20_000, 11, 1);
    const benchmark = plantedRows(40_000, 12, 100_000);
    const contributed = plantedRows(150_000, 13, 1_000_000);
    // Copies of benchmark rows (exact and reprinted), of base rows, and of other contributed rows.
    for (let k = 0; k < 2_000; k++) contributed[k] = { ...(benchmark[k * 13] as (typeof contributed)[number]), id: 2_000_000 + k, email: `c${k}@mail.test` };
    for (let k = 2_000; k < 3_000; k++) contributed[k] = { ...(base[k] as (typeof contributed)[number]), id: 3_000_000 + k };
    for (let k = 3_000; k < 4_000; k++) contributed[k] = { ...(contributed[k + 10_000] as (typeof contributed)[number]) };
    const load = (name: string, text: string): Promise<LoadedDataset> => loadDataset(tmp.write(name, text));
    const input: IntegrationInput = {
      base: await load('base.csv', plantedCsv(base)),
      contributed: await load('contributed.csv', plantedCsv(contributed, (r, k) => (k >= 1_000 && k < 2_000 ? r.x2.toFixed(2) : String(r.x2)))),
      benchmark: await load('benchmark.csv', plantedCsv(benchmark)),
      target: 'label',
      pii: { key: 'k'.repeat(16), mode: 'hash' },
      notFeatures: ['id'],
    };
    const inOne = integrateContribution(input);
    const onTwo = await integrateContributionOnThreads(input, {}, { matchThreadMinRows: 100_000 });
    expect(onTwo.report).toEqual(inOne.report);
    for (const name of ['base', 'contributed', 'merged', 'benchmark'] as const) expect(Buffer.from(tableToIPC(onTwo[name])).equals(Buffer.from(tableToIPC(inOne[name])))).toBe(true);
    expect(inOne.report.contamination.exact).toBeGreaterThanOrEqual(1_000);
    expect(inOne.report.contamination.normalized).toBeGreaterThan(0);
    expect(inOne.report.dedup.already_in_base).toBeGreaterThanOrEqual(1_000);
  }, 60_000);
});
