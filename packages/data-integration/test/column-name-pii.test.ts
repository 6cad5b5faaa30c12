import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, loadDatasetInBatches } from '../src/index.js';
import { scratch } from './temp-files.js';

// Column names appear as they are in every manifest, report and tracked parameter: a name that
// holds personal data (a headerless file's first row, records keyed by an e-mail address) is
// refused, by its position, never its text.

const tmp = scratch();
afterAll(() => tmp.cleanup());

const EMAIL = 'ana.tanaka@example.com';

const failure = (p: Promise<unknown>): Promise<{ code: string; message: string; context?: Record<string, unknown>; column?: string } | null> =>
  p.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );

describe('column names that hold personal data', () => {
  it.each([
    ['a CSV whose first row is data', 'first-row.csv', `id,${EMAIL},north\n1,bo.li@example.org,south\n2,cy.ng@example.net,east\n`, 2, 'email'],
    ['JSON Lines keyed by an e-mail address', 'keyed.jsonl', `${JSON.stringify({ id: 1, [EMAIL]: 1 })}\n${JSON.stringify({ id: 2, [EMAIL]: 0 })}\n`, 2, 'email'],
    ['a JSON array with a phone number as a key', 'phone.json', JSON.stringify([{ id: 1, '+44 20 7946 0958': 'x' }]), 2, 'phone'],
  ])('are refused, whole and in batches, without the name in the error (%s)', async (_label, name, text, index, type) => {
    const path = tmp.write(name, text);
    const expected = { code: 'HOKUSAI_PII_FOUND', context: { column_index: index, pii_type: type } };
    const whole = await failure(loadDataset(path));
    expect(whole).toMatchObject(expected);
    const dir = tmp.path(`${name}-batches`);
    const batched = await failure(loadDatasetInBatches(path, { dir, batchRows: 1 }));
    expect(batched).toMatchObject(expected);
    for (const e of [whole, batched]) {
      expect(JSON.stringify(e)).not.toContain(EMAIL);
      expect(e?.column).toBeUndefined();
    }
    // No batch file is left behind.
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('the file reads with header: false, and names that merely say what a column holds are kept', async () => {
    const path = tmp.write('headerless.csv', `id,${EMAIL},north\n1,bo.li@example.org,south\n`);
    const ds = await loadDataset(path, { header: false });
    expect(ds.table.schema.fields.map((f) => f.name)).toEqual(['column_1', 'column_2', 'column_3']);
    const named = await loadDataset(tmp.write('named.csv', 'email,phone,ip_address,date_of_birth,card_number\na@b.co,1,2,3,4\n'));
    expect(named.table.numCols).toBe(5);
  });

  it('are not named by the errors met before the check: a duplicated name, records too sparse', async () => {
    const dup = await failure(loadDataset(tmp.write('dup.csv', `${EMAIL},${EMAIL}\n1,2\n`)));
    expect(dup).toMatchObject({ code: 'HOKUSAI_DUPLICATE_COLUMN' });
    expect(dup?.message).toContain("column name '<email>' appears more than once");
    // Records each keyed by an address of their own: refused as too sparse before the names are checked.
    const records = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i, [`user${i}@example.com`]: 1 }));
    const sparse = await failure(loadDataset(tmp.write('keyed-by-address.jsonl', `${records.join('\n')}\n`)));
    expect(sparse).toMatchObject({ code: 'HOKUSAI_SPARSE_RECORDS' });
    expect(sparse?.column).toBeUndefined();
    expect(JSON.stringify(sparse)).not.toMatch(/user\d+@example\.com/);
  });
});

