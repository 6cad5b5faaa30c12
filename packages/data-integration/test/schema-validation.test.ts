import { afterAll, describe, expect, it } from 'vitest';
import { formatValidationReport, loadDataset, loadDatasetSchema, parseDatasetSchema } from '../src/index.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const CSV = 'id,age,plan,email,label\n1,34,basic,a@x.io,0\n2,-3,gold,b@x.io,1\n3,,pro,a@x.io,0\n4,140,basic,,1\n5,50,pro,e@x.io,2\n';

describe('dataset schema and lazy validation', () => {
  it('loads a schema from JSON and reports every failure, not just the first', async () => {
    const schemaPath = tmp.write(
      'schema.json',
      JSON.stringify({
        target: 'label',
        columns: [
          { name: 'id', type: 'int', nullable: false, unique: true },
          { name: 'age', type: 'int', nullable: false, min: 0, max: 120 },
          { name: 'plan', type: 'string', allowed: ['basic', 'pro'] },
          { name: 'email', type: 'string', unique: true, pattern: '^[^@]+@[^@]+$' },
          { name: 'label', type: 'int', allowed: [0, 1] },
        ],
      }),
    );
    const schema = loadDatasetSchema(schemaPath);
    const d = await loadDataset(tmp.write('people.csv', CSV), { schema });
    const v = d.validation!;
    expect(v.passed).toBe(false);
    const byCheck = Object.fromEntries(v.failures.map((f) => [`${f.column}.${f.check}`, [f.failing_count, f.first_rows, f.first_values]]));
    expect(byCheck).toEqual({
      'age.nullable': [1, [3], [null]],
      'age.min': [1, [2], [-3]],
      'age.max': [1, [4], [140]],
      'plan.allowed': [1, [2], ['gold']],
      // Failing values of a PII column are described, never quoted.
      'email.unique': [1, [3], ['a 6-character text (letters, symbols); value redacted: looks like email']],
      'label.allowed': [1, [5], [2]],
    });
    // Rows 2, 3, 4 and 5 each fail something; only row 1 passes.
    expect(v.passing_rows).toBe(1);
    expect(v.pass_rate).toBeCloseTo(0.2);
    const text = formatValidationReport(v);
    expect(text).toContain('FAILED');
    expect(text).toContain('age: min — 1 failing; first rows 2; values -3');
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it('rejects an invalid schema with a readable reason', () => {
    expect(() => parseDatasetSchema({ columns: [{ name: 'a', type: 'integer' }] })).toThrow(expect.objectContaining({ code: 'HOKUSAI_SCHEMA_INVALID' }));
    expect(() => parseDatasetSchema({ columns: [{ name: 'a', type: 'int' }], target: 'b' })).toThrow(/target 'b' is not a declared column/);
    expect(() => parseDatasetSchema({ columns: [{ name: 'a', type: 'int', min: 5, max: 1 }] })).toThrow(/min is above max/);
  });

  it('names declared columns that the file lacks', async () => {
    await expect(loadDataset(fixture('customers.csv'), { schema: { columns: [{ name: 'region', type: 'string' }] } })).rejects.toMatchObject({
      code: 'HOKUSAI_SCHEMA_MISMATCH',
      column: 'region',
    });
  });

  it('a clean file passes', async () => {
    const d = await loadDataset(fixture('customers.parquet'), { schema: { columns: [{ name: 'id', type: 'int', unique: true, nullable: false }, { name: 'score', type: 'float', min: -1 }] } });
    expect(d.validation).toMatchObject({ passed: true, pass_rate: 1, failures: [] });
  });
});

describe('validateTable on any Arrow table', () => {
  it('checks a table that was loaded without a schema', async () => {
    const d = await loadDataset(fixture('customers.csv'));
    const { validateTable } = await import('../src/index.js');
    const v = validateTable(d.table, { columns: [{ name: 'age', type: 'int', nullable: false, max: 50 }] }, 'customers.csv');
    expect(v.failures.map((f) => [f.check, f.first_rows])).toEqual([
      ['nullable', [3]],
      ['max', [5]],
    ]);
    expect(v.passing_rows).toBe(3);
  });
});
