import { tableFromArrays, type Table } from 'apache-arrow';
import { SeededRandom } from '../src/index.js';

export interface SyntheticOptions {
  rows: number;
  seed: number;
  classes?: 2 | 3;
  /** Fraction of null cells in the numeric column "income" and the string column "plan". */
  nullRate?: number;
}

/**
 * A small churn-like table with a known signal: numeric, categorical and id columns, with
 * nulls where asked. Labels come from a logistic model so a fitted classifier has something to find.
 */
export function syntheticTable(o: SyntheticOptions): Table {
  const rng = new SeededRandom(o.seed);
  const n = o.rows;
  const age = new Float64Array(n);
  const income: (number | null)[] = [];
  const calls = new Int32Array(n);
  const region: string[] = [];
  const plan: (string | null)[] = [];
  const id: string[] = [];
  const label: number[] = [];
  const regions = ['north', 'south', 'east', 'west'];
  const plans = ['basic', 'plus', 'pro'];
  for (let i = 0; i < n; i++) {
    age[i] = 18 + rng.int(60);
    const inc = 30000 + 40000 * rng.uniform();
    income.push(rng.uniform() < (o.nullRate ?? 0) ? null : Math.round(inc));
    calls[i] = rng.int(8);
    const r = regions[rng.int(4)] as string;
    region.push(r);
    plan.push(rng.uniform() < (o.nullRate ?? 0) ? null : (plans[rng.int(3)] as string));
    id.push(`C${String(i).padStart(7, '0')}`);
    const z = -1 + 0.5 * ((calls[i] as number) - 3) + (r === 'east' ? 1.5 : r === 'west' ? -1.5 : 0) - 0.02 * ((age[i] as number) - 48) + 0.3 * rng.normal();
    if ((o.classes ?? 2) === 2) label.push(rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    else label.push(z < -1 ? 0 : z < 0.5 ? 1 : 2);
  }
  return tableFromArrays({ customer_id: id, age, income, support_calls: calls, region, plan, churned: Int32Array.from(label) });
}
