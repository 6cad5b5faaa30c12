import { afterAll, describe, expect, it } from 'vitest';
import { integrateContribution, loadDataset } from '../src/index.js';
import type { IntegrationInput, IntegrationResult, LoadedDataset } from '../src/index.js';
import type { Column } from '../src/column.js';
import { lcg } from './planted-rows.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Deterministic rows: an id, three PII columns, a timestamp, two numbers with four decimals, a category, the label. */
interface Row {
  id: number;
  email: string;
  phone: string;
  ssn: string;
  signup: string;
  x1: number;
  x2: number;
  plan: string;
  label: number;
}

function rows(count: number, seed: number, idFrom: number): Row[] {
  const next = lcg(seed);
  const plans = ['Basic Plan', 'Pro Plan', 'Team Plan', 'Enterprise Plan'];
  return Array.from({ length: count }, (_, k) => {
    const id = idFrom + k;
    return {
      id,
      email: `user${id}@example.com`,
      phone: `+1 415 555 ${String(1000 + (id % 9000)).padStart(4, '0')}`,
      ssn: `${String(100 + (id % 600)).padStart(3, '0')}-${String(10 + (id % 89)).padStart(2, '0')}-${String(1000 + id).slice(-4)}`,
      signup: new Date(Date.UTC(2024, 0, 1) + id * 3_600_000).toISOString(),
      x1: Math.round(next() * 1e4) / 1e4 + 1,
      x2: Math.round(next() * 1e6) / 1e4,
      plan: plans[Math.floor(next() * plans.length)] as string,
      label: next() < 0.5 ? 0 : 1,
    };
  });
}

const COLS = ['id', 'email', 'phone', 'ssn', 'signup', 'x1', 'x2', 'plan', 'label'] as const;
type Col = (typeof COLS)[number];
const csv = (rs: Row[], cols: readonly Col[] = COLS, cell: (r: Row, c: Col) => string = (r, c) => String(r[c])): string =>
  `${cols.join(',')}\n${rs.map((r) => cols.map((c) => cell(r, c)).join(',')).join('\n')}\n`;

let n = 0;
const load = (text: string): Promise<LoadedDataset> => loadDataset(tmp.write(`c${n++}.csv`, text));

const baseRows = rows(300, 1, 1);
const benchRows = rows(60, 2, 10_001);
const ownRows = rows(200, 3, 20_001);
/** 50 benchmark rows as a contributor would copy them: their own ids, e-mails, phones, SSNs and timestamps. */
const copies = (): Row[] => benchRows.slice(0, 50).map((r, k) => ({ ...r, id: 30_001 + k, email: `copy${k}@mail.test`, phone: `+1 212 555 ${String(2000 + k)}`, ssn: `${String(200 + k)}-55-${String(3000 + k)}`, signup: new Date(Date.UTC(2025, 5, 1) + k * 60_000).toISOString() }));

async function integrate(contributed: string, extra: Partial<IntegrationInput> = {}): Promise<IntegrationResult> {
  return integrateContribution({ base: await load(csv(baseRows)), contributed: await load(contributed), benchmark: await load(csv(benchRows)), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, ...extra });
}

const mixed = (planted: Row[]): Row[] => [...ownRows.slice(0, 100), ...planted, ...ownRows.slice(100)];


/** Edge values, then 4,000 printed with 0 to 14 decimals at magnitudes from 1e-8 to 1e12, every fifth a raw double. */
function printedValues(seed: number): number[] {
  const next = lcg(seed);
  const values: number[] = [0, -0, 0.5, 1e-7, 12.345, 0.1 + 0.2, 1 / 3, 2 ** 60, -1e300, 5e-324, Infinity, -Infinity, Number.NaN];
  for (let k = 0; k < 4000; k++) {
    const d = Math.floor(next() * 15);
    const scale = 10 ** Math.floor(next() * 20 - 8);
    values.push(k % 5 === 0 ? (next() - 0.5) * scale : Number(((next() - 0.5) * scale).toFixed(d)));
  }
  return values;
}

describe('contamination cannot be dodged', () => {
  it('removes copies that carry their own id, PII and timestamp columns (PII found by the scan)', async () => {
    const r = await integrate(csv(mixed(copies())), { omit: { pii: true } });
    expect(r.report.pii.columns.map((c) => c.column).sort()).toEqual(expect.arrayContaining(['email', 'ssn']));
    expect(r.report.contamination).toMatchObject({ removed: 50, exact: 50, normalized: 0 });
    expect(r.report.rows.contributed_kept).toBe(200);
    expect(r.report.contamination.compared_columns).toEqual(['x1', 'x2', 'plan']);
  });

  it('removes them when the PII columns are left out by name (--exclude)', async () => {
    const r = await integrate(csv(mixed(copies())), { omit: { columns: ['email', 'phone', 'ssn'] } });
    expect(r.report.contamination.removed).toBe(50);
    expect(r.report.rows.contributed_kept).toBe(200);
  });

  it('removes copies whose columns come in another order', async () => {
    const order: Col[] = ['label', 'plan', 'x2', 'ssn', 'x1', 'signup', 'phone', 'id', 'email'];
    const r = await integrate(csv(mixed(copies()), order), { omit: { pii: true } });
    expect(r.report.contamination.removed).toBe(50);
    expect(r.report.rows.contributed_kept).toBe(200);
  });

  it('removes copies whose numbers are re-printed or rounded, and whose text changed case or spacing; counted as normalized matches', async () => {
    const planted = copies();
    const text = csv(mixed(planted), COLS, (r, c) => {
      const k = planted.indexOf(r);
      if (k < 0) return String(r[c]);
      if (c === 'x1') return k % 3 === 0 ? r.x1.toExponential() : k % 3 === 1 ? r.x1.toFixed(6) : r.x1.toFixed(2);
      if (c === 'x2') return k % 2 === 0 ? r.x2.toFixed(1) : r.x2.toFixed(3);
      if (c === 'plan') return k % 2 === 0 ? `  ${r.plan.toUpperCase()} ` : r.plan.replace(' ', '   ').toLowerCase();
      return String(r[c]);
    });
    const r = await integrate(text, { omit: { pii: true } });
    expect(r.report.contamination.removed).toBe(50);
    expect(r.report.contamination.exact + r.report.contamination.normalized).toBe(50);
    expect(r.report.contamination.normalized).toBeGreaterThanOrEqual(40);
    expect(r.report.rows.contributed_kept).toBe(200);
  });

  it('does not merge rows that differ beyond rounding', async () => {
    // Each row changes one feature of a benchmark row by more than the rounding the contributor applied.
    const near = benchRows.slice(0, 30).map((r, k) => ({ ...r, id: 40_001 + k, x1: k % 3 === 0 ? r.x1 + 0.02 : r.x1, x2: k % 3 === 1 ? r.x2 + 0.5 : r.x2, plan: k % 3 === 2 ? (r.plan === 'Pro Plan' ? 'Team Plan' : 'Pro Plan') : r.plan }));
    const text = csv([...ownRows, ...near], COLS, (r, c) => (near.includes(r) && c === 'x1' ? r.x1.toFixed(2) : c === 'x1' || c === 'x2' ? String(Math.round(r[c] * 1e4) / 1e4) : String(r[c])));
    const r = await integrate(text, { omit: { pii: true } });
    expect(r.report.contamination.removed).toBe(0);
    expect(r.report.rows.contributed_kept).toBe(230);
  });

  it('uses the same matching for rows already in the base, with the label compared', async () => {
    const fromBase = baseRows.slice(0, 20).map((r, k) => ({ ...r, id: 50_001 + k, email: `b${k}@mail.test`, x1: r.x1 }));
    const text = csv([...ownRows, ...fromBase], COLS, (r, c) => (fromBase.includes(r) && c === 'x2' ? r.x2.toFixed(2) : String(r[c])));
    const r = await integrate(text, { omit: { pii: true } });
    expect(r.report.dedup.already_in_base).toBe(20);
    expect(r.report.dedup.already_in_base_normalized).toBeGreaterThan(0);
    expect(r.report.rows.contributed_kept).toBe(200);
    const flipped = baseRows.slice(0, 5).map((r, k) => ({ ...r, id: 60_001 + k, label: 1 - r.label }));
    expect((await integrate(csv([...ownRows, ...flipped]), { omit: { pii: true } })).report.dedup.already_in_base).toBe(0);
  });
});

describe('a benchmark that cannot judge the contribution', () => {
  const twoClass = (rs: Row[]): Row[] => rs.map((r, k) => ({ ...r, label: k % 2 }));
  const run = async (benchmark: string, extra: Partial<IntegrationInput> = {}): Promise<IntegrationResult> =>
    integrateContribution({ base: await load(csv(twoClass(baseRows))), contributed: await load(csv(ownRows)), benchmark: await load(benchmark), target: 'label', pii: { key: 'k'.repeat(16), mode: 'hash' }, omit: { pii: true }, ...extra });

  it('refuses a benchmark equal to the base, or inside it, unless allowed, and then says so', async () => {
    await expect(run(csv(twoClass(baseRows)))).rejects.toMatchObject({ code: 'HOKUSAI_BENCHMARK_IN_BASE', message: expect.stringMatching(/all 300 benchmark rows/) });
    // Inside the base, with the benchmark's own ids and the columns in another order.
    const inside = twoClass(baseRows).slice(100, 160).map((r, k) => ({ ...r, id: 90_000 + k }));
    await expect(run(csv(inside, ['label', 'x2', 'x1', 'plan', 'id', 'email', 'phone', 'ssn', 'signup']))).rejects.toMatchObject({ code: 'HOKUSAI_BENCHMARK_IN_BASE' });
    const allowed = await run(csv(inside), { benchmarkChecks: { allowInBase: true } });
    expect(allowed.report.contamination.benchmark_rows_in_base).toBe(60);
    expect(allowed.report.benchmark_caveats).toEqual([expect.stringMatching(/every benchmark row is also in the base/)]);
  });

  it('refuses a single-class benchmark unless allowed, and then says so', async () => {
    const single = benchRows.map((r) => ({ ...r, label: 1 }));
    await expect(run(csv(single))).rejects.toMatchObject({ code: 'HOKUSAI_BENCHMARK_SINGLE_CLASS' });
    const allowed = await run(csv(single), { benchmarkChecks: { allowSingleClass: true } });
    expect(allowed.report.benchmark_caveats).toEqual([expect.stringMatching(/one class/)]);
    expect((await run(csv(benchRows))).report.benchmark_caveats).toEqual([]);
  });
});

describe('the normalization rule', () => {
  it('reads the decimals of a number as printed in its shortest form', async () => {
    const { decimalsOf, normalizeCellText } = await import('../src/feature-match.js');
    expect([0.5, 5e-1, 0.25, 120, 12.345, 1e-7, -3.1].map(decimalsOf)).toEqual([1, 1, 2, 0, 3, 7, 1]);
    expect(['  Pro   Plan ', 'PRO PLAN', '0.50', ' 5e-1', '1,5'].map(normalizeCellText)).toEqual(['pro plan', 'pro plan', '0.5', '0.5', '1,5']);
  });

  it('finds a column sample\'s most decimals past decimalsOf\'s loop with the same result', async () => {
    const { decimalsOf, moreDecimals, MAX_DECIMALS } = await import('../src/feature-match.js');
    for (const v of printedValues(17)) for (let d = 0; d <= MAX_DECIMALS; d++) expect(moreDecimals(d, v)).toBe(Math.max(d, decimalsOf(v)));
  });

  it('bounds a value\'s decimals by the reference\'s precision with the same result as decimalsOf\'s whole loop', async () => {
    const { decimalsOf, decimalsUpTo, MAX_DECIMALS } = await import('../src/feature-match.js');
    for (const v of printedValues(23)) for (let most = 0; most <= MAX_DECIMALS; most++) expect(decimalsUpTo(v, most)).toBe(Math.min(decimalsOf(v), most));
  });

  it('matches rounded copies and never values further apart than the rounding', async () => {
    const { matchRows } = await import('../src/feature-match.js');
    const col = (values: number[]): Column => ({ type: 'float', values: Float64Array.from(values), valid: new Uint8Array(values.length).fill(1) });
    const ref = [col([0.1234, 2.5, 7.0625])];
    const r = matchRows([col([0.12, 0.123, 0.1234, 0.13, 2.5, 2.6, 7.06, 7.07, 7])], 9, ref, 3);
    expect(Array.from(r.hit)).toEqual([2, 2, 1, 0, 1, 0, 2, 0, 2]);
  });
});
