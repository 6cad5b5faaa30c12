import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ProgressEvent, RunEvent, StepEvent } from '@hokusai/orchestrator';
import { Output, type OutputOptions } from '../src/output.js';
import { ProgressRenderer } from '../src/progress-renderer.js';

const ESC = '\x1b';
/** Control sequences as patterns, built from strings (a literal escape in a regex reads badly). */
const CSI = new RegExp(`^${ESC}\\[([0-9;]*)([A-Za-z])`);
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const ERASE_TWO_BARS = `${ESC}[2A\r${ESC}[J`;

/**
 * Just enough of a terminal to see what a user would: printable characters, carriage return,
 * newline, cursor up (CSI n A), clear to the end of the screen (CSI J) and colors (CSI ... m, no
 * width). Anything else fails the test, so a renderer emitting unexpected controls is caught.
 */
class FakeTerminal {
  readonly isTTY = true;
  rows = 24;
  screen: string[] = [''];
  private row = 0;
  private col = 0;
  raw = '';

  constructor(public columns: number) {}

  write(text: string): boolean {
    this.raw += text;
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (c === ESC) {
        const m = CSI.exec(text.slice(i));
        if (m === null) throw new Error(`unexpected escape at ${JSON.stringify(text.slice(i, i + 8))}`);
        const arg = m[1] === '' ? 1 : Number(m[1]);
        if (m[2] === 'A') this.row = Math.max(0, this.row - arg);
        else if (m[2] === 'J') {
          this.screen[this.row] = (this.screen[this.row] ?? '').slice(0, this.col);
          this.screen.length = this.row + 1;
        } else if (m[2] !== 'm') throw new Error(`unexpected control ${m[0]}`);
        i += m[0].length - 1;
      } else if (c === '\r') this.col = 0;
      else if (c === '\n') {
        this.row++;
        this.col = 0;
        if (this.screen.length <= this.row) this.screen.push('');
      } else {
        const line = (this.screen[this.row] ?? '').padEnd(this.col);
        this.screen[this.row] = line.slice(0, this.col) + c + line.slice(this.col + 1);
        this.col++;
      }
    }
    return true;
  }

  /** The visible lines, colors removed, without the empty line the cursor waits on. */
  lines(): string[] {
    const out = this.screen.map((l) => l.replace(SGR, ''));
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }
}

class PlainStream {
  readonly isTTY = false;
  text = '';
  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

function ev(type: Exclude<StepEvent['type'], 'progress'>, step: string, extra: { durationMs?: number } = {}): RunEvent {
  const stamp = { runId: 'r', step, time: 0 };
  switch (type) {
    case 'step_started':
      return { ...stamp, type, attempt: 1 };
    case 'step_finished':
      return { ...stamp, type, attempt: 1, durationMs: extra.durationMs ?? 0, cpuMs: 0, peakRssMb: 0 };
    case 'step_failed':
    case 'step_retry':
      return { ...stamp, type, attempt: 1, message: '' };
    case 'step_reused':
      return { ...stamp, type };
  }
}
const progress = (step: string, unit: string, done: number, total: number, message?: string): ProgressEvent => ({ type: 'progress', runId: 'r', step, time: 0, unit, done, total, ...(message === undefined ? {} : { message }) });

describe('progress on a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('draws one bar per running step with its counts and redraws them in place', () => {
    const term = new FakeTerminal(100);
    const r = new ProgressRenderer(term, { color: false, now: () => Date.now() });
    r.event(ev('step_started', 'train_baseline'));
    r.event(ev('step_started', 'train_new'));
    expect(term.lines()).toEqual([expect.stringMatching(/^ {2}train_baseline {2}running 0\.0s$/), expect.stringMatching(/^ {2}train_new {2}running 0\.0s$/)]);

    vi.advanceTimersByTime(200);
    r.event(progress('train_new', 'epochs', 1, 5));
    expect(term.lines()[1]).toBe('  train_new [####................] 1/5 epochs  20% 0.2s');

    // 50 ms after the last frame: not drawn yet, but drawn once the interval has passed.
    vi.advanceTimersByTime(50);
    r.event(progress('train_new', 'epochs', 2, 5));
    expect(term.lines()[1]).toContain('1/5 epochs');
    vi.advanceTimersByTime(60);
    expect(term.lines()[1]).toBe('  train_new [########............] 2/5 epochs  40% 0.3s');

    r.event(progress('train_baseline', 'iterations', 37, 37));
    expect(term.lines()[0]).toBe('  train_baseline [####################] 37/37 iterations 100% 0.3s');

    vi.advanceTimersByTime(1200);
    r.event(ev('step_finished', 'train_baseline', { durationMs: 1500 }));
    // The finished step leaves a log line above the one remaining bar; no stale bar is left behind.
    expect(term.lines()).toEqual(['✓ train_baseline (1.50 s)', '  train_new [########............] 2/5 epochs  40% 1.5s']);

    r.event(ev('step_started', 'attest'));
    r.event(progress('attest', 'rows', 1_234_567, 2_000_000));
    r.event(ev('step_finished', 'train_new', { durationMs: 2000 }));
    expect(term.lines()).toEqual(['✓ train_baseline (1.50 s)', '✓ train_new (2.00 s)', '  attest [############........] 1,234,567/2,000,000 rows  61% 0.0s']);

    // With no events at all, the bars are redrawn once a second (ticks at 2 s and 3 s here) so elapsed times move.
    vi.advanceTimersByTime(2000);
    expect(term.lines()[2]).toBe('  attest [############........] 1,234,567/2,000,000 rows  61% 1.5s');

    r.event({ type: 'run_finished', runId: 'r', time: 0 });
    expect(term.lines()).toEqual(['✓ train_baseline (1.50 s)', '✓ train_new (2.00 s)']);
    expect(vi.getTimerCount()).toBe(0);
    // Redrawn in place: the cursor went back up over the bars instead of printing them again below.
    expect(term.raw).toContain(ERASE_TWO_BARS);
    expect(term.raw).not.toMatch(SGR);
  });

  it('keeps every line within the terminal width, cutting the words and not the bar', () => {
    const term = new FakeTerminal(70);
    const r = new ProgressRenderer(term, { color: true, now: () => Date.now() });
    r.event(ev('step_started', 'attest'));
    r.event(progress('attest', 'proof phases', 3, 5, 'prove: chunk 1 of 4 (rows 0..1023), with a message far too long for one line'));
    vi.advanceTimersByTime(100);
    const [line] = term.lines();
    expect(line?.length).toBe(69);
    expect(line).toMatch(/^ {2}attest █{12}░{8} 3\/5 proof phases {2}60% 0\.1s {2}prove: .*…$/);
    // Colors only for the bar, and only because the terminal may have them.
    expect(term.raw).toContain(`${ESC}[32m`);
  });

  it("hides snarkjs' narration (multiexp rounds, the circuit hash over several lines) unless --verbose", () => {
    const quiet = new PlainStream();
    const r = new ProgressRenderer(quiet, { color: false });
    r.event(progress('attest', 'proof phases', 3, 5, 'prove: snarkjs: Multiexp end: multiexp H: 0/8192'));
    r.event(progress('zk setup', 'phases', 2, 5, 'zkey: snarkjs: Circuit hash: \n\t\t3a9f01b2 77c0e1aa'));
    expect(quiet.text).toBe('  attest: 3/5 proof phases (60%) — prove\n  zk setup: 2/5 phases (40%) — zkey\n');
    const verbose = new PlainStream();
    const v = new ProgressRenderer(verbose, { color: false, verbose: true });
    v.event(progress('attest', 'proof phases', 3, 5, 'prove: snarkjs: Multiexp end: multiexp H: 0/8192'));
    expect(verbose.text).toContain('Multiexp end');
  });

  it('with a plan, numbers the steps, gives an ETA, and leaves out steps that do nothing', () => {
    const out = new PlainStream();
    let now = 0;
    const r = new ProgressRenderer(out, { color: false, now: () => now });
    r.setPlan({ totalSteps: 3, hidden: (step) => step.startsWith('search') });
    r.event(ev('step_started', 'load_base'));
    now = 2000;
    r.event(ev('step_finished', 'load_base', { durationMs: 2000 }));
    r.event(ev('step_started', 'search_plan'));
    r.event(ev('step_finished', 'search_plan', { durationMs: 1 }));
    r.event(ev('step_reused', 'integrate'));
    r.event(ev('step_started', 'report'));
    r.event(ev('step_finished', 'report', { durationMs: 1000 }));
    expect(out.text.split('\n').filter(Boolean)).toEqual([
      '… step 1/3 load_base',
      '✓ step 1/3 load_base (2.00 s, ETA ~4 s)',
      '↺ step 2/3 integrate (reused from the run store)',
      '… step 3/3 report',
      '✓ step 3/3 report (1.00 s)',
    ]);
  });

  it('shows a foreach step once with its branch count and sums up bars beyond the screen', () => {
    const term = new FakeTerminal(80);
    term.rows = 5;
    const r = new ProgressRenderer(term, { color: false, now: () => Date.now() });
    for (let i = 0; i < 3; i++) r.event(ev('step_started', 'search_trial'));
    for (const s of ['a', 'b', 'c', 'd']) r.event(ev('step_started', s));
    const lines = term.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {2}search_trial ×3 {2}running/);
    expect(lines[2]).toBe('  … and 3 more running');
  });
});

describe('progress without a terminal', () => {
  it('writes plain lines, at most one per step per second plus the final one, with no control characters', () => {
    let now = 0;
    const out = new PlainStream();
    const r = new ProgressRenderer(out, { color: true, now: () => now });
    r.event(ev('step_started', 'train_new'));
    r.event(progress('train_new', 'epochs', 0, 5));
    now = 300;
    r.event(progress('train_new', 'epochs', 1, 5));
    now = 1100;
    r.event(progress('train_new', 'epochs', 2, 5));
    now = 1200;
    r.event(progress('train_new', 'epochs', 3, 5));
    r.event(progress('load_base', 'rows', 1_000_000, 1_000_000));
    now = 1300;
    r.event(progress('train_new', 'epochs', 5, 5));
    r.event(ev('step_finished', 'train_new', { durationMs: 1300 }));
    expect(out.text.split('\n')).toEqual([
      '… train_new',
      '  train_new: 0/5 epochs (0%)',
      '  train_new: 2/5 epochs (40%)',
      '  load_base: 1,000,000/1,000,000 rows (100%)',
      '  train_new: 5/5 epochs (100%)',
      '✓ train_new (1.30 s)',
      '',
    ]);
    expect(out.text).not.toContain(ESC);
    expect(out.text).not.toContain('\r');
  });

  it('with --verbose writes every progress event, with its message', () => {
    const out = new PlainStream();
    const r = new ProgressRenderer(out, { color: false, verbose: true, now: () => 0 });
    r.event(progress('attest', 'proof phases', 0, 5, 'circuit: compiling'));
    r.event(progress('attest', 'proof phases', 1, 5, 'circuit done: compiling'));
    expect(out.text).toBe('  attest: 0/5 proof phases (0%) — circuit: compiling\n  attest: 1/5 proof phases (20%) — circuit done: compiling\n');
  });
});

describe('Output', () => {
  const options = (o: Partial<OutputOptions>): (() => OutputOptions) => () => ({ json: false, quiet: false, verbose: false, color: true, ...o });

  it('--quiet silences progress and logs, and --json keeps stdout one JSON line', () => {
    const term = new FakeTerminal(80);
    const stdout = new PlainStream();
    const quiet = new Output(options({ quiet: true }), { stdout, stderr: term });
    quiet.event(ev('step_started', 'train_new'));
    quiet.event(progress('train_new', 'epochs', 1, 5));
    quiet.log('hello');
    expect(term.raw).toBe('');

    const json = new Output(options({ json: true }), { stdout, stderr: term });
    json.event(ev('step_started', 'train_new'));
    json.event(progress('train_new', 'epochs', 5, 5));
    expect(term.lines()).toHaveLength(1);
    json.command = 'run';
    json.result({ accepted: true, delta_one: 2 }, 'text');
    // The document waits for the exit code the command sets after its result.
    expect(stdout.text).toBe('');
    json.flush(1);
    expect(stdout.text).toBe('{"schemaVersion":1,"command":"run","exitCode":1,"result":{"accepted":true,"deltaOne":2}}\n');
    // The result clears the bars first.
    expect(term.lines()).toEqual([]);
  });

  it('--no-color draws bars without color codes on a terminal', () => {
    const term = new FakeTerminal(80);
    const out = new Output(options({ color: false }), { stdout: new PlainStream(), stderr: term });
    out.event(ev('step_started', 'train_new'));
    out.event(progress('train_new', 'epochs', 5, 5));
    out.event(ev('step_finished', 'train_new', { durationMs: 10 }));
    expect(term.raw).toContain('[####################] 5/5 epochs');
    expect(term.raw).not.toMatch(SGR);
  });
});

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));

async function hokusai(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('hokusai run reports training and proving progress', () => {
  const inputs = ['--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id', '--model', 'mlp'];
  let work: string;
  let verbose: { code: number; stdout: string; stderr: string };
  let quiet: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-progress-'));
    verbose = await hokusai(['--verbose', '--json', 'run', ...inputs, '--out', join(work, 'verbose'), '--store', join(work, 'store-v')]);
    quiet = await hokusai(['--quiet', '--json', 'run', ...inputs, '--out', join(work, 'quiet'), '--store', join(work, 'store-q')]);
  }, 300_000);

  it('logs epoch and proof-phase progress events that only move forward and end complete', async () => {
    expect(verbose.code).toBe(0);
    const events = (await readFile(join(work, 'verbose', 'logs', 'events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    for (const step of ['train_baseline', 'train_new', 'attest']) {
      const p = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === step);
      expect(p.length, step).toBeGreaterThanOrEqual(2);
      expect(new Set(p.map((e) => e.unit))).toEqual(new Set([step === 'attest' ? 'proof phases' : 'epochs']));
      for (let i = 1; i < p.length; i++) expect(p[i]?.done).toBeGreaterThanOrEqual(p[i - 1]?.done ?? Number.NaN);
      const last = p.at(-1);
      expect(last?.done).toBe(last?.total);
    }
    // The default mlp trains 5 epochs; one chunk of the 1,000-row benchmark: circuit, setup, witness, prove, verify.
    expect(events.filter((e) => e.type === 'progress' && e.step === 'train_new').at(-1)).toMatchObject({ done: 5, total: 5 });
    expect(events.filter((e) => e.type === 'progress' && e.step === 'attest').at(-1)).toMatchObject({ done: 5, total: 5 });
  });

  it('prints them as plain lines on a pipe, keeps stdout one JSON document, and --quiet prints nothing', () => {
    expect(verbose.stderr).toMatch(/^ {2}train_new: 5\/5 epochs \(100%\)$/m);
    expect(verbose.stderr).toMatch(/^ {2}attest: 5\/5 proof phases \(100%\) — verify done: chunk 1 of 1/m);
    expect(verbose.stderr).not.toContain(ESC);
    expect(verbose.stdout.trim().split('\n')).toHaveLength(1);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('leaves the attestation as it was: same body with or without anyone watching, and it verifies', async () => {
    const body = async (dir: string): Promise<string> => JSON.stringify((JSON.parse(await readFile(join(work, dir, 'attestation.json'), 'utf8')) as { body: unknown }).body);
    expect(await body('verbose')).toBe(await body('quiet'));
    const verified = await hokusai(['verify', join(work, 'verbose')]);
    expect(verified.code).toBe(0);
    // An mlp is outside the inference circuit: the run states why inference is not proven, and
    // verify passes without any flag, with that note.
    expect(verified.stdout).toMatch(/ok +inference proof — inference not proven for mlp: the circuit covers the linear family \(logistic_regression\) only/);
    const attested = JSON.parse(await readFile(join(work, 'verbose', 'attestation.json'), 'utf8')) as { body: { results: { inference: unknown } } };
    expect(attested.body.results.inference).toMatchObject({ status: 'not_proven', reason: 'inference not proven for mlp: the circuit covers the linear family (logistic_regression) only', benchmark_commitment: null, registered: null, statement_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const report = JSON.parse(await readFile(join(work, 'verbose', 'report.json'), 'utf8')) as { context: { proof: { does_not_cover: string[] } } };
    expect(report.context.proof.does_not_cover).toContain('Inference cannot be proven yet for mlp: the inference circuit covers the linear family (logistic_regression) only.');
  }, 120_000);
});
