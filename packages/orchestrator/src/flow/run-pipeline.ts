import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeAttestation, writeFileAtomic } from '@hokusai/attestation';
import type { BinaryMetrics, DeltaReport } from '@hokusai/evaluation';
import { OrchestratorError } from '../errors.js';
import type { RunEvent, RunEventListener } from '../engine/events.js';
import type { Executor } from '../engine/executor.js';
import { LocalStoreExecutor } from '../distributed/local-store-executor.js';
import { HookRegistry } from '../engine/hooks.js';
import { runFlow } from '../engine/run-flow.js';
import { RunStore } from '../engine/run-store.js';
import { PipelineConfigSchema, type PipelineConfig, type PipelineConfigInput } from './config.js';
import { DatasetCache } from './dataset-cache.js';
import { hokusaiFlow } from './hokusai-flow.js';
import { reportJsonText } from './report-document.js';
import { runIdFor } from './input-fingerprint.js';
import { assertOutputFree, writeOutputFolder } from './output-folder.js';
import { pipelineVersion } from './package-versions.js';
import { trackPipelineRun, type TrackingSummary } from './pipeline-tracking.js';
import type { AttestOutput } from './steps/attest-step.js';
import type { EvaluateOutput } from './steps/evaluate-step.js';
import type { ReportOutput } from './steps/report-step.js';
import type { LoadOutput } from './steps/load-step.js';

export interface PipelineRunOptions {
  /** Run store folder (default: $HOKUSAI_STORE, else ./.hokusai/store). */
  store?: string;
  onEvent?: RunEventListener;
  hooks?: HookRegistry;
  renderReport?: (report: unknown) => string;
  executor?: Executor;
}

export interface PipelineResult {
  runId: string;
  out: string;
  accepted: boolean;
  deltaOne: number | null;
  delta: DeltaReport;
  baselineMetrics: BinaryMetrics;
  newMetrics: BinaryMetrics;
  merkleRoot: string;
  proved: boolean;
  files: string[];
  reusedSteps: string[];
  tracking: TrackingSummary;
}

export function defaultStore(): string {
  return resolve(process.env.HOKUSAI_STORE ?? join('.hokusai', 'store'));
}

/** Validates a config with zod, turning its issues into one error that names each key. */
export function parseConfig(input: unknown, source = 'config'): PipelineConfig {
  const parsed = PipelineConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Invalid ${source}: ${problems}.`);
  }
  return parsed.data;
}

/** Runs the whole Hokusai flow and writes the output folder. */
export async function runPipeline(input: PipelineConfigInput, options: PipelineRunOptions = {}): Promise<PipelineResult> {
  const config = withKeyFromEnv(parseConfig(input));
  assertOutputFree(config.out, config.overwrite);
  const runId = await runIdFor(config);
  return execute(config, runId, false, options);
}

/** Reruns a failed or killed run from its first unfinished step. */
export async function resumePipeline(runId: string, options: PipelineRunOptions & { overwrite?: boolean } = {}): Promise<PipelineResult> {
  const store = new RunStore(options.store ?? defaultStore());
  const record = await store.readRun(runId);
  const stored = z.object({ config: z.unknown() }).parse(record.params);
  const config = withKeyFromEnv(parseConfig(stored.config, `stored config of run ${runId}`));
  if (options.overwrite) config.overwrite = true;
  return execute(config, runId, true, options);
}

function withKeyFromEnv(config: PipelineConfig): PipelineConfig {
  const key = config.pii.key ?? process.env.HOKUSAI_PII_KEY;
  return key === undefined ? config : { ...config, pii: { ...config.pii, key } };
}

async function execute(config: PipelineConfig, runId: string, resume: boolean, options: PipelineRunOptions): Promise<PipelineResult> {
  const store = new RunStore(options.store ?? defaultStore());
  const hooks = options.hooks ?? new HookRegistry();
  const events: RunEvent[] = [];
  const journalPath = join(store.root, 'runs', runId, 'tracking', 'journal.jsonl');
  const flow = hokusaiFlow({
    config,
    hooks,
    datasets: new DatasetCache(),
    pipelineVersion: pipelineVersion(),
    ...(options.renderReport ? { renderReport: options.renderReport } : {}),
  });
  // The PII key is a secret: the stored config never holds it; a resumed run reads it again.
  const { key: _secret, ...pii } = config.pii;
  let result;
  try {
    result = await runFlow(flow, {
      store,
      runId,
      params: { config: { ...config, pii } },
      concurrency: config.concurrency,
      resume,
      hooks: hooks.identities(),
      // Finished foreach items (search trials) are recorded, so a resumed run reuses them.
      executor: options.executor ?? new LocalStoreExecutor({ readBack: false }),
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    });
  } catch (error) {
    await trackPipelineRun({ config, runId, journalPath, events, outcome: { status: 'FAILED', error: (error as Error).message } });
    throw error;
  }

  const attest = result.outputs.get('attest') as AttestOutput;
  const report = result.outputs.get('report') as ReportOutput;
  const evaluation = result.outputs.get('evaluate') as EvaluateOutput;
  const delta = result.outputs.get('delta') as DeltaReport;
  const files: Record<string, Uint8Array | string> = {
    ...attest.files,
    'report.json': reportJsonText(report.document),
    ...(report.html === null ? {} : { 'report.html': report.html }),
  };
  const contributed = (result.outputs.get('load_contributed') as LoadOutput).manifest;
  const zkOutput = {
    contributedColumnCount: contributed.column_count,
    contributedColumns: contributed.columns,
  };
  await writeOutputFolder(config.out, files, { overwrite: config.overwrite || resume, runId, fill: (staging) => writeAttestation(staging, attest.built, { zkOutput }) });

  // The run log: every event of this run, for people and tools. Not attested (it holds times).
  await writeFileAtomic(join(config.out, 'logs', 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');

  const { attestation } = attest.built;
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(evaluation.baselineMetrics)) if (typeof value === 'number') metrics[`baseline.${name}`] = value;
  for (const [name, value] of Object.entries(evaluation.newMetrics)) if (typeof value === 'number') metrics[`new.${name}`] = value;
  for (const [name, m] of Object.entries(delta.metrics)) {
    if (m.absolute_delta !== null) metrics[`delta.${name}`] = m.absolute_delta;
    if (m.delta_pp !== null) metrics[`delta_pp.${name}`] = m.delta_pp;
  }
  if (delta.delta_one !== null) metrics.delta_one = delta.delta_one;
  const tracking = await trackPipelineRun({
    config,
    runId,
    // The output folder exists now, so the journal of a finished run lives beside its results.
    journalPath: join(config.out, 'tracking', 'journal.jsonl'),
    events,
    outcome: {
      status: 'FINISHED',
      metrics,
      outDir: config.out,
      datasets: (['base', 'contributed', 'benchmark'] as const).map((role) => {
        const manifest = (result.outputs.get(`load_${role}`) as LoadOutput).manifest;
        return { role, fileName: basename(manifest.source_path), fileSha256: manifest.file_sha256, rows: manifest.row_count };
      }),
      registerAs: {
        name: config.tracking.modelName,
        alias: delta.decision.accepted ? 'accepted' : 'rejected',
        tags: {
          'hokusai.run_id': runId,
          'hokusai.data_sha256': (result.outputs.get('load_contributed') as LoadOutput).manifest.content_hash,
          'hokusai.delta_one': String(delta.delta_one),
          'hokusai.merkle_root': attestation.merkle_root,
        },
      },
      tags: {
        'hokusai.merkle_root': attestation.merkle_root,
        'hokusai.decision': delta.decision.accepted ? 'accepted' : 'rejected',
        'hokusai.delta_one': String(delta.delta_one),
      },
    },
  });
  return {
    runId,
    out: resolve(config.out),
    accepted: delta.decision.accepted,
    deltaOne: delta.delta_one,
    delta,
    baselineMetrics: evaluation.baselineMetrics,
    newMetrics: evaluation.newMetrics,
    merkleRoot: attestation.merkle_root,
    proved: attest.built.proofFiles !== undefined,
    files: [...Object.keys(files), 'attestation.json', 'zk_output_v1.json', 'logs/events.jsonl', ...(attest.built.proofFiles ? Object.keys(attest.built.proofFiles) : [])].sort(),
    reusedSteps: result.reused,
    tracking,
  };
}
