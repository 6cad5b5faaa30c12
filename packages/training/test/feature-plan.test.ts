import { makeTable, Table, tableFromArrays, TimestampMillisecond, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FeaturePlanSchema, planFeatures, SeededRandom, trainModel, TrainingError, type FeaturePlan } from '../src/index.js';

/** A messy churn table: an id, a date, category typos, a constant column and Yes/No labels. */
function messyTable(rows: number): Table {
  const rng = new SeededRandom(7);
  const plans = ['Basic', 'Basic', 'Basic', 'Basci', 'Premium', 'Premium', 'PREMIUM', 'Pro', 'Pro', 'Pro '];
  const id: string[] = [];
  const plan: string[] = [];
  const city: string[] = [];
  const country: string[] = [];
  const income = new Float64Array(rows);
  const churned: string[] = [];
  const signup: number[] = [];
  for (let i = 0; i < rows; i++) {
    id.push(`C${String(i).padStart(6, '0')}`);
    plan.push(plans[rng.int(plans.length)]!);
    city.push(`city-${rng.int(80)}`);
    country.push('NL');
    income[i] = 30_000 + 40_000 * rng.uniform();
    signup.push(Date.UTC(2020, 0, 1) + rng.int(1500) * 86_400_000);
    churned.push(rng.uniform() < 0.4 ? 'Yes' : 'No');
  }
  const t = tableFromArrays({ customer_id: id, plan, city, country, income, churned });
  return makeTable({
    ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name as never)!.data[0]!])),
    signup_date: vectorFromArray(signup, new TimestampMillisecond()).data[0]!,
  } as never) as unknown as Table;
}

const column = (plan: FeaturePlan, name: string) => plan.columns.find((c) => c.name === name)!;

describe('feature plan', () => {
  const table = messyTable(400);

  it('names every column with its type, role, treatment and warnings, as training then does', async () => {
    const plan = planFeatures(table, { target: 'churned', seed: 1, exclude: ['email'] }, { pii: ['email'] });
    expect(FeaturePlanSchema.parse(plan)).toEqual(plan);
    expect(column(plan, 'churned')).toMatchObject({ role: 'target', type: 'text' });
    expect(column(plan, 'email')).toMatchObject({ role: 'excluded', reason: 'pii', type: 'unknown', distinct: null });
    const id = column(plan, 'customer_id');
    expect(id).toMatchObject({ role: 'excluded', reason: 'identifier', treatment: null, distinct: 400 });
    expect(id.warnings.map((w) => w.code)).toEqual(['id-like']);
    expect(column(plan, 'income')).toMatchObject({ role: 'feature', type: 'number', treatment: { kind: 'standardized', imputation: 'mean' } });
    const date = column(plan, 'signup_date');
    expect(date).toMatchObject({ role: 'feature', type: 'date', treatment: { kind: 'date-parts', parts: ['year', 'month', 'day_of_week', 'days_since_epoch'] } });
    expect(date.warnings.map((w) => w.code)).toEqual(['date']);
    expect(column(plan, 'city')).toMatchObject({ treatment: { kind: 'hashed', buckets: 64 } });
    expect(column(plan, 'city').warnings.map((w) => w.code)).toEqual(['high-cardinality']);
    expect(column(plan, 'country').warnings.map((w) => w.code)).toEqual(['constant']);
    const planColumn = column(plan, 'plan');
    expect(planColumn.treatment).toEqual({ kind: 'one-hot', levels: 6 });
    const dupes = planColumn.warnings.find((w) => w.code === 'near-duplicate-values')!;
    expect(dupes.groups!.map((g) => [...g].sort())).toEqual(expect.arrayContaining([['PREMIUM', 'Premium'], ['Pro', 'Pro '], ['Basci', 'Basic']]));
    expect(dupes.message).toContain('"Basic" / "Basci" (typo)');
    expect(plan.positive_class).toMatchObject({ value: 'Yes', classes: ['No', 'Yes'], chosen_by: 'sort order' });
    expect(plan.positive_class!.how_to_change).toContain('--positive-class "No"');

    const model = await trainModel(table, { target: 'churned', seed: 1 });
    expect(model.metadata.excluded).toEqual([{ name: 'customer_id', reason: 'identifier' }]);
    expect(model.metadata.features.map((x) => `${x.name}:${x.kind}`).sort()).toEqual(['city:hashed', 'country:categorical', 'income:numeric', 'plan:categorical', 'signup_date:date']);
    expect(plan.width).toBe(1 + 4 + 6 + 1 + 64);
  });

  it('counts the distinct and missing values of number columns of several chunks, column after column', () => {
    // Two chunks per column (as a merged table has), with nulls; the column with the most present
    // values comes first, so a count that read past its own values would see the earlier
    // column's left in the array the values are gathered in.
    const rng = new SeededRandom(3);
    const values = (rows: number, nullShare: number, levels: number): (number | null)[] => Array.from({ length: rows }, () => (rng.uniform() < nullShare ? null : rng.int(levels) / 8));
    const parts = [3000, 3500].map((rows) => ({ a: values(rows, 0, 4000), b: values(rows, 0.6, 300), c: values(rows, 0.3, 5), label: Int32Array.from({ length: rows }, (_, i) => i % 2) }));
    const batches = parts.flatMap((p) => new Table({ a: vectorFromArray(p.a), b: vectorFromArray(p.b), c: vectorFromArray(p.c), label: vectorFromArray(p.label) }).batches);
    const merged = new Table(batches);
    expect(merged.getChild('a')!.data.length).toBe(2);
    const plan = planFeatures(merged, { target: 'label', seed: 1 });
    for (const name of ['a', 'b', 'c'] as const) {
      const all = parts.flatMap((p) => p[name]);
      const present = all.filter((v): v is number => v !== null);
      expect({ name, distinct: column(plan, name).distinct, missing: column(plan, name).missing }).toEqual({ name, distinct: new Set(present).size, missing: all.length - present.length });
    }
  });

  it('plans a table of one class (a contribution alone) without a positive class; training still refuses it', async () => {
    const oneClass = tableFromArrays({ x: Float64Array.from([1, 2, 3, 4]), y: ['Yes', 'Yes', 'Yes', 'Yes'] });
    expect(planFeatures(oneClass, { target: 'y', seed: 1 }).positive_class).toBeNull();
    await expect(trainModel(oneClass, { target: 'y', seed: 1 })).rejects.toMatchObject({ code: 'HOKUSAI_SINGLE_CLASS' });
  });

  it('makes a chosen positive class the model\'s classes[1], and refuses one the target does not hold', async () => {
    const plan = planFeatures(table, { target: 'churned', seed: 1, positiveClass: 'No' });
    expect(plan.positive_class).toMatchObject({ value: 'No', classes: ['Yes', 'No'], chosen_by: 'config' });
    const model = await trainModel(table, { target: 'churned', seed: 1, positiveClass: 'No' });
    expect(model.metadata.classes).toEqual(['Yes', 'No']);
    expect(() => planFeatures(table, { target: 'churned', seed: 1, positiveClass: 'yes' })).toThrow(TrainingError);
    expect(() => planFeatures(table, { target: 'churned', seed: 1, positiveClass: 'yes' })).toThrow(/"yes" is not a label .*"No", "Yes"/);
  });
});
