import { describe, expect, it } from 'vitest';
import { tableFromArrays, vectorFromArray, Dictionary, Utf8, Int32, Table, type Vector } from 'apache-arrow';
import { profileColumns } from '../src/flow/data-profile/column-profile.js';
import { profileColumnsInWorker } from '../src/flow/data-profile/profile-in-worker.js';

/** Numbers with nulls and NaN, a dictionary category, plain text, free text, an id and the label. */
function table(rows: number, shift: number): Table {
  const plan = vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? null : ['basic', 'pro', 'team', 'max'][(i + shift) % 4] as string)), new Dictionary(new Utf8(), new Int32()));
  const base = tableFromArrays({
    id: Int32Array.from({ length: rows }, (_, i) => i),
    x: Float64Array.from({ length: rows }, (_, i) => (i % 97 === 0 ? Number.NaN : Math.sin(i + shift) * 100)),
    n: Int32Array.from({ length: rows }, (_, i) => (i * 7 + shift) % 50),
    region: Array.from({ length: rows }, (_, i) => (i % 13 === 0 ? null : `r${(i + shift) % 9}`)),
    note: Array.from({ length: rows }, (_, i) => `note ${i % 1000}`),
    label: Int32Array.from({ length: rows }, (_, i) => (i + shift) % 2),
  });
  const columns: Record<string, Vector> = {};
  for (const f of base.schema.fields) columns[f.name] = (base as Table).getChild(f.name) as Vector;
  return new Table({ ...columns, plan });
}

describe('column profiles on a worker thread', () => {
  it('equal the profiles made in this thread, for tables large enough to go to the thread', async () => {
    const tables = { base: table(150_000, 0), contributed: table(60_000, 3), benchmark: table(40_000, 5) };
    const options = { target: 'label', leaveOut: ['id'], withholdValues: ['note'] };
    const there = await profileColumnsInWorker(tables, options);
    expect(there.map((p) => p.column)).toEqual(['x', 'n', 'region', 'note', 'plan']);
    expect(there).toEqual(profileColumns(tables, options));
  }, 60_000);
});
