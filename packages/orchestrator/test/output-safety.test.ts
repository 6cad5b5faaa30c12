import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';
import { writeOutputFolder } from '../src/flow/output-folder.js';
import { lockOutputFolder } from '../src/flow/output-lock.js';
import { processAlive, processStartTicks } from '../src/engine/process-alive.js';
const OUTPUT_MARKER = '.hokusai-output';
import { RunStore, resumePipeline, runPipeline, runState, verifyRun, type PipelineConfigInput } from '../src/index.js';

const config = (out: string, extra: Partial<PipelineConfigInput> = {}): PipelineConfigInput => quickstartConfig(out, { delta: { bootstrapResamples: 100 }, ...extra });
const child = fileURLToPath(new URL('./fixtures/pipeline-child.mjs', import.meta.url));

/** Every file under a folder, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

/** Copies the example inputs into a folder of their own, so tests may damage them. */
async function ownInputs(dir: string): Promise<Partial<PipelineConfigInput>> {
  await mkdir(dir, { recursive: true });
  for (const f of ['base.csv', 'contributed.csv', 'benchmark.csv']) await copyFile(join(QUICKSTART, f), join(dir, f));
  return { base: join(dir, 'base.csv'), contributed: join(dir, 'contributed.csv'), benchmark: join(dir, 'benchmark.csv') };
}

/** Runs the pipeline in a child started in `cwd` and SIGKILLs it once `step` has finished. */
function runInAndKillAfter(cwd: string, cfg: PipelineConfigInput, store: string, step: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, JSON.stringify(cfg), store], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let runId: string | undefined;
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { type: string; step?: string; runId?: string };
      runId ??= event.runId;
      if (event.type === 'step_finished' && event.step === step) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('exit', () => resolve(runId));
  });
}

/** Mounts a tmpfs of the given size, or says why it cannot (not root, no mount permission). */
function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}); the disk-full case needs one`;
  }
}

describe('output folders: never another folder, one writer at a time', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-out-'));
  });

  it('--overwrite refuses a folder without the Hokusai marker and leaves it untouched', async () => {
    const mine = join(work, 'mydocs');
    await mkdir(mine);
    await writeFile(join(mine, 'thesis.txt'), 'years of work');
    await expect(runPipeline(config(mine, { overwrite: true }), { store: join(work, 'store-a') })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_NOT_REPLACEABLE' });
    expect(await tree(mine)).toEqual(['thesis.txt']);
  });

  it('--overwrite refuses a folder holding an input or the run store, even one carrying the marker', async () => {
    const folder = join(work, 'project');
    const inputs = await ownInputs(join(folder, 'data'));
    await writeFile(join(folder, OUTPUT_MARKER), '{"hokusai_output":1,"run_id":"x"}\n');
    const before = await tree(folder);
    await expect(runPipeline(config(folder, { ...inputs, overwrite: true }), { store: join(work, 'store-b') })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_NOT_REPLACEABLE', message: expect.stringContaining('holds the input') });
    await expect(runPipeline(config(folder, { overwrite: true }), { store: join(folder, 'store') })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_NOT_REPLACEABLE', message: expect.stringContaining('run store') });
    expect(await tree(folder)).toEqual(before);
  });

  it('--overwrite replaces an earlier Hokusai output, which carries the marker', async () => {
    const out = join(work, 'out-replace');
    const store = join(work, 'store-c');
    await runPipeline(config(out), { store });
    expect(existsSync(join(out, OUTPUT_MARKER))).toBe(true);
    await writeFile(join(out, 'stale.txt'), 'from before');
    await runPipeline(config(out, { overwrite: true }), { store });
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    // Without a proof every check can pass while nothing is proven; the verification says so.
    expect(await verifyRun(out)).toMatchObject({ ok: true, proven: { counts: false, inference: false } });
    expect(readdirSync(work).filter((n) => n.includes('.partial-') || n.includes('.old-') || n.endsWith('.lock'))).toEqual([]);
  }, 120_000);

  it('a folder locked by a live process is refused; a lock left by a dead process is taken over', async () => {
    const out = join(work, 'out-locked');
    await writeFile(`${out}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), runId: 'other', token: 'other', startedAt: '' }));
    await expect(runPipeline(config(out), { store: join(work, 'store-d') })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_LOCKED', message: expect.stringContaining(String(process.pid)) });
    expect(existsSync(out)).toBe(false);
    const dead = spawn(process.execPath, ['-e', '']);
    const pid = dead.pid as number;
    await new Promise((resolve) => dead.on('exit', resolve));
    await writeFile(`${out}.lock`, JSON.stringify({ pid, host: hostname(), runId: 'other', token: 'other', startedAt: '' }));
    await runPipeline(config(out), { store: join(work, 'store-d') });
    expect((await verifyRun(out)).ok).toBe(true);
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 120_000);

  it('a lock naming a live pid that started at another time (the pid reused) is taken over; the same start is refused', async () => {
    const ticks = processStartTicks(process.pid);
    // Only where the system tells a process's start (Linux' /proc).
    if (ticks === null) return;
    const out = join(work, 'out-reused');
    const lock = (startTicks: number): string => JSON.stringify({ pid: process.pid, host: hostname(), startTicks, runId: 'other', token: 'other', startedAt: '' });
    await writeFile(`${out}.lock`, lock(ticks));
    await expect(runPipeline(config(out), { store: join(work, 'store-r') })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_LOCKED' });
    await writeFile(`${out}.lock`, lock(ticks + 1));
    await runPipeline(config(out), { store: join(work, 'store-r') });
    expect((await verifyRun(out)).ok).toBe(true);
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 120_000);

  it('the lock a run holds names its pid, host and start time', async () => {
    const out = join(work, 'out-held');
    const release = await lockOutputFolder(out, 'held');
    try {
      const held = JSON.parse(await readFile(`${out}.lock`, 'utf8')) as Record<string, unknown>;
      expect(held).toMatchObject({ pid: process.pid, host: hostname(), runId: 'held' });
      const ticks = processStartTicks(process.pid);
      if (ticks !== null) expect(held.startTicks).toBe(ticks);
    } finally {
      await release();
    }
    expect(existsSync(`${out}.lock`)).toBe(false);
  });


  it('a lock whose holder has exited but is not yet reaped (a zombie) is taken over, and its run reads as interrupted', async (ctx) => {
    // Only where /proc tells a process's state.
    if (processStartTicks(process.pid) === null) ctx.skip();
    // A parent that never reaps its child: the child stays a zombie while the parent sleeps. The
    // parent tells the child's pid once the child has exited (its state Z), not before.
    const script = ['import os, time', 'pid = os.fork()', 'if pid == 0: os._exit(0)', "while open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[0] != 'Z': time.sleep(0.01)", 'print(pid, flush=True)', 'time.sleep(60)'].join('\n');
    const parent = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve)));
      // Signals still reach a zombie's id: only its state tells it has ended.
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(processAlive(pid)).toBe(false);
      const owner = { pid, host: hostname(), startTicks: processStartTicks(pid) as number };
      expect(runState({ status: 'running', owner } as never)).toBe('interrupted');
      const out = join(work, 'out-zombie');
      await writeFile(`${out}.lock`, JSON.stringify({ ...owner, runId: 'other', token: 'other', startedAt: '' }));
      const started = Date.now();
      const release = await lockOutputFolder(out, 'after-zombie');
      // Taken over at once, not after waiting for a live holder.
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(JSON.parse(await readFile(`${out}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, runId: 'after-zombie' });
      await release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('a lock whose holder was killed a moment ago is taken over while the system still frees its memory; a live holder is refused', async () => {
    const out = join(work, 'out-killed-holder');
    // A holder with 1 GB of memory written to: ending it takes the system a while.
    const holder = spawn(process.execPath, ['-e', `const b = Buffer.alloc(${1 << 30}, 1); console.log(b[5]); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<string>((resolve) => createInterface({ input: holder.stdout as NodeJS.ReadableStream }).once('line', resolve));
    const pid = holder.pid as number;
    const owner = { pid, host: hostname(), ...(processStartTicks(pid) === null ? {} : { startTicks: processStartTicks(pid) }), runId: 'other', token: 'killed', startedAt: '' };
    await writeFile(`${out}.lock`, JSON.stringify(owner));
    const refusedAfter = Date.now();
    await expect(lockOutputFolder(out, 'too-early')).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_LOCKED', message: expect.stringContaining(String(pid)) });
    // A live holder is watched for a while before the run gives up.
    expect(Date.now() - refusedAfter).toBeGreaterThanOrEqual(1_900);
    holder.kill('SIGKILL');
    const release = await lockOutputFolder(out, 'after-kill');
    expect(JSON.parse(await readFile(`${out}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, runId: 'after-kill' });
    await release();
  }, 30_000);
  it('removes the staging folder a killed writer left, and no one else\'s', async () => {
    const out = join(work, 'out-abandoned');
    const dead = spawn(process.execPath, ['-e', '']);
    const pid = dead.pid as number;
    await new Promise((resolve) => dead.on('exit', resolve));
    const abandoned = `${out}.partial-hk-1-${pid}-0123abcd`;
    const live = `${out}.partial-hk-1-${process.pid}-89abcdef`;
    await mkdir(abandoned);
    await mkdir(live);
    await writeOutputFolder(out, { 'a.txt': 'a' }, { overwrite: false, runId: 'hk-1' });
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live)).toBe(true);
    await rm(live, { recursive: true });
  });

  it('two writers of one folder with the same run id never share a staging folder', async () => {
    const out = join(work, 'out-staging');
    const slow = (tag: string) => async (staging: string): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(join(staging, 'who.txt'), tag);
    };
    const files = (tag: string): Record<string, string> => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, tag]));
    const results = await Promise.allSettled([
      writeOutputFolder(out, files('A'), { overwrite: true, runId: 'same', fill: slow('A') }),
      writeOutputFolder(out, files('B'), { overwrite: true, runId: 'same', fill: slow('B') }),
    ]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const who = await readFile(join(out, 'who.txt'), 'utf8');
    const names = await tree(out);
    expect(names).toHaveLength(22);
    for (const name of names.filter((n) => n.startsWith('f'))) expect(await readFile(join(out, name), 'utf8'), name).toBe(who);
  });
});

describe('resume writes where the run said and checks what it reuses', () => {
  let work: string;
  let inputs: Partial<PipelineConfigInput>;
  let store: string;
  let runId: string;
  let out: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-resume-'));
    inputs = await ownInputs(join(work, 'inputs'));
    const started = join(work, 'started-here');
    await mkdir(started);
    store = join(work, 'store');
    // A relative --out, killed half-way: resume must write to started-here/out, not ./out.
    runId = (await runInAndKillAfter(started, config('out', inputs), store, 'train_baseline')) as string;
    out = join(started, 'out');
  }, 120_000);

  it('records absolute paths and resumes into them from any working folder', async () => {
    const record = await new RunStore(store).readRun(runId);
    expect((record.params as { config: { out: string } }).config.out).toBe(out);
    const result = await resumePipeline(runId, { store });
    expect(result.out).toBe(out);
    expect((await verifyRun(out)).ok).toBe(true);
    expect(existsSync(join(process.cwd(), 'out'))).toBe(false);
    // Its own output may be written again without --overwrite.
    await resumePipeline(runId, { store });
  }, 120_000);

  it('refuses to resume into a folder that is not this run\'s output', async () => {
    const other = join(work, 'other-store');
    const otherOut = join(work, 'theirs');
    const id = (await runInAndKillAfter(work, config(otherOut, inputs), other, 'train_baseline')) as string;
    await mkdir(otherOut);
    await writeFile(join(otherOut, 'notes.txt'), 'mine');
    await expect(resumePipeline(id, { store: other })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_EXISTS' });
    await expect(resumePipeline(id, { store: other, overwrite: true })).rejects.toMatchObject({ code: 'HOKUSAI_OUTPUT_NOT_REPLACEABLE' });
    expect(await tree(otherOut)).toEqual(['notes.txt']);
  }, 120_000);

  it('refuses swapped step outputs, an edited run.json and a changed input', async () => {
    const s = new RunStore(store);
    const steps = join(store, 'runs', runId, 'steps');
    const runJson = join(store, 'runs', runId, 'run.json');
    const original = { base: await readFile(join(steps, 'load_base.json'), 'utf8'), bench: await readFile(join(steps, 'load_benchmark.json'), 'utf8'), run: await readFile(runJson, 'utf8') };
    const records = await s.readSteps(runId);
    const swap = (text: string, to: string | undefined): string => text.replace(/"output": "[0-9a-f]{64}"/, `"output": "${to}"`);
    await writeFile(join(steps, 'load_base.json'), swap(original.base, records.get('load_benchmark')?.output));
    await writeFile(join(steps, 'load_benchmark.json'), swap(original.bench, records.get('load_base')?.output));
    await expect(resumePipeline(runId, { store, overwrite: true })).rejects.toMatchObject({ code: 'HOKUSAI_RESUME_MISMATCH', message: expect.stringContaining('load_') });
    await writeFile(join(steps, 'load_base.json'), original.base);
    await writeFile(join(steps, 'load_benchmark.json'), original.bench);

    const edited = JSON.parse(original.run) as { params: { config: { seed: number; concurrency: number } } };
    edited.params.config.seed += 1;
    await writeFile(runJson, JSON.stringify(edited));
    await expect(resumePipeline(runId, { store, overwrite: true })).rejects.toMatchObject({ code: 'HOKUSAI_RESUME_MISMATCH' });
    edited.params.config.seed -= 1;
    edited.params.config.concurrency = 7;
    await writeFile(runJson, JSON.stringify(edited));
    await expect(resumePipeline(runId, { store, overwrite: true })).rejects.toMatchObject({ code: 'HOKUSAI_RESUME_MISMATCH', message: expect.stringContaining('edited') });
    await writeFile(runJson, original.run.slice(0, 40));
    await expect(resumePipeline(runId, { store, overwrite: true })).rejects.toMatchObject({ code: 'HOKUSAI_RUN_STORE_CORRUPT', message: expect.stringContaining(runJson) });
    await writeFile(runJson, original.run);

    const contributed = inputs.contributed as string;
    const bytes = await readFile(contributed);
    await truncate(contributed, Math.floor(bytes.length / 2));
    await expect(resumePipeline(runId, { store, overwrite: true })).rejects.toMatchObject({ code: 'HOKUSAI_RESUME_MISMATCH' });
    await writeFile(contributed, bytes);
    await resumePipeline(runId, { store, overwrite: true });
  }, 120_000);

  it('a damaged object is rewritten by the next run and does not block it', async () => {
    const s = new RunStore(store);
    const hash = (await s.readSteps(runId)).get('integrate')?.output as string;
    const path = join(store, 'objects', hash.slice(0, 2), hash);
    await writeFile(path, 'garbage');
    const again = join(work, 'again');
    await runPipeline(config(again, inputs), { store });
    expect(() => s.readObject(hash)).not.toThrow();
    // resume reruns a step whose stored output is damaged instead of failing.
    await writeFile(path, 'garbage');
    await resumePipeline(runId, { store, overwrite: true });
    expect(() => s.readObject(hash)).not.toThrow();
  }, 120_000);
});

describe('a full disk', () => {
  it('leaves no temporary files and no half output folder', async (ctx) => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-full-'));
    const small = join(work, 'small');
    await mkdir(small);
    const why = mountTmpfs(small, '160k');
    if (why !== undefined) {
      ctx.skip(why);
      return;
    }
    try {
      // The store fills up first.
      await expect(runPipeline(config(join(small, 'out')), { store: join(small, 'store') })).rejects.toMatchObject({ code: 'ENOSPC' });
      expect((await tree(small)).filter((f) => /\.tmp-|\.tmp$/.test(f))).toEqual([]);
      expect(existsSync(join(small, 'out'))).toBe(false);
      await rm(join(small, 'store'), { recursive: true, force: true });
      // The store fits elsewhere; the output folder does not.
      await expect(runPipeline(config(join(small, 'out')), { store: join(work, 'store') })).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(readdirSync(small)).toEqual([]);
      expect((await tree(join(work, 'store'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
    } finally {
      execFileSync('umount', [small]);
    }
  }, 120_000);
});
