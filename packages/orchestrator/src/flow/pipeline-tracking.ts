import { readdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import type { DeltaReport } from '@hokusai/evaluation';
import { createTracker, type Tracker } from '@hokusai/tracking';
import type { RunEvent } from '../engine/events.js';
import { displayConfig } from './attested-config.js';
import type { PipelineConfig } from './config.js';
import { flattenParams } from './flatten.js';
import { writeRunModelFolder } from './mlflow-model.js';
import { packageVersions } from './package-versions.js';

export interface TrackedDataset {
  role: 'base' | 'contributed' | 'benchmark';
  fileName: string;
  fileSha256: string;
  rows: number;
}

export interface TrackedOutcome {
  status: 'FINISHED' | 'FAILED';
  datasets?: TrackedDataset[];
  /** Registers the new model (model.onnx of the output folder) as a version of this registered model. */
  registerAs?: { name: string; alias: string; tags: Record<string, string> };
  /** Markdown summary shown as the run's description (`mlflow.note.content`). */
  note?: string;
  /** The benchmark file: its first rows become the logged models' input example. */
  benchmarkPath?: string;
  error?: string;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  outDir?: string;
  /** Called once the parent run exists, before the output folder is uploaded (e.g. to link the report to it). */
  onParentRun?: (run: { runId: string; mode: 'server' | 'journal' }) => Promise<void>;
}

export interface TrackingSummary {
  mode: 'server' | 'journal';
  runId: string | null;
  journal: string;
  warnings: string[];
}

/**
 * Logs one pipeline run to MLflow (or to the local journal when no server is configured): a parent
 * run with params, metrics and tags, a nested run per step with its duration, and the output
 * files as artifacts. Tracking never fails the pipeline; problems come back as warnings.
 */
export async function trackPipelineRun(input: {
  config: PipelineConfig;
  runId: string;
  journalPath: string;
  events: readonly RunEvent[];
  outcome: TrackedOutcome;
}): Promise<TrackingSummary> {
  const warnings: string[] = [];
  let tracker: Tracker | undefined;
  try {
    tracker = await createTracker({
      ...(input.config.tracking.uri === undefined ? {} : { trackingUri: input.config.tracking.uri }),
      journalPath: input.journalPath,
      experimentName: input.config.tracking.experiment,
    });
    const versions = Object.fromEntries(Object.entries(packageVersions()).map(([k, v]) => [`hokusai.version.${k.replace('@hokusai/', '')}`, v]));
    const parent = await tracker.startRun({
      name: input.runId,
      tags: { ...standardTags(), 'hokusai.run_id': input.runId, ...versions, ...(input.outcome.tags ?? {}), ...(input.outcome.note === undefined ? {} : { 'mlflow.note.content': input.outcome.note }) },
    });
    await parent.logParams(flattenParams(trackedConfig(input.config)));
    for (const event of input.events) {
      if (event.type !== 'step_finished' || event.step === undefined) continue;
      const child = await tracker.startRun({ name: event.step, parentRunId: parent.runId, tags: { 'hokusai.step': event.step } });
      await child.logMetrics({ duration_seconds: (event.durationMs ?? 0) / 1000, attempts: event.attempt ?? 1 });
      await child.end('FINISHED');
    }
    if (input.outcome.datasets) {
      await parent.logInputs(
        input.outcome.datasets.map((d) => ({
          name: d.role,
          sha256: d.fileSha256,
          source: d.fileName,
          context: d.role === 'benchmark' ? 'evaluation' : 'training',
          profile: JSON.stringify({ num_rows: d.rows }),
        })),
      );
    }
    if (input.outcome.metrics) await parent.logMetrics(input.outcome.metrics);
    if (input.outcome.onParentRun) {
      try {
        await input.outcome.onParentRun({ runId: parent.runId, mode: tracker.mode });
      } catch (error) {
        warnings.push(`report.json could not be linked to the MLflow run: ${(error as Error).message}`);
      }
    }
    if (input.outcome.outDir) {
      for (const file of await listFiles(input.outcome.outDir)) {
        if (file.startsWith('tracking/')) continue;
        const slash = file.lastIndexOf('/');
        await parent.logArtifact(join(input.outcome.outDir, file), slash < 0 ? undefined : file.slice(0, slash));
      }
    }
    if (input.outcome.outDir !== undefined && input.outcome.benchmarkPath !== undefined) {
      await logRunModels(tracker, parent.runId, input.outcome.outDir, input.outcome.benchmarkPath, input.outcome.registerAs, warnings);
    }
    await parent.end(input.outcome.status, input.outcome.error);
    warnings.push(...tracker.warnings);
    return { mode: tracker.mode, runId: parent.runId, journal: input.journalPath, warnings };
  } catch (error) {
    warnings.push(`Tracking failed: ${(error as Error).message}`);
    return { mode: tracker?.mode ?? 'journal', runId: null, journal: input.journalPath, warnings };
  } finally {
    await tracker?.close().catch(() => undefined);
  }
}

/**
 * Both models as MLflow models (folders under `<out>/tracking/mlflow-models/`, kept so a later
 * sync can deliver them): `baseline` and `model`; only `model` is registered, when asked.
 */
async function logRunModels(
  tracker: Tracker,
  runId: string,
  outDir: string,
  benchmarkPath: string,
  registerAs: TrackedOutcome['registerAs'],
  warnings: string[],
): Promise<void> {
  for (const [file, name] of [
    ['baseline.onnx', 'baseline'],
    ['model.onnx', 'model'],
  ] as const) {
    const dir = join(outDir, 'tracking', 'mlflow-models', name);
    try {
      if (!(await writeRunModelFolder({ onnxPath: join(outDir, file), benchmarkPath, dir }))) continue;
    } catch (error) {
      warnings.push(`The ${name} was not logged as an MLflow model: ${(error as Error).message}`);
      continue;
    }
    const register = name === 'model' && registerAs !== undefined ? { name: registerAs.name, alias: registerAs.alias, tags: registerAs.tags } : undefined;
    await tracker.logModel({ runId, name, localPath: dir, modelType: 'onnx', tags: { 'hokusai.role': name }, ...(register === undefined ? {} : { register }) });
  }
}

/** The tags MLflow's own clients set on a run, so the UI shows who ran what from where. */
function standardTags(): Record<string, string> {
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
function trackedConfig(config: PipelineConfig): Record<string, unknown> {
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

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await listFiles(path, `${prefix}${name}/`)));
    else out.push(`${prefix}${name}`);
  }
  return out;
}
