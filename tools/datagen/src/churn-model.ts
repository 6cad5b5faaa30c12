import type { SeededRandom } from './random.js';

/**
 * The world the generated data comes from: customers of a subscription service and whether
 * they churned. Region matters a lot, and only the contributed part sees every region, so a
 * model trained on base + contributed data really is better on the benchmark than one trained
 * on the base data alone.
 */
export const REGIONS = ['north', 'south', 'east', 'west'] as const;
export const PLANS = ['basic', 'plus', 'pro'] as const;
export type Region = (typeof REGIONS)[number];
export type Plan = (typeof PLANS)[number];

export interface CustomerRow {
  customer_id: string;
  email: string;
  age: number;
  income: number | null;
  tenure_months: number;
  region: Region;
  plan: Plan;
  monthly_spend: number;
  support_calls: number;
  churned: 0 | 1;
}

export const COLUMNS: readonly (keyof CustomerRow)[] = [
  'customer_id',
  'email',
  'age',
  'income',
  'tenure_months',
  'region',
  'plan',
  'monthly_spend',
  'support_calls',
  'churned',
];

const REGION_EFFECT: Record<Region, number> = { north: 0.2, south: -0.2, east: 2.4, west: -2.4 };
const PLAN_EFFECT: Record<Plan, number> = { basic: 0.5, plus: 0, pro: -0.5 };
const FIRST = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kemal', 'lea'];
const LAST = ['smith', 'garcia', 'kim', 'okafor', 'novak', 'silva', 'tanaka', 'muller', 'haddad', 'berg'];

/** Draws one customer; `regions` limits where the customer lives. */
export function drawCustomer(rng: SeededRandom, index: number, prefix: string, regions: readonly Region[]): CustomerRow {
  const age = 18 + rng.int(63);
  const tenure = rng.int(121);
  const region = rng.pick(regions);
  const plan = rng.pick(PLANS);
  const spend = Math.max(5, rng.normal(plan === 'pro' ? 80 : plan === 'plus' ? 50 : 30, 12));
  const calls = Math.min(12, Math.floor(Math.abs(rng.normal(0, 2.5))));
  const income = rng.uniform() < 0.05 ? null : Math.max(8000, rng.normal(52000 + age * 300, 15000));
  const logit =
    -0.2 +
    0.55 * (calls - 2) -
    0.025 * (tenure - 60) +
    0.02 * (spend - 50) +
    REGION_EFFECT[region] +
    PLAN_EFFECT[plan] +
    rng.normal(0, 0.6);
  const churned = rng.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    customer_id: `${prefix}${String(index).padStart(7, '0')}`,
    email: `${first}.${last}${rng.int(1000)}@example.com`,
    age,
    income: income === null ? null : round(income, 2),
    tenure_months: tenure,
    region,
    plan,
    monthly_spend: round(spend, 2),
    support_calls: calls,
    churned,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
