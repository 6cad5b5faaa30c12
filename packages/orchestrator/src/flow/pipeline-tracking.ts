import { existsSync } from 'node:fs';
import type { Table } from 'apache-arrow';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { copyJournal, createTracker, readJournal, type RunHandle, type RunStatus, type Tracker } from '@hokusai/tracking';
import type { RunEvent, StepFinishedEvent } from '../engine/events.js';
import type { RunStore } from '../engine/run-store.js';
import { outputOf, type StepRef } from '../engine/step-ref.js';
import type { PipelineConfig } from './config.js';
import { flattenParams } from './flatten.js';
import { writeRunModelFolder } from './mlflow-model.js';
import { packageVersions } from './package-versions.js';
import { lastIndex, loggedTimeline, timelineToCatchUp, type TimelineEntry } from './resumed-timeline.js';
import { standardTags, trackedConfig } from './tracked-run-content.js';
import { trackedDataset } from './tracked-dataset.js';
import type { DatasetRole } from './steps/load-step.js';
import type { ManifestsOutput } from './steps/manifests-step.js';
import type { SearchTrialOutput } from './steps/search-trial-step.js';
import type { TrainOutput } from './steps/train-step.js';

export { runNote } from './tracked-run-content.js';

export interface TrackedOutcome {
  status: 'FINISHED' | 'FAILED' | 'KILLED';
  /** Registers the new model (model.onnx of the output folder) as a version of this registered model. */
  registerAs?: { name: string; alias: string; tags: Record<string, string> };
  /** Markdown summary shown as the run's description (`mlflow.note.content`). */
  note?: string;
  /** The treated benchmark's first rows: the logged models' input example. */
  benchmarkExample?: Table;
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
  /** The run's page in the MLflow UI, when it is on a server. */
  runUrl?: string;
  journal: string;
  warnings: string[];
}

/** What the caller hears once the parent run exists (the CLI prints the link). */
export interface TrackingStarted {
  mode: 'server' | 'journal';
  runUrl?: string;
  journal: string;
}

const LOGGED_ORDER: readonly DatasetRole[] = ['benchmark', 'base', 'contributed'];

const TRAIN_STEPS: Record<string, string> = { train_baseline: 'train baseline', train_new: 'train new' };

/** The flow's steps whose outputs tracking reads: the inputs' manifests (datasets), the trainings (params) and the search trials. */
export interface TrackedSteps {
  manifests: StepRef<ManifestsOutput>;
  trainings: readonly StepRef<TrainOutput>[];
  trials: readonly StepRef<SearchTrialOutput[]>[];
}

function refNamed<O>(refs: readonly StepRef<O>[], name: string): StepRef<O> | undefined {
  return refs.find((r) => r.name === name);
}

interface PendingTrial {
  trial: SearchTrialOutput;
  startTime: number;
  endTime: number;
}

/**
 * Logs one pipeline run to MLflow while it runs (or to the local journal when no server is
 * configured; the journal lives in the run store under `runs/<id>/tracking/`). The parent run is
 * created when the pipeline starts and carries the step timeline: per step its duration
 * (`step.<name>.duration_seconds`, logged at the step's true end time) and `pipeline.step`
 * (its `step` is the number of steps done). Child runs only for the two trainings (params,
 * `training_loss` per iteration, round or epoch, true start and end) and the search trials, as
 * children of `train baseline` (the search tunes on the base data). A resumed run continues the
 * same MLflow run, found through the journal. Tracking never fails the pipeline: problems come
 * back as warnings.
 */
export class PipelineTracking {
  private chain: Promise<void> = Promise.resolve();
  private stepsDone = 0;
  private readonly trainings = new Map<string, RunHandle>();
  private readonly pendingTrials: PendingTrial[] = [];
  private readonly ownRuns: string[] = [];
  private readonly warnings: string[] = [];
  private trialsLogged = false;

  private constructor(
    private readonly config: PipelineConfig,
    private readonly runId: string,
    private readonly store: RunStore,
    private readonly steps: TrackedSteps,
    private readonly journalPath: string,
    private readonly tracker: Tracker | undefined,
    private readonly parent: RunHandle | undefined,
  ) {}

  /** Opens the tracker and starts (or, for a resumed pipeline, continues) the parent run. */
  static async start(input: { config: PipelineConfig; runId: string; store: RunStore; steps: TrackedSteps; resume: boolean; startTime: number }): Promise<PipelineTracking> {
    const journalPath = join(input.store.root, 'runs', input.runId, 'tracking', 'journal.jsonl');
    const problems: string[] = [];
    let tracker: Tracker | undefined;
    let parent: RunHandle | undefined;
    let earlier: EarlierRun | undefined;
    try {
      tracker = await createTracker({
        ...(input.config.tracking.uri === undefined ? {} : { trackingUri: input.config.tracking.uri }),
        journalPath,
        experimentName: input.config.tracking.experiment,
      });
      earlier = input.resume ? await earlierRun(journalPath, input.runId) : undefined;
      if (earlier !== undefined) {
        parent = await tracker.resumeRun(earlier.parent);
      } else {
        const versions = Object.fromEntries(Object.entries(packageVersions()).map(([k, v]) => [`hokusai.version.${k.replace('@hokusai/', '')}`, v]));
        parent = await tracker.startRun({ name: input.runId, startTime: input.startTime, tags: { ...standardTags(), 'hokusai.run_id': input.runId, ...versions } });
        await parent.logParams(flattenParams(trackedConfig(input.config)));
      }
    } catch (error) {
      problems.push(`Tracking failed: ${(error as Error).message}`);
    }
    const tracking = new PipelineTracking(input.config, input.runId, input.store, input.steps, journalPath, tracker, parent);
    tracking.warnings.push(...problems);
    if (parent !== undefined) tracking.ownRuns.push(parent.journalRunId);
    if (earlier !== undefined) {
      // Trials an earlier process already logged under its training are not logged again.
      tracking.trialsLogged = earlier.trialsLogged;
      await tracking.catchUp(earlier, input.startTime).catch((error: unknown) => tracking.warnings.push(`Tracking failed while catching up: ${(error as Error).message}`));
    }
    return tracking;
  }

  get started(): TrackingStarted {
    const runUrl = this.parent === undefined ? undefined : this.tracker?.runUrl(this.parent.runId);
    return { mode: this.tracker?.mode ?? 'journal', ...(runUrl === undefined ? {} : { runUrl }), journal: this.journalPath };
  }

  /** Takes a pipeline event; the calls it makes run in order, after the ones before. */
  onEvent(event: RunEvent): void {
    if (this.parent === undefined || this.tracker === undefined) return;
    this.chain = this.chain.then(() => this.track(event)).catch((error: unknown) => {
      this.warnings.push(`Tracking failed on ${event.type}${'step' in event ? ` of ${event.step}` : ''}: ${(error as Error).message}`);
    });
  }

  private async track(event: RunEvent): Promise<void> {
    const parent = this.parent as RunHandle;
    const tracker = this.tracker as Tracker;
    switch (event.type) {
      case 'step_started': {
        const training = TRAIN_STEPS[event.step];
        if (training === undefined || event.attempt !== 1) return;
        const child = await tracker.startRun({ name: training, parentRunId: parent.runId, startTime: event.time, tags: { 'hokusai.step': event.step, 'hokusai.run_id': this.runId } });
        this.trainings.set(event.step, child);
        this.ownRuns.push(child.journalRunId);
        if (event.step === 'train_baseline') await this.logTrials(child);
        return;
      }
      case 'progress':
        if (event.loss !== undefined && Number.isFinite(event.loss)) {
          await this.trainings.get(event.step)?.logMetrics({ training_loss: event.loss }, { step: event.done ?? 0, timestamp: event.time });
        }
        return;
      case 'step_failed':
        await this.trainings.get(event.step)?.end('FAILED', event.message, event.time);
        this.trainings.delete(event.step);
        return;
      case 'step_finished':
        await this.stepFinished(parent, event);
        return;
      // Reused steps were tracked by the earlier process or by catchUp; the run's own start and
      // end are the parent run's, and retries show as the step's attempts.
      case 'step_reused':
      case 'step_retry':
      case 'run_started':
      case 'run_finished':
      case 'run_failed':
        return;
    }
  }

  /** A finished step on the parent's timeline, with what its output adds: a dataset, trials, a training's params. */
  private async stepFinished(parent: RunHandle, event: StepFinishedEvent): Promise<void> {
    const { step } = event;
    this.stepsDone++;
    await parent.logMetrics({ [`step.${step}.duration_seconds`]: event.durationMs / 1000 }, { timestamp: event.time });
    await parent.logMetrics({ 'pipeline.step': this.stepsDone }, { step: this.stepsDone, timestamp: event.time });
    const trials = refNamed(this.steps.trials, step);
    if (step === this.steps.manifests.name) {
      await this.logDatasets(parent);
    } else if (trials !== undefined) {
      await this.queueTrials(trials, event.time - event.durationMs, event.time);
    } else if (TRAIN_STEPS[step] !== undefined) {
      const child = this.trainings.get(step);
      const output = await this.outputNamed(this.steps.trainings, step);
      if (child !== undefined) {
        if (output !== undefined) await child.logParams(trainingParams(output));
        await child.end('FINISHED', undefined, event.time);
        this.trainings.delete(step);
      }
    }
  }

  /**
   * A resumed run first logs what the killed process finished but could not track (its last
   * calls die with it): each finished step's duration at its record's time (MLflow keeps one copy
   * of a metric logged twice with the same value, time and step, so what did arrive is not
   * doubled), the timeline entries no earlier process logged (`timelineToCatchUp`: matched by
   * time, as the journal and the server have them), the inputs, and the trainings.
   * A training left open ends FINISHED when its step finished, else KILLED (it trains again).
   */
  private async catchUp(earlier: EarlierRun, now: number): Promise<void> {
    const parent = this.parent as RunHandle;
    const tracker = this.tracker as Tracker;
    const finished = [...(await this.store.readSteps(this.runId)).values()]
      .filter((r) => r.status === 'finished' && r.startedAt !== undefined && r.finishedAt !== undefined)
      .sort((a, b) => (a.finishedAt as number) - (b.finishedAt as number) || a.step.localeCompare(b.step));
    const onServer = (await parent.serverMetricHistory('pipeline.step')).map((m) => ({ value: m.value, timestamp: m.timestamp }));
    const logged = loggedTimeline(earlier.timeline, onServer);
    const missing = new Map(timelineToCatchUp(finished.map((r) => ({ step: r.step, finishedAt: r.finishedAt as number })), logged).map((e) => [e.step, e.index]));
    this.stepsDone = lastIndex(logged);
    for (const record of finished) {
      const at = record.finishedAt as number;
      await parent.logMetrics({ [`step.${record.step}.duration_seconds`]: record.durationMs / 1000 }, { timestamp: at });
      const index = missing.get(record.step);
      if (index !== undefined) {
        this.stepsDone = index;
        await parent.logMetrics({ 'pipeline.step': index }, { step: index, timestamp: at });
      }
      const trials = refNamed(this.steps.trials, record.step);
      if (record.step === this.steps.manifests.name) {
        await this.logDatasets(parent);
      } else if (trials !== undefined && !this.trialsLogged) {
        await this.queueTrials(trials, record.startedAt as number, at);
      }
    }
    const done = new Map(finished.map((r) => [r.step, r]));
    for (const [step, name] of Object.entries(TRAIN_STEPS)) {
      const record = done.get(step);
      const earlierRuns = earlier.children.filter((c) => c.name === name);
      for (const open of earlierRuns.filter((c) => !c.ended)) {
        const child = await tracker.resumeRun(open.run);
        this.ownRuns.push(child.journalRunId);
        if (record === undefined) {
          await child.end('KILLED', 'the pipeline process stopped; the resumed pipeline trains again', now);
        } else {
          const output = await this.outputNamed(this.steps.trainings, step);
          if (output !== undefined) await child.logParams(trainingParams(output));
          await child.end('FINISHED', undefined, record.finishedAt);
        }
      }
      if (record !== undefined && earlierRuns.length === 0) {
        const child = await tracker.startRun({ name, parentRunId: parent.runId, startTime: record.startedAt as number, tags: { 'hokusai.step': step, 'hokusai.run_id': this.runId } });
        this.ownRuns.push(child.journalRunId);
        if (step === 'train_baseline') await this.logTrials(child);
        const output = await this.outputNamed(this.steps.trainings, step);
        if (output !== undefined) await child.logParams(trainingParams(output));
        await child.end('FINISHED', undefined, record.finishedAt);
      }
    }
  }

  /**
   * The three inputs as MLflow datasets, from the recorded manifests. The benchmark goes first,
   * in the flow's load order: the MLflow run page shows the first dataset and folds the others.
   */
  private async logDatasets(parent: RunHandle): Promise<void> {
    const manifests = await this.output(this.steps.manifests);
    if (manifests !== undefined) await parent.logInputs(LOGGED_ORDER.map((role) => trackedDataset(role, manifests[role])));
  }

  /** A finished step's output, read back from the run store (as later steps read it). */
  private async output<O>(ref: StepRef<O>): Promise<O | undefined> {
    // That step's record alone: the tracking asks for one output at each step it logs.
    const hash = (await this.store.readStep(this.runId, ref.name))?.output;
    return hash === undefined ? undefined : outputOf(ref, this.store.readValue(hash));
  }

  private async outputNamed<O>(refs: readonly StepRef<O>[], step: string): Promise<O | undefined> {
    const ref = refNamed(refs, step);
    return ref === undefined ? undefined : this.output(ref);
  }

  private async queueTrials(ref: StepRef<SearchTrialOutput[]>, startTime: number, endTime: number): Promise<void> {
    const trials = await this.output(ref);
    for (const trial of trials ?? []) this.pendingTrials.push({ trial, startTime, endTime });
  }

  private async logTrials(training: RunHandle): Promise<void> {
    const tracker = this.tracker as Tracker;
    for (const { trial, startTime, endTime } of this.pendingTrials.splice(0)) {
      const run = await tracker.startRun({
        name: trial.rung === 0 ? `trial ${trial.id}` : `trial ${trial.id} (rung ${trial.rung})`,
        parentRunId: training.runId,
        startTime,
        tags: { 'hokusai.trial': String(trial.id), 'hokusai.rung': String(trial.rung) },
      });
      await run.logParams({ ...flattenParams(trial.params), 'search.rung': trial.rung, 'search.train_rows': trial.trainRows });
      await run.logMetrics({ [`validation_${trial.metric}`]: trial.value, 'validation_score': trial.score }, { timestamp: endTime });
      await run.end('FINISHED', undefined, endTime);
    }
    this.trialsLogged = true;
  }

  /**
   * Ends the run: the final metrics, tags and note, the output folder as artifacts and both
   * models as MLflow models (only the new one registered, when asked), then the status at the
   * true end time. A finished run's journal is copied beside its results (`<out>/tracking/`).
   */
  async finish(outcome: TrackedOutcome): Promise<TrackingSummary> {
    await this.chain;
    const parent = this.parent;
    const tracker = this.tracker;
    let journal = this.journalPath;
    if (parent === undefined || tracker === undefined) {
      await tracker?.close().catch(() => undefined);
      return { mode: 'journal', runId: null, journal, warnings: this.warnings };
    }
    const endTime = Date.now();
    try {
      for (const [, open] of this.trainings) await open.end(outcome.status === 'FINISHED' ? 'FAILED' : outcome.status, outcome.error, endTime);
      this.trainings.clear();
      const tags = { ...(outcome.tags ?? {}), ...(outcome.note === undefined ? {} : { 'mlflow.note.content': outcome.note }) };
      if (Object.keys(tags).length > 0) await parent.setTags(tags);
      if (outcome.metrics) await parent.logMetrics(outcome.metrics, { timestamp: endTime });
      if (outcome.onParentRun) {
        try {
          await outcome.onParentRun({ runId: parent.runId, mode: tracker.mode });
        } catch (error) {
          this.warnings.push(`report.json could not be linked to the MLflow run: ${(error as Error).message}`);
        }
      }
      if (outcome.outDir) {
        for (const file of await listFiles(outcome.outDir)) {
          if (file.startsWith('tracking/')) continue;
          const slash = file.lastIndexOf('/');
          await parent.logArtifact(join(outcome.outDir, file), slash < 0 ? undefined : file.slice(0, slash));
        }
      }
      if (outcome.outDir !== undefined && outcome.benchmarkExample !== undefined) {
        await logRunModels(tracker, parent.runId, outcome.outDir, outcome.benchmarkExample, outcome.registerAs, this.warnings);
      }
      await parent.end(outcome.status, outcome.error, endTime);
    } catch (error) {
      this.warnings.push(`Tracking failed: ${(error as Error).message}`);
    } finally {
      await tracker.close().catch(() => undefined);
    }
    this.warnings.push(...tracker.warnings);
    if (outcome.status === 'FINISHED' && outcome.outDir !== undefined && existsSync(this.journalPath)) {
      const kept = join(outcome.outDir, 'tracking', 'journal.jsonl');
      try {
        await copyJournal(this.journalPath, kept, { runs: this.ownRuns });
        journal = kept;
      } catch (error) {
        this.warnings.push(`The run journal stays at ${this.journalPath}: ${(error as Error).message}`);
      }
    }
    const runUrl = tracker.runUrl(parent.runId);
    return { mode: tracker.mode, runId: parent.runId, ...(runUrl === undefined ? {} : { runUrl }), journal, warnings: this.warnings };
  }
}

/** The status a failed pipeline's run ends with: KILLED when it was cancelled. */
export function failedStatus(error: unknown): RunStatus {
  const code = error !== null && typeof error === 'object' && 'code' in error ? (error as { code: unknown }).code : undefined;
  return code === 'HOKUSAI_RUN_CANCELLED' ? 'KILLED' : 'FAILED';
}

interface EarlierRun {
  parent: string;
  /** The runs an earlier process nested under the parent, and whether each was ended. */
  children: Array<{ run: string; name: string; ended: boolean }>;
  trialsLogged: boolean;
  /** The `pipeline.step` entries earlier processes logged on the parent (sent or journaled to send). */
  timeline: TimelineEntry[];
}

/** The parent run an earlier process of this pipeline run left in the journal, if any. */
async function earlierRun(journalPath: string, runId: string): Promise<EarlierRun | undefined> {
  if (!existsSync(journalPath)) return undefined;
  const { entries } = await readJournal(journalPath);
  const parent = entries.filter((e) => e.op === 'startRun' && e.parentRun === undefined && e.name === runId).pop();
  if (parent === undefined) return undefined;
  const children = entries.filter((e) => e.op === 'startRun' && e.parentRun === parent.run);
  const ended = new Set(entries.filter((e) => e.op === 'end').map((e) => e.run));
  return {
    parent: parent.run,
    children: children.map((c) => ({ run: c.run, name: c.op === 'startRun' ? c.name : '', ended: ended.has(c.run) })),
    trialsLogged: children.some((c) => c.op === 'startRun' && c.name === TRAIN_STEPS.train_baseline && entries.some((e) => e.op === 'startRun' && e.parentRun === c.run)),
    timeline: entries.flatMap((e) => (e.op === 'log' && e.run === parent.run ? e.metrics.filter((m) => m.key === 'pipeline.step').map((m) => ({ value: m.value, timestamp: m.timestamp })) : [])),
  };
}

/** A training's params: family, seed and rows as trained, and the family's params. */
function trainingParams(output: TrainOutput): Record<string, string | number | boolean> {
  if (output.metadata === null) return { source: output.source, ...(output.recipe === null ? {} : flattenParams(output.recipe.params, 'params')), ...(output.recipe === null ? {} : { family: output.recipe.family }) };
  const m = output.metadata;
  return {
    source: output.source,
    family: m.family,
    seed: m.seed,
    rows: m.rows,
    backend: m.backend,
    features: m.inputs.length,
    ...flattenParams(m.params, 'params'),
    ...(output.followed === undefined ? {} : { followed_recipe: output.followed.recipe }),
  };
}

/**
 * Both models as MLflow models (folders under `<out>/tracking/mlflow-models/`, kept so a later
 * sync can deliver them): `baseline` and `model`; only `model` is registered, when asked.
 */
async function logRunModels(
  tracker: Tracker,
  runId: string,
  outDir: string,
  example: Table,
  registerAs: TrackedOutcome['registerAs'],
  warnings: string[],
): Promise<void> {
  for (const [file, name] of [
    ['baseline.onnx', 'baseline'],
    ['model.onnx', 'model'],
  ] as const) {
    const dir = join(outDir, 'tracking', 'mlflow-models', name);
    try {
      if (!(await writeRunModelFolder({ onnxPath: join(outDir, file), example, dir }))) continue;
    } catch (error) {
      warnings.push(`The ${name} was not logged as an MLflow model: ${(error as Error).message}`);
      continue;
    }
    const register = name === 'model' && registerAs !== undefined ? { name: registerAs.name, alias: registerAs.alias, tags: registerAs.tags } : undefined;
    await tracker.logModel({ runId, name, localPath: dir, modelType: 'onnx', tags: { 'hokusai.role': name }, ...(register === undefined ? {} : { register }) });
  }
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
