import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { DeltaReport } from '@hokusai/evaluation';
import { displayConfig } from './attested-config.js';
import type { PipelineConfig } from './config.js';

/** The tags MLflow's own clients set on a run, so the UI shows who ran what from where. */
export function standardTags(): Record<string, string> {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep 'unknown'
  }
  return { 'mlflow.user': user, 'mlflow.source.name': 'hokusai', 'mlflow.source.type': 'LOCAL' };
}

/** The run's summary in Markdown: verdict, DeltaOne and the metric table (the run page's description). */
export function runNote(delta: DeltaReport): string {
  const fmt = (v: number | null, digits = 4): string => (v === null ? '-' : v.toFixed(digits));
  const rows = Object.entries(delta.metrics).map(
    ([name, m]) => `| ${name} | ${fmt(m.baseline)} | ${fmt(m.new)} | ${fmt(m.delta_pp, 2)} | ${m.ci === null ? '-' : `[${fmt(m.ci[0])}, ${fmt(m.ci[1])}]`} | ${fmt(m.p_value)} |`,
  );
  return [
    `**${delta.decision.accepted ? 'ACCEPTED' : 'REJECTED'}**: DeltaOne ${delta.delta_one === null ? 'n/a' : delta.delta_one.toFixed(2)} on ${delta.primary_metric} (${delta.n} benchmark rows).`,
    ...delta.decision.reasons.map((r) => `- ${r.message}`),
    '',
    '| metric | baseline | new | delta (pp) | CI | p |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/**
 * The config as MLflow params: as shown to people (secrets masked), with input files by name
 * only: an absolute path says where one machine kept them, nothing about the run.
 */
export function trackedConfig(config: PipelineConfig): Record<string, unknown> {
  const shown = displayConfig(config);
  const name = (path: string | undefined): string | undefined => (path === undefined ? undefined : basename(path));
  return {
    ...shown,
    base: name(config.base),
    contributed: name(config.contributed),
    benchmark: name(config.benchmark),
    out: name(config.out),
    ...(config.baselineModel === undefined ? {} : { baselineModel: name(config.baselineModel) }),
    ...(config.benchmarkRegistry === undefined ? {} : { benchmarkRegistry: name(config.benchmarkRegistry) }),
    proof: { ...config.proof, ...(config.proof.ptau === undefined ? {} : { ptau: name(config.proof.ptau) }) },
  };
}
