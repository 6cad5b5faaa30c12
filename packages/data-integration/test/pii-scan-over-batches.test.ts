import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetInBatches, scanPiiOverBatches } from '../src/index.js';
import { fromArrowTable } from '../src/arrow-convert.js';
import { scanPii } from '../src/pii-scan.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const FIRST = ['Anna', 'Ben', 'Chen', 'Dara', 'Elif', 'Farid', 'Grace', 'Hugo'];
const LAST = ['Smith', 'Garcia', 'Kim', 'Okafor', 'Novak', 'Silva'];

/** Whole-column PII (e-mail, phone, person names), free text with PII inside some notes, and plain columns. */
function csv(rows: number, seed: number): string {
  const lines = ['id,email,phone,contact,note,plan,score'];
  for (let i = 0; i < rows; i++) {
    const k = (i * 7 + seed) % 997;
    const note = k % 11 === 0 ? `call me at +1 415 555 ${String(1000 + k).slice(-4)} please` : k % 13 === 0 ? `write to someone${k}@mail.test soon` : `plain note ${k}`;
    lines.push([`C${seed}${i}`, `user${k}@example.com`, `+1 212 555 ${String(2000 + k).slice(-4)}`, `${FIRST[k % FIRST.length]} ${LAST[k % LAST.length]}`, note, k % 3 === 0 ? 'basic' : 'pro', String(k / 10)].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('the PII scan over batches', () => {
  it('decides the same columns and counts the same findings as scanPii on the whole tables', async () => {
    const parts = [
      { label: 'base', rows: 2600, seed: 1 },
      { label: 'contributed', rows: 1700, seed: 2 },
      { label: 'benchmark', rows: 900, seed: 3 },
    ];
    const datasets = await Promise.all(
      parts.map(async (p) => {
        const path = tmp.write(`${p.label}.csv`, csv(p.rows, p.seed));
        return { label: p.label, whole: await loadDataset(path), batched: await loadDatasetInBatches(path, { dir: tmp.path(`b-${p.label}`), batchRows: 333 }) };
      }),
    );
    const names = datasets[0]!.whole.table.schema.fields.map((f) => f.name);
    const options = { exclude: ['id'], noSpans: [] };
    const memory = scanPii(datasets.map((d) => ({ label: d.label, ct: fromArrowTable(d.whole.table, d.label) })), names, options);
    const streamed = await scanPiiOverBatches(datasets.map((d) => ({ label: d.label, read: () => d.batched.read(), rows: d.batched.row_count })), names, options);
    // The planted PII is found, so the comparison means something.
    expect(memory.columns.map((c) => c.column).sort()).toEqual(['contact', 'email', 'phone']);
    expect(memory.spanColumns).toEqual(['note']);
    expect({ columns: streamed.columns, spanColumns: streamed.spanColumns, findings: streamed.findings }).toEqual({ columns: memory.columns, spanColumns: memory.spanColumns, findings: memory.findings });
  });
});
