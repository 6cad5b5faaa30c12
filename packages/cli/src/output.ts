import type { RunEvent } from '@hokusai/orchestrator';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/**
 * Where a command's words go: with --json exactly one JSON document on stdout and logs on
 * stderr; otherwise human text on stdout and progress lines on stderr.
 */
export class Output {
  constructor(private readonly read: () => OutputOptions) {}

  get options(): OutputOptions {
    return this.read();
  }

  log(message: string): void {
    if (!this.options.quiet) process.stderr.write(`${message}\n`);
  }

  /** On a terminal, progress redraws one line as a bar; elsewhere it prints plain lines. */
  private progressLine = false;

  private clearProgress(): void {
    if (this.progressLine) {
      process.stderr.write('\r\x1b[2K');
      this.progressLine = false;
    }
  }

  event(event: RunEvent): void {
    if (this.options.quiet) return;
    if (event.type === 'progress' && process.stderr.isTTY && event.total !== undefined && event.total > 0) {
      const share = Math.min(1, (event.done ?? 0) / event.total);
      const width = 24;
      const filled = Math.round(share * width);
      process.stderr.write(`\r\x1b[2K  ${event.step ?? ''} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${event.unit ?? ''}`);
      this.progressLine = true;
      return;
    }
    this.clearProgress();
    if (event.type === 'step_started') this.log(`… ${event.step}${(event.attempt ?? 1) > 1 ? ` (attempt ${event.attempt})` : ''}`);
    else if (event.type === 'step_finished') this.log(`✓ ${event.step} (${((event.durationMs ?? 0) / 1000).toFixed(2)} s)`);
    else if (event.type === 'step_reused') this.log(`↺ ${event.step} (reused from the run store)`);
    else if (event.type === 'step_failed') this.log(`✗ ${event.step}: ${event.message ?? ''}`);
    else if (event.type === 'step_retry') this.log(`↻ ${event.step}: ${event.message ?? ''}; retrying`);
    else if (this.options.verbose && event.type === 'progress') this.log(`  ${event.step}: ${event.done ?? ''}/${event.total ?? ''} ${event.unit ?? ''}`);
  }

  result(data: unknown, text: string): void {
    if (this.options.json) process.stdout.write(`${JSON.stringify(data)}\n`);
    else if (!this.options.quiet) process.stdout.write(`${text}\n`);
  }

  error(error: unknown, exitCode: number): void {
    const code = error !== null && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
    const message = error instanceof Error ? error.message : String(error);
    if (this.options.json) process.stdout.write(`${JSON.stringify({ error: { code: code ?? 'HOKUSAI_INTERNAL', message }, exitCode })}\n`);
    process.stderr.write(`hokusai: ${code ? `${code}: ` : ''}${message}\n`);
    if (this.options.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
}
