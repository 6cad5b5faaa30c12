import { join } from 'node:path';
import type { PipelineResult } from '@hokusai/orchestrator';

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
const signed = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);
const pValue = (p: number | null): string => (p === null ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** The short human summary `hokusai run` prints: both models, the delta, the verdict and where things are. */
export function formatSummary(result: PipelineResult): string {
  const lines: string[] = [];
  const verdict = result.accepted ? 'ACCEPTED' : 'REJECTED';
  lines.push(`Hokusai run ${result.runId}: contribution ${verdict} (DeltaOne ${signed(result.deltaOne)} pp of ${result.delta.primary_metric})`);
  if (!result.accepted) for (const reason of result.delta.decision.reasons) lines.push(`  reason: ${reason.message}`);
  const recipe = result.delta.recipe;
  if (recipe !== null && !recipe.same) lines.push(`  DIFFERENT RECIPE (baseline ${recipe.baseline}, new ${recipe.new}): ${recipe.detail}`);
  lines.push(`  rule: ${result.delta.decision.rule}`);
  for (const caveat of result.benchmarkCaveats) lines.push(`  CAVEAT: ${caveat}`);
  lines.push('');
  lines.push(`  ${'metric'.padEnd(18)}${'baseline'.padStart(10)}${'new'.padStart(10)}${'delta pp'.padStart(11)}  ${'95% CI (pp)'.padEnd(18)}${'p'.padStart(7)}`);
  for (const [name, m] of Object.entries(result.delta.metrics)) {
    const ci = m.ci === null ? 'n/a' : `[${signed(m.ci[0] * 100, 1)}, ${signed(m.ci[1] * 100, 1)}]`;
    lines.push(`  ${name.padEnd(18)}${fmt(m.baseline).padStart(10)}${fmt(m.new).padStart(10)}${signed(m.delta_pp).padStart(11)}  ${ci.padEnd(18)}${pValue(m.p_value).padStart(7)}`);
  }
  lines.push('');
  lines.push(`  benchmark rows: ${result.delta.n}`);
  lines.push(`  merkle root:    ${result.merkleRoot}${result.proved ? ' (Groth16 proof included)' : ' (no proof)'}`);
  if (result.files.includes('report.html')) lines.push(`  report:         ${join(result.out, 'report.html')}  (open with: hokusai runs open ${result.runId})`);
  lines.push(`  outputs:        ${result.out}`);
  lines.push(`                  ${result.files.join(', ')}`);
  lines.push(`  tracking:       ${result.tracking.mode === 'server' ? `MLflow run ${result.tracking.runUrl ?? result.tracking.runId}` : `local journal ${result.tracking.journal}`}`);
  for (const warning of result.tracking.warnings) lines.push(`  warning:        ${warning}`);
  lines.push(`  verify with:    hokusai verify ${result.out}`);
  return lines.join('\n');
}
