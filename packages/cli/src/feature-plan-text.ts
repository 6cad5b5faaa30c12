import type { ColumnPlan, FeaturePlan } from '@hokusai/orchestrator';

const TREATMENT: Record<NonNullable<ColumnPlan['treatment']>['kind'], (t: never) => string> = {
  standardized: () => 'standardized (missing → mean)',
  'one-hot': (t: { levels: number }) => `one-hot, ${t.levels} levels`,
  hashed: (t: { buckets: number }) => `hashed into ${t.buckets} buckets`,
  'date-parts': () => 'date → year, month, day of week, days since epoch',
};

const REASON: Record<NonNullable<ColumnPlan['reason']>, string> = {
  config: 'excluded (config)',
  pii: 'excluded (PII)',
  identifier: 'excluded (identifier)',
  unsupported: 'excluded (unsupported type)',
};

/** A column's role and treatment in a few words ("one-hot, 6 levels", "excluded (PII)"). */
export function columnPlanText(c: ColumnPlan): string {
  if (c.role === 'target') return 'target';
  if (c.role === 'excluded') return REASON[c.reason ?? 'config'];
  return c.treatment === null ? 'feature' : TREATMENT[c.treatment.kind](c.treatment as never);
}

const label = (v: string | number | boolean): string => JSON.stringify(v);

/** The plan as a few lines: one per column, its warnings under it, then the positive class. */
export function featurePlanText(plan: FeaturePlan): string {
  const width = Math.min(24, Math.max(...plan.columns.map((c) => c.name.length)));
  const lines = [`Feature plan (target ${plan.target}, ${plan.rows.toLocaleString('en-US')} rows, ${plan.width} model inputs):`];
  for (const c of plan.columns) {
    lines.push(`  ${c.name.padEnd(width)}  ${c.type.padEnd(7)}  ${columnPlanText(c)}`);
    for (const w of c.warnings) lines.push(`  ${' '.repeat(width)}  ! ${w.code}: ${w.message}`);
  }
  const p = plan.positive_class;
  if (p !== null) {
    lines.push(`  positive class: ${label(p.value)} of ${p.classes.map(label).join(', ')} (${p.chosen_by === 'config' ? 'chosen in the config' : 'the later label in sort order'}); ${p.how_to_change}`);
  }
  return lines.join('\n');
}
