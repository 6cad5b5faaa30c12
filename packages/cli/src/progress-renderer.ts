import type { ProgressEvent, RunEvent } from '@hokusai/orchestrator';

/** Where progress goes: process.stderr, or anything shaped like it. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  rows?: number | undefined;
}

export interface ProgressRendererOptions {
  /** Colors on a terminal (no --no-color, no NO_COLOR). Ignored when the stream is not a terminal. */
  color: boolean;
  /** Plain lines for every progress event instead of at most one per step per second. */
  verbose?: boolean;
  /** Milliseconds clock; tests pass their own. */
  now?: () => number;
}

/** What the renderer knows about the run ahead: its step count, and steps not worth showing. */
export interface RunPlan {
  /** Steps the run will run or reuse; finished lines then say "step 4/10" and an ETA. */
  totalSteps: number;
  /** Steps that do nothing in this run (the search steps when no search is configured). */
  hidden?: (step: string) => boolean;
}

/** A terminal redraws its bars at most this often; the rest wait for the next frame. */
export const REDRAW_INTERVAL_MS = 100;
/** Without a terminal, one progress line per step per this long, plus each step's final one. */
export const LINE_INTERVAL_MS = 1000;
/** While bars are up, they are redrawn this often even without events, so elapsed times keep moving. */
export const TICK_INTERVAL_MS = 1000;
/** Bars drawn at once; further running steps are summed up in one line. */
const MAX_BARS = 8;
const BAR_WIDTH = 20;

interface StepBar {
  step: string;
  /** Branches of the step running now (a foreach step runs several under one name). */
  running: number;
  started: number;
  unit?: string | undefined;
  done?: number | undefined;
  total?: number | undefined;
  message?: string | undefined;
}

const ESC = '\x1b[';
/** A color code (Select Graphic Rendition), to measure a line's visible width. */
const SGR = new RegExp(`${ESC.replace('[', '\\[')}[0-9;]*m`, 'g');
const paint = (on: boolean, code: string, text: string): string => (on && text !== '' ? `${ESC}${code}m${text}${ESC}0m` : text);

/** 1234567 -> "1,234,567": row counts are read at a glance. */
export function groupDigits(value: number): string {
  const whole = Math.round(value);
  const sign = whole < 0 ? '-' : '';
  const digits = String(Math.abs(whole));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i] as string;
  }
  return sign + out;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/**
 * Turns run events into progress on stderr. On a terminal: one live bar per running step, redrawn
 * in place (cursor up, clear, draw) at most every REDRAW_INTERVAL_MS, with log lines printed above
 * the bars. Elsewhere (CI, pipes, files): plain lines, at most one progress line per step per
 * LINE_INTERVAL_MS plus the one that completes it, and no control characters at all.
 */
export class ProgressRenderer {
  private readonly bars = new Map<string, StepBar>();
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly now: () => number;
  /** Bar lines on screen below the last log line. */
  private drawn = 0;
  private lastDraw = -Infinity;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Plain mode: when each step last printed a progress line, and what it said. */
  private readonly lastLine = new Map<string, { at: number; text: string }>();
  private plan: RunPlan | undefined;
  /** Step number of each step seen, in the order they started (reused steps count). */
  private readonly numbers = new Map<string, number>();
  private finishedSteps = 0;
  /** Wall time of the steps that ran (not reused): the ETA's rate. */
  private ranMs = 0;
  private ranSteps = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressRendererOptions,
  ) {
    this.tty = stream.isTTY === true;
    this.color = this.tty && options.color;
    this.now = options.now ?? (() => performance.now());
  }

  /** A log line: on a terminal it goes above the bars, which are drawn again below it. */
  line(text: string): void {
    if (!this.tty) {
      this.stream.write(`${text}\n`);
      return;
    }
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
    this.stream.write(`${this.eraseCode()}${text}\n${this.barsText()}`);
    this.lastDraw = this.now();
  }

  /** Sets what the run ahead looks like; without a plan, steps are shown by name only. */
  setPlan(plan: RunPlan): void {
    this.plan = plan;
  }

  /** "step 4/10 " once a plan is set, else "". */
  private numbered(step: string): string {
    if (this.plan === undefined) return '';
    let n = this.numbers.get(step);
    if (n === undefined) {
      n = this.numbers.size + 1;
      this.numbers.set(step, n);
    }
    return `step ${Math.min(n, this.plan.totalSteps)}/${this.plan.totalSteps} `;
  }

  /** ", about 12 s left" from the average time of the steps run so far, once a plan is set. */
  private eta(): string {
    if (this.plan === undefined || this.ranSteps === 0) return '';
    const left = this.plan.totalSteps - this.finishedSteps;
    if (left <= 0) return '';
    const ms = (this.ranMs / this.ranSteps) * left;
    return `, ETA ~${ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`}`;
  }

  event(event: RunEvent): void {
    if ('step' in event && this.plan?.hidden?.(event.step) === true) return;
    switch (event.type) {
      case 'run_started':
        return;
      case 'run_finished':
      case 'run_failed':
        this.finish();
        return;
    }
    const { step } = event;
    switch (event.type) {
      case 'step_started': {
        const bar = this.bars.get(step);
        const label = `${this.numbered(step)}${step}`;
        if (bar === undefined) this.bars.set(step, { step: label, running: 1, started: this.now() });
        else bar.running++;
        this.tick();
        // A terminal shows the new bar; elsewhere the start is a line of its own.
        if (this.tty) this.redraw(true);
        else if (bar === undefined || this.options.verbose === true) this.line(`… ${label}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
        return;
      }
      case 'step_finished': {
        const last = this.stepEnded(step);
        if (!last) return;
        this.finishedSteps++;
        this.ranSteps++;
        this.ranMs += event.durationMs;
        this.line(`${paint(this.color, '32', '✓')} ${this.numbered(step)}${step} (${(event.durationMs / 1000).toFixed(2)} s${this.eta()})`);
        return;
      }
      case 'step_failed':
        this.stepEnded(step);
        this.line(`${paint(this.color, '31', '✗')} ${this.numbered(step)}${step}: ${event.message}`);
        return;
      case 'step_retry':
        this.line(`${paint(this.color, '33', '↻')} ${step}: ${event.message}; retrying`);
        return;
      case 'step_reused':
        this.finishedSteps++;
        this.line(`↺ ${this.numbered(step)}${step} (reused from the run store)`);
        return;
      case 'progress':
        this.progress(step, event);
        return;
    }
  }

  /** Takes the bars off the screen and stops any pending redraw (before a result or an error is printed). */
  finish(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
    this.bars.clear();
    this.tick();
    if (this.tty && this.drawn > 0) this.stream.write(this.eraseCode());
  }

  /** Ends one branch of a step; true when it was the step's last running branch (or unknown). */
  private stepEnded(step: string): boolean {
    const bar = this.bars.get(step);
    if (bar === undefined) return true;
    bar.running--;
    const last = bar.running <= 0;
    if (last) this.bars.delete(step);
    this.tick();
    return last || this.plan === undefined;
  }

  /** Keeps a slow redraw going exactly while there are bars on a terminal. */
  private tick(): void {
    const wanted = this.tty && this.bars.size > 0;
    if (wanted && this.ticker === undefined) {
      this.ticker = setInterval(() => this.redraw(false), TICK_INTERVAL_MS);
      // The ticker never keeps the process alive.
      this.ticker.unref?.();
    } else if (!wanted && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private progress(step: string, raw: ProgressEvent): void {
    // snarkjs narrates its internals (multiexp rounds, the circuit hash over several lines): the
    // phase before it is what a person follows; --verbose keeps the narration.
    const noise = this.options.verbose !== true && raw.message !== undefined ? raw.message.indexOf('snarkjs:') : -1;
    const phase = noise < 0 ? '' : (raw.message ?? '').slice(0, noise).replace(/[\s:]+$/, '');
    const { message: _narration, ...bare } = raw;
    const event: ProgressEvent = noise < 0 ? raw : phase === '' ? bare : { ...bare, message: phase };
    const counted = event.total !== undefined && event.total > 0 && event.done !== undefined;
    if (!this.tty) {
      this.plainProgress(step, event, counted);
      return;
    }
    let bar = this.bars.get(step);
    if (bar === undefined) {
      // Progress from a step whose start this process did not see (a resumed or remote run).
      bar = { step, running: 1, started: this.now() };
      this.bars.set(step, bar);
      this.tick();
    }
    if (counted) {
      bar.unit = event.unit;
      bar.done = event.done;
      bar.total = event.total;
    }
    if (event.message !== undefined) bar.message = event.message;
    else if (counted) bar.message = undefined;
    this.redraw(counted && (event.done as number) >= (event.total as number));
  }

  private plainProgress(step: string, event: ProgressEvent, counted: boolean): void {
    const message = event.message === undefined ? '' : ` — ${event.message}`;
    if (!counted) {
      if (event.message !== undefined) this.line(`  ${step}: ${event.message}`);
      return;
    }
    const done = event.done as number;
    const total = event.total as number;
    const text = `  ${step}: ${groupDigits(done)}/${groupDigits(total)} ${event.unit ?? ''} (${Math.floor(Math.min(1, done / total) * 100)}%)${message}`;
    const now = this.now();
    const last = this.lastLine.get(step);
    const final = done >= total;
    const due = last === undefined || this.options.verbose === true || now - last.at >= LINE_INTERVAL_MS;
    if (last?.text === text || !(final || due)) return;
    this.lastLine.set(step, { at: now, text });
    this.stream.write(`${text}\n`);
  }

  /** Draws now if the last frame is old enough (or `force`), else once the interval has passed. */
  private redraw(force: boolean): void {
    const wait = this.lastDraw + REDRAW_INTERVAL_MS - this.now();
    if (!force && wait > 0) {
      if (this.pending === undefined) {
        this.pending = setTimeout(() => {
          this.pending = undefined;
          this.redraw(true);
        }, wait);
        // A pending frame never keeps the process alive.
        this.pending.unref?.();
      }
      return;
    }
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
    this.stream.write(`${this.eraseCode()}${this.barsText()}`);
    this.lastDraw = this.now();
  }

  /** Moves the cursor up over the bars and clears from there down; sets drawn to 0. */
  private eraseCode(): string {
    const n = this.drawn;
    this.drawn = 0;
    return n === 0 ? '' : `${ESC}${n}A\r${ESC}J`;
  }

  /** The bar lines, each ending in a newline and never wider than the terminal; sets drawn. */
  private barsText(): string {
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const rows = this.stream.rows === undefined ? MAX_BARS : Math.max(1, Math.min(MAX_BARS, this.stream.rows - 2));
    const all = [...this.bars.values()];
    const shown = all.length > rows ? all.slice(0, rows - 1) : all;
    const lines = shown.map((bar) => this.barLine(bar, width));
    if (shown.length < all.length) lines.push(this.fit(`  … and ${all.length - shown.length} more running`, width));
    this.drawn = lines.length;
    return lines.map((l) => `${l}\n`).join('');
  }

  private barLine(bar: StepBar, width: number): string {
    const name = `  ${bar.step}${bar.running > 1 ? ` ×${bar.running}` : ''}`;
    const elapsed = seconds(this.now() - bar.started);
    if (bar.total === undefined || bar.done === undefined) {
      return this.fit(`${name}  ${paint(this.color, '2', 'running')} ${elapsed}${bar.message === undefined ? '' : `  ${bar.message}`}`, width);
    }
    const share = Math.min(1, Math.max(0, bar.done / bar.total));
    const filled = Math.round(share * BAR_WIDTH);
    const graph = this.color ? `${paint(true, '32', '█'.repeat(filled))}${paint(true, '2', '░'.repeat(BAR_WIDTH - filled))}` : `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const graphWidth = this.color ? BAR_WIDTH : BAR_WIDTH + 2;
    const counts = ` ${groupDigits(bar.done)}/${groupDigits(bar.total)} ${bar.unit ?? ''} ${String(Math.floor(share * 100)).padStart(3)}% ${elapsed}`;
    const head = `${name} `;
    const tail = `${counts}${bar.message === undefined ? '' : `  ${bar.message}`}`;
    // Cut the words at the end, never the bar, so the line stays one terminal row.
    const room = width - head.length - graphWidth;
    const text = tail.length <= room ? tail : room > 1 ? `${tail.slice(0, room - 1)}…` : '';
    return `${head}${graph}${text}`;
  }

  /** Shortens a line to `width` visible characters (dropping its colors if it must be cut). */
  private fit(text: string, width: number): string {
    const plain = text.replace(SGR, '');
    return plain.length <= width ? text : `${plain.slice(0, width - 1)}…`;
  }
}
