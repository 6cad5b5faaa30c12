import type { DeltaReport } from '@hokusai/evaluation';
import type { EvaluateOutput } from './steps/evaluate-step.js';

/**
 * The final figures of a run as MLflow metrics: both models' metrics and confusion counts, each
 * metric's delta, interval and p-value, McNemar's counts and DeltaOne.
 */
export function runMetrics(evaluation: Pick<EvaluateOutput, 'baselineMetrics' | 'newMetrics'>, delta: DeltaReport): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(evaluation.baselineMetrics)) if (typeof value === 'number') metrics[`baseline.${name}`] = value;
  for (const [name, value] of Object.entries(evaluation.newMetrics)) if (typeof value === 'number') metrics[`new.${name}`] = value;
  for (const [role, m] of [['baseline', evaluation.baselineMetrics], ['new', evaluation.newMetrics]] as const) {
    for (const [cell, count] of Object.entries(m.confusion)) metrics[`${role}.confusion.${cell}`] = count;
  }
  for (const [name, m] of Object.entries(delta.metrics)) {
    if (m.absolute_delta !== null) metrics[`delta.${name}`] = m.absolute_delta;
    if (m.delta_pp !== null) metrics[`delta_pp.${name}`] = m.delta_pp;
    if (m.p_value !== null) metrics[`p_value.${name}`] = m.p_value;
    if (m.ci !== null) {
      metrics[`ci_low.${name}`] = m.ci[0];
      metrics[`ci_high.${name}`] = m.ci[1];
    }
  }
  metrics['mcnemar.b'] = delta.tests.mcnemar.b;
  metrics['mcnemar.c'] = delta.tests.mcnemar.c;
  metrics['mcnemar.p_value'] = delta.tests.mcnemar.p_value;
  if (delta.delta_one !== null) metrics.delta_one = delta.delta_one;
  return metrics;
}
