import { Table, Utf8, makeVector, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decileEdges, numberBinCounts, psiFromCounts, PSI_EPSILON } from '../src/flow/data-profile/psi.js';
import { profileColumns, type CategoryColumnProfile, type NumberColumnProfile } from '../src/flow/data-profile/column-profile.js';
import { permutationImportance } from '../src/flow/data-profile/permutation-importance.js';

describe('PSI', () => {
  it('matches a hand computation on two categories', () => {
    // base A 50%, B 50%; contributed A 80%, B 20%:
    // (0.8 − 0.5)·ln(0.8/0.5) + (0.2 − 0.5)·ln(0.2/0.5) = 0.3·0.470004 + 0.3·0.916291 = 0.415888
    expect(psiFromCounts([50, 50], [80, 20])).toBeCloseTo(0.415888, 6);
    expect(psiFromCounts([5, 5, 0], [5, 5, 0])).toBe(0);
    expect(psiFromCounts([0, 0], [1, 1])).toBeNull();
  });

  it('bins numbers at the base deciles, with a bin for missing values, and matches a hand computation', () => {
    const base = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const edges = decileEdges(base);
    expect(edges).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const expected = numberBinCounts(base, 0, edges);
    expect([...expected]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    const actual = numberBinCounts(Float64Array.from([1, 1, 1, 1, 1, 10, 10, 10, 10]), 1, edges);
    expect([...actual]).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1]);
    // shares: actual 0.5 in bin 1, 0.4 in bin 10, 0.1 missing; base 0.1 in each of 10 bins, 0 missing.
    // 0 shares count as 1e-4: (0.5−0.1)ln 5 + (0.4−0.1)ln 4 + 8·(1e-4−0.1)ln(1e-3) + (0.1−1e-4)ln(0.1/1e-4)
    const hand = 0.4 * Math.log(5) + 0.3 * Math.log(4) + 8 * (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1) + (0.1 - PSI_EPSILON) * Math.log(0.1 / PSI_EPSILON);
    expect(hand).toBeCloseTo(0.643775 + 0.415888 + 5.520677 + 0.690085, 5);
    expect(psiFromCounts(expected, actual)).toBeCloseTo(hand, 12);
  });
});

const tables = (): Record<'base' | 'contributed' | 'benchmark', Table> => ({
  base: tableFromArrays({ age: Float64Array.from([20, 30, 40, 50]), plan: ['basic', 'pro', 'basic', 'pro'], notes: ['a', 'b', 'c', 'd'], email: ['h1', 'h2', 'h3', 'h4'], y: ['no', 'yes', 'no', 'yes'] }),
  contributed: tableFromArrays({ age: Float64Array.from([60, 70]), plan: ['Basci', 'pro'], notes: ['e', 'f'], email: ['h5', 'h6'], y: ['no', 'yes'] }),
  benchmark: tableFromArrays({ age: Float64Array.from([20, 30, 40]), plan: ['basic', 'pro', 'premium'], notes: ['g', 'h', 'i'], email: ['h7', 'h8', 'h9'], y: ['no', 'yes', 'no'] }),
});

describe('column profiles', () => {
  it('leave out the target and PII columns, withhold free-text values, and name new categories', () => {
    const profiles = profileColumns(tables(), { target: 'y', leaveOut: ['email'], withholdValues: ['notes'] });
    expect(profiles.map((p) => p.column)).toEqual(['age', 'plan', 'notes']);
    expect(JSON.stringify(profiles)).not.toMatch(/"h\d"/);
    const plan = profiles[1] as CategoryColumnProfile;
    expect(plan.new_categories).toEqual({ contributed: { count: 1, values: ['Basci'] }, benchmark: { count: 1, values: ['premium'] } });
    expect(plan.categories?.values).toEqual(['basic', 'pro', 'Basci', 'premium']);
    expect(plan.categories?.shares.contributed).toEqual([0, 0.5, 0.5, 0]);
    const notes = profiles[2] as CategoryColumnProfile;
    expect(notes.categories).toBeNull();
    expect(notes.new_categories.contributed).toEqual({ count: 2, values: null });
    expect(JSON.stringify(notes)).not.toMatch(/"[a-i]"/);
    const age = profiles[0] as NumberColumnProfile;
    expect(age.missing_share).toEqual({ base: 0, contributed: 0, benchmark: 0 });
    // every contributed age lies above the base range: a major shift; the benchmark is base-like
    expect(age.psi.contributed as number).toBeGreaterThan(0.25);
    expect(age.psi.benchmark as number).toBeLessThan(age.psi.contributed as number);
    expect(age.histogram?.edges[0]).toBe(20);
    expect(age.histogram?.edges.at(-1)).toBe(70);
    expect(age.histogram?.shares.contributed.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe('permutation importance', () => {
  it('is zero for a column the scorer ignores, positive for the one it reads, and the same for a seed', async () => {
    const n = 300;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * ((i % 7) + 1));
    const noise = Float64Array.from({ length: n }, (_, i) => (i * 37) % 11);
    const labels = Int32Array.from(x, (v) => (v > 0 ? 1 : 0));
    const table = tableFromArrays({ x, noise });
    const predict = async (t: Table): Promise<Float64Array> => Float64Array.from(t.getChild('x')?.toArray() as Float64Array, (v) => 1 / (1 + Math.exp(-v)));
    const run = () => permutationImportance({ table, labels, columns: ['noise', 'x', 'absent'], threshold: 0.5, seed: 3, predict });
    const first = await run();
    expect(first).toMatchObject({ repeats: 5, rows: n, sampled: false });
    expect(first.columns.map((c) => c.column)).toEqual(['x', 'noise']);
    expect(first.columns[0]?.accuracy_drop_pp).toBeGreaterThan(30);
    expect(first.columns[1]).toMatchObject({ accuracy_drop_pp: 0, auroc_drop_pp: 0 });
    expect(await run()).toEqual(first);
  });

  it('scores the sampled rows, repeated, with one column shuffled per call, keeping every column\'s type (typed copies and the builder alike)', async () => {
    const n = 2600;
    const R = 5;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
    const k = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
    const s = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `v${i % 13}`));
    const table = new Table({ x: makeVector(x), k: makeVector(k), s: vectorFromArray(s, new Utf8()) });
    const labels = Int32Array.from(x, (v) => (v > 0 ? 1 : 0));
    const calls: { types: Record<string, string>; values: Record<string, unknown[]> }[] = [];
    const predict = async (t: Table): Promise<Float64Array> => {
      const names = ['x', 'k', 's'];
      calls.push({ types: Object.fromEntries(names.map((c) => [c, String(t.getChild(c)?.type)])), values: Object.fromEntries(names.map((c) => [c, Array.from(t.getChild(c) ?? [])])) });
      return Float64Array.from({ length: t.numRows }, (_, i) => 1 / (1 + Math.exp(-Number(t.getChild('x')?.get(i)))));
    };
    const result = await permutationImportance({ table, labels, columns: ['x', 'k', 's'], threshold: 0.5, seed: 11, predict });
    expect(result).toMatchObject({ rows: 2000, sampled: true });
    const [once, ...shuffles] = calls;
    if (once === undefined) throw new Error('no call');
    const types = { x: String(table.getChild('x')?.type), k: String(table.getChild('k')?.type), s: String(table.getChild('s')?.type) };
    expect(once.types).toEqual(types);
    // The sample: 2,000 distinct rows in their original order, read from the table.
    const xs = once.values.x as number[];
    const rows = xs.map((v) => Array.from(x).indexOf(v));
    expect(new Set(rows).size).toBe(2000);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
    expect(once.values.k).toEqual(rows.map((r) => k[r]));
    expect(once.values.s).toEqual(rows.map((r) => s[r]));
    expect(shuffles.map((c) => c.types)).toEqual([types, types, types]);
    shuffles.forEach((call, c) => {
      const shuffled = ['x', 'k', 's'][c] as string;
      for (const name of ['x', 'k', 's']) {
        const got = call.values[name] as unknown[];
        const base = once.values[name] as unknown[];
        expect(got.length).toBe(2000 * R);
        for (let r = 0; r < R; r++) {
          const block = got.slice(r * 2000, (r + 1) * 2000);
          if (name !== shuffled) expect(block).toEqual(base);
          else {
            expect(block).not.toEqual(base);
            expect([...block].map(String).sort()).toEqual([...base].map(String).sort());
          }
        }
      }
    });
  });
});
