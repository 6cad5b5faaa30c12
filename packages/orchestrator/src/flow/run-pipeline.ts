import { rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { writeAttestation } from '@hokusai/attestation';
import type { BinaryMetrics, DeltaReport } from '@hokusai/evaluation';
import { OrchestratorError } from '../errors.js';
import type { RunEvent, RunEventListener } from '../engine/events.js';
import type { Executor } from '../engine/executor.js';
import { LocalStoreExecutor } from '../distributed/local-store-executor.js';
import { hokusaiHooks, type HokusaiHooks } from './hokusai-hooks.js';
import { runFlow } from '../engine/run-flow.js';
import { RunStore } from '../engine/run-store.js';
import { PipelineConfigSchema, type PipelineConfig, type PipelineConfigInput } from './config.js';
import { DatasetCache } from './dataset-cache.js';
import { assertPlanRunnable, assertStreamingExecutor, planMemory, streamingStepBudgetMb, type MemoryPlan } from './memory-plan.js';
import { hokusaiFlow } from './hokusai-flow.js';
import { reportJsonText } from './report-document.js';
import { linkReportToMlflow } from './report-mlflow-link.js';
import { runIdAndHashes } from './input-fingerprint.js';
import type { KnownFileHash } from '@hokusai/data-integration';
import { assertOutputFree, outputFolderRunId, writeOutputFolder, type ProtectedPaths } from './output-folder.js';
import { lockOutputFolder } from './output-lock.js';
import { assertFoldersWritable } from './writable-folders.js';
import { pipelineVersion } from './package-versions.js';
import { runMetrics } from './run-metrics.js';
import { splitUriCredentials } from '@hokusai/tracking';
import { failedStatus, PipelineTracking, runNote, type TrackingStarted, type TrackingSummary } from './pipeline-tracking.js';
import { EarlyTrainings } from './early-trainings.js';
import { EarlyCommitments } from './early-commitments.js';
import { EXAMPLE_ROWS } from './mlflow-model.js';
import { piiKeyFromEnv } from '@hokusai/core';

export interface PipelineRunOptions {
  /** Run store folder (default: $HOKUSAI_STORE, else ./.hokusai/store). */
  store?: string;
  onEvent?: RunEventListener;
  /** Hooks of the Hokusai flow's points (`hokusaiHooks()`). */
  hooks?: HokusaiHooks;
  renderReport?: (report: unknown) => string;
  executor?: Executor;
  /** Cancels the run at the next step boundary (running steps get an abort signal). */
  signal?: AbortSignal;
  /** Told once the run's tracking has started: where it goes (the MLflow run page, when on a server). */
  onTracking?: (tracking: TrackingStarted) => void;
  /** Told, before anything is read, how the run fits `resources.memory` (only when the config sets one). */
  onMemoryPlan?: (plan: MemoryPlan) => void;
  /** Rows per batch file of a streaming run (default 262,144); results do not depend on it. */
  streamBatchRows?: number;
  /**
   * SHA-256s of input files that the caller is computing already, by absolute path (the CLI
   * hashes a run's inputs while it loads its modules). Each is used for the run's id only when
   * the file's size, times and inode are still those it gives; otherwise the file is hashed.
   */
  inputHashes?: ReadonlyMap<string, Promise<KnownFileHash | null>>;
}

export interface PipelineResult {
  runId: string;
  out: string;
  accepted: boolean;
  /** Why the benchmark cannot fully judge this contribution (a benchmark check the config allowed). */
  benchmarkCaveats: string[];
  deltaOne: number | null;
  /** 'same recipe' when only the data differ between the two models, else 'different recipe'. */
  comparison: 'same recipe' | 'different recipe' | null;
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

/** The benchmark caveats of a data report (none in reports written before they existed). */
function caveatsOf(dataReport: unknown): string[] {
  const parsed = z.object({ benchmark_caveats: z.array(z.string()) }).safeParse(dataReport);
  return parsed.success ? parsed.data.benchmark_caveats : [];
}

/** Runs the whole Hokusai flow and writes the output folder. */
export async function runPipeline(input: PipelineConfigInput, options: PipelineRunOptions = {}): Promise<PipelineResult> {
  // Paths are made absolute at the start and stored so: `resume` from any folder reads the same
  // inputs and writes where this run said.
  const config = withKeyFromEnv(absolutePaths(parseConfig(input)));
  await announceMemoryPlan(config, options);
  const store = options.store ?? defaultStore();
  assertOutputFree(config.out, config.overwrite, protectedPaths(config, store));
  await assertFoldersWritable(config, store);
  const { runId, known } = await runIdAndHashes(config, options.inputHashes);
  return execute(config, runId, false, options, known);
}

/**
 * Reruns a failed or killed run from its first unfinished step. The inputs and the config are
 * hashed again and must give the run's id; the output goes where the run said, and replaces an
 * existing folder only when it is this run's own output or overwriting was asked for.
 */
export async function resumePipeline(runId: string, options: PipelineRunOptions & { overwrite?: boolean } = {}): Promise<PipelineResult> {
  const store = new RunStore(options.store ?? defaultStore());
  const record = await store.readRun(runId);
  const stored = z.object({ config: z.unknown() }).parse(record.params);
  const config = withTrackingCredentialsFromEnv(withKeyFromEnv(parseConfig(stored.config, `stored config of run ${runId}`)));
  if (!isAbsolute(config.out)) {
    throw new OrchestratorError('HOKUSAI_RESUME_MISMATCH', `Run ${runId} recorded a relative output folder (${config.out}), so where it meant to write is unknown. Start it again with \`hokusai run\`.`);
  }
  await announceMemoryPlan(config, options);
  const { runId: again, known } = await runIdAndHashes(config);
  if (again !== runId) {
    throw new OrchestratorError(
      'HOKUSAI_RESUME_MISMATCH',
      `The inputs or the config of run ${runId} changed since it started (they now give run ${again}); resuming would mix results. Start a new run with \`hokusai run\`.`,
    );
  }
  config.overwrite = config.overwrite || options.overwrite === true || outputFolderRunId(config.out) === runId;
  assertOutputFree(config.out, config.overwrite, protectedPaths(config, store.root));
  await assertFoldersWritable(config, store.root);
  return execute(config, runId, true, options, known);
}

/** Decided from the input files' sizes before anything is read or created, and said before a run over its budget stops. */
async function announceMemoryPlan(config: PipelineConfig, options: PipelineRunOptions): Promise<void> {
  const plan = await planMemory(config);
  if (plan !== null) options.onMemoryPlan?.(plan);
  assertPlanRunnable(plan, config);
  assertStreamingExecutor(plan, options.executor?.name);
}

function absolutePaths(config: PipelineConfig): PipelineConfig {
  return {
    ...config,
    base: resolve(config.base),
    contributed: resolve(config.contributed),
    benchmark: resolve(config.benchmark),
    out: resolve(config.out),
    ...(config.baselineModel === undefined ? {} : { baselineModel: resolve(config.baselineModel) }),
  };
}

function protectedPaths(config: PipelineConfig, store: string): ProtectedPaths {
  return { inputs: [config.base, config.contributed, config.benchmark, ...(config.baselineModel === undefined ? [] : [config.baselineModel])], store };
}

function withKeyFromEnv(config: PipelineConfig): PipelineConfig {
  const key = config.pii.key ?? piiKeyFromEnv();
  return key === undefined ? config : { ...config, pii: { ...config.pii, key } };
}

/** Credentials in the tracking URI are secrets too: the stored config never holds them. */
function storedTracking(config: PipelineConfig): PipelineConfig['tracking'] {
  return config.tracking.uri === undefined ? config.tracking : { ...config.tracking, uri: splitUriCredentials(config.tracking.uri).uri };
}

/**
 * The stored config keeps the tracking URI without credentials; a resumed run takes them from
 * MLFLOW_TRACKING_URI again when that names the same server.
 */
function withTrackingCredentialsFromEnv(config: PipelineConfig): PipelineConfig {
  const env = process.env.MLFLOW_TRACKING_URI;
  if (config.tracking.uri === undefined || env === undefined || splitUriCredentials(env).uri !== config.tracking.uri) return config;
  return { ...config, tracking: { ...config.tracking, uri: env } };
}

/** `known`: the inputs' hashes made for the run id, which the loads take instead of hashing the files again. */
async function execute(config: PipelineConfig, runId: string, resume: boolean, options: PipelineRunOptions, known: ReadonlyMap<string, KnownFileHash>): Promise<PipelineResult> {
  const store = new RunStore(options.store ?? defaultStore());
  const release = await lockOutputFolder(config.out, runId);
  try {
    // Checked again under the lock: another run may have finished into the folder meanwhile.
    assertOutputFree(config.out, config.overwrite, protectedPaths(config, store.root));
    return await executeLocked(config, runId, resume, options, store, known);
  } finally {
    await release();
  }
}

async function executeLocked(config: PipelineConfig, runId: string, resume: boolean, options: PipelineRunOptions, store: RunStore, known: ReadonlyMap<string, KnownFileHash>): Promise<PipelineResult> {
  const hooks = options.hooks ?? hokusaiHooks();
  const events: RunEvent[] = [];
  const startTime = Date.now();
  // Decided from the input files' sizes, so a resumed run takes the same path.
  const plan = await planMemory(config);
  // A streaming run's batch files and partitions; kept until the run has finished, so a resumed run finds them.
  const workDir = store.workDir(runId);
  const earlyTrainings = new EarlyTrainings();
  const earlyCommitments = new EarlyCommitments();
  const flow = hokusaiFlow({
    config,
    hooks,
    earlyTrainings,
    earlyCommitments,
    datasets: new DatasetCache({ inputs: [config.base, config.contributed, config.benchmark], known, loaderThreads: config.concurrency }),
    pipelineVersion: pipelineVersion(),
    plan,
    workDir,
    ...(options.streamBatchRows === undefined ? {} : { streamBatchRows: options.streamBatchRows }),
    ...(options.renderReport ? { renderReport: options.renderReport } : {}),
  });
  // The MLflow run starts with the pipeline and follows it step by step.
  const tracking = await PipelineTracking.start({ config, runId, store, steps: flow.tracked, resume, startTime });
  options.onTracking?.(tracking.started);
  // The PII key is a secret: the stored config never holds it; a resumed run reads it again.
  const { key: _secret, ...pii } = config.pii;
  let result;
  try {
    result = await runFlow(flow, {
      store,
      runId,
      params: { config: { ...config, pii, tracking: storedTracking(config) } },
      concurrency: config.concurrency,
      // A streaming run keeps its steps' declared memory within the budget (less the process itself):
      // on a small budget the heavy steps take turns instead of overlapping.
      ...(plan?.mode === 'streaming' ? { memoryBudgetMb: streamingStepBudgetMb(plan) } : {}),
      resume,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      hooks: hooks.identities(),
      // Finished foreach items (search trials) are recorded, so a resumed run reuses them.
      executor: options.executor ?? new LocalStoreExecutor({ readBack: false }),
      onEvent: (event) => {
        events.push(event);
        tracking.onEvent(event);
        options.onEvent?.(event);
      },
    });
  } catch (error) {
    await tracking.finish({ status: failedStatus(error), error: (error as Error).message });
    throw error;
  } finally {
    // A model training started early that no step took over (the run failed or was stopped) ends here, and so do commitments.
    earlyTrainings.cancel();
    earlyCommitments.cancel();
  }

  const attest = result.output(flow.results.attest);
  // Read before the work folder (a streaming run's batch files) goes.
  const benchmarkExample = await flow.benchmarkHead(result, EXAMPLE_ROWS);
  const report = result.output(flow.results.report);
  const evaluation = result.output(flow.results.evaluate);
  const delta = result.output(flow.results.delta);
  const files: Record<string, Uint8Array | string> = {
    ...attest.files,
    'report.json': reportJsonText(report.document),
    ...(report.html === null ? {} : { 'report.html': report.html }),
  };
  const contributed = result.output(flow.results.manifests).contributed;
  const zkOutput = {
    contributedColumnCount: contributed.column_count,
    contributedColumns: contributed.columns,
  };
  // The run log: every event of this run, for people and tools. Not attested (it holds times).
  files['logs/events.jsonl'] = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  await writeOutputFolder(config.out, files, {
    overwrite: config.overwrite,
    runId,
    protect: protectedPaths(config, store.root),
    fill: (staging) => writeAttestation(staging, attest.built, { zkOutput }),
  });

  await rm(workDir, { recursive: true, force: true });
  const { attestation } = attest.built;
  const metrics = runMetrics(evaluation, delta);
  // The output folder exists now, so the journal of a finished run is copied beside its results.
  const tracked = await tracking.finish({
      status: 'FINISHED',
      metrics,
      outDir: config.out,
      benchmarkExample,
      // A rejected contribution's model is logged but not registered unless the config asks.
      ...(delta.decision.accepted || config.tracking.registerRejected
        ? {
            registerAs: {
              name: config.tracking.modelName,
              alias: delta.decision.accepted ? 'accepted' : 'rejected',
              tags: {
                'hokusai.run_id': runId,
                'hokusai.data_sha256': contributed.content_hash,
                'hokusai.delta_one': String(delta.delta_one),
                'hokusai.merkle_root': attestation.merkle_root,
              },
            },
          }
        : {}),
      note: runNote(delta),
      // Before the folder is uploaded, so the report MLflow keeps names its run too.
      onParentRun: (run) => linkReportToMlflow(config.out, report.document, run, config.tracking.uri ?? process.env.MLFLOW_TRACKING_URI, options.renderReport),
      tags: {
        'hokusai.merkle_root': attestation.merkle_root,
        'hokusai.decision': delta.decision.accepted ? 'accepted' : 'rejected',
        'hokusai.delta_one': String(delta.delta_one),
      },
  });
  return {
    runId,
    out: resolve(config.out),
    accepted: delta.decision.accepted,
    benchmarkCaveats: caveatsOf(report.document.data),
    deltaOne: delta.delta_one,
    comparison: delta.recipe === null ? null : delta.recipe.same ? 'same recipe' : 'different recipe',
    delta,
    baselineMetrics: evaluation.baselineMetrics,
    newMetrics: evaluation.newMetrics,
    merkleRoot: attestation.merkle_root,
    proved: attest.built.proofFiles !== undefined,
    files: [...Object.keys(files), 'attestation.json', 'zk_output_v1.json', ...(attest.built.proofFiles ? Object.keys(attest.built.proofFiles) : [])].sort(),
    reusedSteps: result.reused,
    tracking: tracked,
  };
}
