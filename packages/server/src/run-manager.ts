import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { errorKind, writeFileAtomicSync } from '@hokusai/core';
import { ORCHESTRATOR_ERROR_KINDS, errorCode, runPipeline, verifyRun, type Executor, type PipelineConfigInput, type RunEvent } from '@hokusai/orchestrator';
import { SERVER_ERROR_KINDS, ServerError, type ServerErrorCode } from './errors.js';
import { ServerRunSchema, type RunStatus, type ServerRun } from './run-record.js';

export interface RunInputs {
  base: string;
  contributed: string;
  benchmark: string;
}

/** What a submission becomes once its inputs are in place. */
export interface PreparedRun {
  /** Absolute paths of the three inputs (kept by the server, never in the record). */
  paths: RunInputs;
  /** The names shown for them. */
  names: RunInputs;
  /** Run settings checked against the submission schema (no paths among them). */
  settings: Record<string, unknown>;
  contributor: string | null;
}

export interface SubmitRequest {
  owner: string;
  idempotencyKey: string | null;
  /** Called with the run's new folder: puts the inputs in place (uploads stream into it). */
  prepare: (runDir: string) => Promise<PreparedRun>;
  /** Pipeline config keys the server sets itself (e.g. the benchmark registry). */
  serverConfig?: Record<string, unknown>;
}

export interface RunManagerOptions {
  stateDir: string;
  concurrentRuns: number;
  /** A fresh executor per run (BullMQ when the server has Redis); in-process when absent. */
  createExecutor?: () => Executor & { close(): Promise<void> };
  renderReport?: (report: unknown) => string;
}

export interface RunManagerEvents {
  update: [ServerRun];
  event: [string, RunEvent];
}

/**
 * Submitted runs: each gets a folder under `runs/` in the state folder (its record, uploaded
 * inputs, output folder), waits in a FIFO queue and is driven by `runPipeline` with the server's
 * executor, so with Redis the steps run on `hokusai worker` processes. Records are written on
 * every change of status, so a restarted server lists every run it ever accepted.
 */
export class RunManager extends EventEmitter<RunManagerEvents> {
  private readonly runs = new Map<string, ServerRun>();
  private readonly queue: string[] = [];
  private readonly controllers = new Map<string, AbortController>();
  /** Pipeline configs of runs not yet finished (they hold absolute paths, never written to the record). */
  private readonly configs = new Map<string, Record<string, unknown>>();
  private readonly active = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: RunManagerOptions) {
    super();
    mkdirSync(this.runsDir, { recursive: true });
    this.recover();
  }

  get runsDir(): string {
    return join(this.options.stateDir, 'runs');
  }

  get storeDir(): string {
    return join(this.options.stateDir, 'store');
  }

  runDir(id: string): string {
    return join(this.runsDir, id);
  }

  outDir(id: string): string {
    return join(this.runDir(id), 'out');
  }

  async submit(request: SubmitRequest): Promise<{ run: ServerRun; created: boolean }> {
    if (request.idempotencyKey !== null) {
      const earlier = [...this.runs.values()].find((r) => r.owner === request.owner && r.idempotencyKey === request.idempotencyKey);
      if (earlier !== undefined) return { run: earlier, created: false };
    }
    const id = `r${Date.now().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
    const dir = this.runDir(id);
    mkdirSync(dir, { recursive: true });
    let prepared: PreparedRun;
    try {
      prepared = await request.prepare(dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    const run: ServerRun = {
      id,
      status: 'queued',
      owner: request.owner,
      contributor: prepared.contributor,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      idempotencyKey: request.idempotencyKey,
      settings: prepared.settings,
      inputs: prepared.names,
      steps: {},
      decision: null,
      deltaOne: null,
      pipelineRunId: null,
      cancelRequested: false,
      error: null,
    };
    // Absolute input paths stay with the server; the record shows only the names.
    this.configs.set(id, { ...prepared.settings, ...request.serverConfig, ...prepared.paths });
    this.save(run);
    this.queue.push(id);
    this.pump();
    return { run, created: true };
  }

  get(id: string): ServerRun | undefined {
    return this.runs.get(id);
  }

  /** Runs newest first. */
  list(): ServerRun[] {
    return [...this.runs.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  queued(): number {
    return this.queue.length;
  }

  cancel(id: string): ServerRun {
    const run = this.require(id);
    if (run.status === 'queued') {
      this.queue.splice(this.queue.indexOf(id), 1);
      this.finish(run, 'cancelled', { error: { code: 'HOKUSAI_RUN_CANCELLED', message: 'Cancelled before it started.', kind: ORCHESTRATOR_ERROR_KINDS.HOKUSAI_RUN_CANCELLED } });
    } else if (run.status === 'running') {
      run.cancelRequested = true;
      this.save(run);
      this.controllers.get(id)?.abort();
    }
    return run;
  }

  /** Every file of a finished run's output folder, relative to it. */
  async files(id: string): Promise<string[]> {
    this.require(id);
    const out = this.outDir(id);
    if (!existsSync(out)) return [];
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile()) found.push(relative(out, path).split(sep).join('/'));
      }
    };
    await walk(out);
    return found.sort();
  }

  /** The absolute path of one output file, refusing anything outside the output folder or not a plain file. */
  async filePath(id: string, name: string): Promise<string> {
    const files = await this.files(id);
    if (!files.includes(name)) throw new ServerError('HOKUSAI_OUTPUT_FILE_NOT_FOUND', `Run ${id} has no output file ${JSON.stringify(name)}.`);
    const path = join(this.outDir(id), ...name.split('/'));
    if (!(await lstat(path)).isFile()) throw new ServerError('HOKUSAI_OUTPUT_FILE_NOT_FOUND', `Run ${id} has no output file ${JSON.stringify(name)}.`);
    return path;
  }

  async verify(id: string): Promise<{ ok: boolean; checks: { name: string; ok: boolean; detail: string }[] }> {
    const run = this.require(id);
    if (run.status !== 'succeeded') throw new ServerError('HOKUSAI_RUN_NOT_FINISHED', `Run ${id} is ${run.status}; only a finished run's output can be verified.`);
    return verifyRun(this.outDir(id), this.options.renderReport === undefined ? {} : { renderReport: this.options.renderReport });
  }

  /** Stops taking runs and waits for the running ones to end (cancelling them when asked). */
  async close(options: { cancelRunning?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (options.cancelRunning === true) for (const controller of this.controllers.values()) controller.abort();
    await Promise.allSettled([...this.active]);
  }

  private require(id: string): ServerRun {
    const run = this.runs.get(id);
    if (run === undefined) throw new ServerError('HOKUSAI_SERVER_RUN_NOT_FOUND', `No run ${id}.`);
    return run;
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.options.concurrentRuns && this.queue.length > 0) {
      const id = this.queue.shift() as string;
      const job = this.execute(id).finally(() => {
        this.active.delete(job);
        this.pump();
      });
      this.active.add(job);
    }
  }

  private async execute(id: string): Promise<void> {
    const run = this.require(id);
    const config = this.configs.get(id);
    if (config === undefined) {
      this.finish(run, 'failed', { error: serverRunError('HOKUSAI_SERVER_RESTARTED', 'The server restarted before this run started; submit it again.') });
      return;
    }
    const controller = new AbortController();
    this.controllers.set(id, controller);
    run.status = 'running';
    run.startedAt = new Date().toISOString();
    this.save(run);
    const executor = this.options.createExecutor?.();
    try {
      const result = await runPipeline({ ...config, out: this.outDir(id), overwrite: false } as PipelineConfigInput, {
        store: this.storeDir,
        signal: controller.signal,
        ...(executor === undefined ? {} : { executor }),
        ...(this.options.renderReport === undefined ? {} : { renderReport: this.options.renderReport }),
        onEvent: (event) => this.onEvent(run, event),
      });
      this.finish(run, 'succeeded', { decision: result.accepted ? 'accepted' : 'rejected', deltaOne: result.deltaOne, pipelineRunId: result.runId });
    } catch (error) {
      const untyped: ServerErrorCode = 'HOKUSAI_RUN_FAILED';
      const code = errorCode(error) ?? untyped;
      const status: RunStatus = code === 'HOKUSAI_RUN_CANCELLED' ? 'cancelled' : 'failed';
      this.finish(run, status, { error: describeRunError(error, code, config, run.inputs) });
    } finally {
      this.controllers.delete(id);
      this.configs.delete(id);
      await executor?.close();
    }
  }

  private onEvent(run: ServerRun, event: RunEvent): void {
    run.pipelineRunId ??= event.runId;
    if ('step' in event) {
      const step = run.steps[event.step] ?? { status: 'running', startedAt: null, durationMs: null, done: null, total: null, unit: null };
      switch (event.type) {
        case 'step_started':
          Object.assign(step, { status: 'running', startedAt: new Date(event.time).toISOString() });
          break;
        case 'step_finished':
          Object.assign(step, { status: 'finished', durationMs: event.durationMs });
          break;
        case 'step_failed':
          step.status = 'failed';
          break;
        case 'step_reused':
          step.status = 'reused';
          break;
        case 'progress':
          Object.assign(step, { done: event.done ?? null, total: event.total ?? null, unit: event.unit ?? null });
          break;
        case 'step_retry':
          break;
      }
      run.steps[event.step] = step;
    }
    // Progress ticks are many: records are written at step boundaries, events go out live.
    if (event.type !== 'progress') this.save(run);
    this.emit('event', run.id, event);
  }

  private finish(run: ServerRun, status: RunStatus, fields: Partial<ServerRun>): void {
    Object.assign(run, fields, { status, finishedAt: new Date().toISOString() });
    this.save(run);
  }

  private save(run: ServerRun): void {
    this.runs.set(run.id, run);
    const path = join(this.runDir(run.id), 'run.json');
    // Rewritten at every step boundary; a record lost to a power cut ends as failed on restart.
    writeFileAtomicSync(path, JSON.stringify(run, null, 2) + '\n', { fsync: false });
    this.emit('update', run);
  }

  /** Reads every run record; runs a previous server process was driving end as failed. */
  private recover(): void {
    for (const name of readdirSync(this.runsDir)) {
      const path = join(this.runsDir, name, 'run.json');
      if (!existsSync(path)) continue;
      const parsed = ServerRunSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.success) continue;
      const run = parsed.data;
      this.runs.set(run.id, run);
      if (run.status === 'queued' || run.status === 'running') {
        this.finish(run, 'failed', { error: serverRunError('HOKUSAI_SERVER_RESTARTED', 'The server stopped while this run was waiting or running; submit it again.') });
      }
    }
  }
}

/** A run ended by the server itself, with the kind its code has in the server's table. */
function serverRunError(code: ServerErrorCode, message: string): NonNullable<ServerRun['error']> {
  return { code, message, kind: SERVER_ERROR_KINDS[code] };
}

/**
 * A failed run's error as its submitter may see it: the code, its kind, and where (file, row,
 * column), with the server's own paths replaced by the names the submission used.
 */
function describeRunError(error: unknown, code: string, config: Record<string, unknown>, names: RunInputs): NonNullable<ServerRun['error']> {
  let message = error instanceof Error ? error.message : String(error);
  const located = (error ?? {}) as { file?: unknown; row?: unknown; column?: unknown };
  let file: string | undefined;
  for (const role of ['base', 'contributed', 'benchmark'] as const) {
    const path = config[role];
    if (typeof path !== 'string') continue;
    if (located.file === path) file = names[role];
    message = message.split(path).join(names[role]);
  }
  const kind = errorKind(error);
  return {
    code,
    message,
    kind,
    ...(file === undefined ? {} : { file }),
    ...(typeof located.row === 'number' ? { row: located.row } : {}),
    ...(typeof located.column === 'string' ? { column: located.column } : {}),
  };
}
