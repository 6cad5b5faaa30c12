import { join } from 'node:path';
import type { PipelineResult } from '@hokusai/orchestrator';

/**
 * Version of the `--json` document. Bumped when a field is renamed or removed (adding fields
 * keeps it); the cli README documents each version.
 */
export const JSON_SCHEMA_VERSION = 1;

/** The one document `--json` prints: the result of the command, or the error that stopped it. */
export type JsonDocument =
  | { schemaVersion: number; command: string; exitCode: number; result: unknown }
  | { schemaVersion: number; command: string; exitCode: number; error: { code: string; kind?: string; message: string; file?: string; row?: number; column?: string } };

/** Keys whose children are names the user chose (model parameters, search spaces): never renamed. */
const VERBATIM_CHILDREN = new Set(['params', 'space']);

const camel = (key: string): string => (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(key) ? key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : key);

/** The same value with every snake_case key in camelCase (the one naming style of --json). */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [camel(k), VERBATIM_CHILDREN.has(k) ? v : camelCaseKeys(v)]));
}

/**
 * What `hokusai run --json` and `resume --json` return: the verdict and where everything is,
 * with each metric as a row (metric names are values, not keys). The full figures are in the
 * output folder's report.json.
 */
export function runResultJson(result: PipelineResult): Record<string, unknown> {
  const { delta } = result;
  return {
    runId: result.runId,
    accepted: result.accepted,
    deltaOne: result.deltaOne,
    primaryMetric: delta.primary_metric,
    rule: delta.decision.rule,
    reasons: delta.decision.reasons.map((r) => ({ code: r.code, message: r.message })),
    comparison: result.comparison,
    benchmarkCaveats: result.benchmarkCaveats,
    benchmarkRows: delta.n,
    metrics: Object.entries(delta.metrics).map(([name, m]) => ({
      name,
      baseline: m.baseline,
      new: m.new,
      deltaPp: m.delta_pp,
      ci: m.ci,
      ciLevel: m.ci_level,
      pValue: m.p_value,
      test: m.test,
      improved: m.improved,
    })),
    merkleRoot: result.merkleRoot,
    proved: result.proved,
    out: result.out,
    report: join(result.out, 'report.html'),
    files: result.files,
    reusedSteps: result.reusedSteps,
    tracking: result.tracking,
  };
}
