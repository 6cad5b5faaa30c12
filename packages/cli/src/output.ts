import type { RunEvent } from '@hokusai/orchestrator';
import { camelCaseKeys, JSON_SCHEMA_VERSION, type JsonDocument } from './json-result.js';
import { ProgressRenderer, type ProgressStream, type RunPlan } from './progress-renderer.js';
import { HokusaiError, errorKind } from '@hokusai/core';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Colors allowed: no --no-color and no NO_COLOR. Each stream still needs to be a terminal. */
  color: boolean;
}

export interface OutputStreams {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

/**
 * Where a command's words go: with --json exactly one JSON document on stdout and logs on
 * stderr; otherwise human text on stdout. Logs and progress always go to stderr: live bars on a
 * terminal, rate-limited plain lines elsewhere, nothing at all with --quiet.
 */
export class Output {
  private renderer: ProgressRenderer | undefined;
  /** The command being run ("run", "config show"), named in the --json document. */
  command = '';
  /** With --json, the result waits for the exit code, which the command sets after it. */
  private pending: { result: unknown } | undefined;

  constructor(
    private readonly read: () => OutputOptions,
    private readonly streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
  ) {}

  get options(): OutputOptions {
    return this.read();
  }

  /** Made on first use: the flags it depends on are parsed only once a command runs. */
  private get progress(): ProgressRenderer {
    this.renderer ??= new ProgressRenderer(this.streams.stderr, { color: this.options.color, verbose: this.options.verbose });
    return this.renderer;
  }

  log(message: string): void {
    if (!this.options.quiet) this.progress.line(message);
  }

  /** A line that matters even with --quiet (how to resume a stopped run): always on stderr. */
  notice(message: string): void {
    this.renderer?.finish();
    this.streams.stderr.write(`${message}\n`);
  }

  /** Tells progress how many steps the run has and which to leave out. */
  plan(plan: RunPlan): void {
    if (!this.options.quiet) this.progress.setPlan(plan);
  }

  event(event: RunEvent): void {
    if (!this.options.quiet) this.progress.event(event);
  }

  result(data: unknown, text: string): void {
    this.renderer?.finish();
    if (this.options.json) this.pending = { result: camelCaseKeys(data) };
    else if (!this.options.quiet) this.streams.stdout.write(`${text}\n`);
  }

  /** With --json, prints the result kept by `result` with the command's exit code. */
  flush(exitCode: number): void {
    if (this.pending === undefined) return;
    const doc: JsonDocument = { schemaVersion: JSON_SCHEMA_VERSION, command: this.command, exitCode, result: this.pending.result };
    this.pending = undefined;
    this.streams.stdout.write(`${JSON.stringify(doc)}\n`);
  }

  error(error: unknown, exitCode: number, options: { printed?: boolean } = {}): void {
    this.renderer?.finish();
    this.pending = undefined;
    const code = error !== null && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
    const message = error instanceof Error ? error.message : String(error);
    // Where in the input the problem is, as the error says it (it may have come from a worker).
    const where = HokusaiError.isInstance(error) ? locationOf(error) : {};
    if (this.options.json) {
      const doc: JsonDocument = { schemaVersion: JSON_SCHEMA_VERSION, command: this.command, exitCode, error: { code: code ?? 'HOKUSAI_INTERNAL', kind: errorKind(error), message, ...where } };
      this.streams.stdout.write(`${JSON.stringify(doc)}\n`);
    }
    // Commander has printed its own usage errors already.
    if (options.printed === true) return;
    this.streams.stderr.write(`hokusai: ${code ? `${code}: ` : ''}${message}\n`);
    if (this.options.verbose && error instanceof Error && error.stack) this.streams.stderr.write(`${error.stack}\n`);
  }
}

function locationOf(error: HokusaiError): { file?: string; row?: number; column?: string } {
  return {
    ...(error.file === undefined ? {} : { file: error.file }),
    ...(error.row === undefined ? {} : { row: error.row }),
    ...(error.column === undefined ? {} : { column: error.column }),
  };
}
