import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BullMqExecutor, HOKUSAI_FLOW_NAME, LocalStoreExecutor, RunStore, errorCode, resumePipeline, runFlow, runPipeline, verifyRun, type FlowDefinition, type PipelineConfigInput, type ProgressEvent, type RunEvent, type StepRetryEvent, type StepJobReport } from '../src/index.js';
import { quickstartConfig } from './fixtures/quickstart.js';
import { Queue } from 'bullmq';
import { redisOptionsFromUrl } from '../src/distributed/redis-connection.js';
import { hokusaiWorkerFlow } from '../src/distributed/hokusai-worker-flow.js';
import type { RunRecord } from '../src/engine/run-store.js';
import { startRedisServer, type RedisServer } from '@hokusai/test-helpers';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workerEntry = join(packageRoot, 'dist', 'distributed', 'worker-process.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Worker processes run the compiled package: rebuild it when a source file is newer. */
function ensureBuilt(): void {
  const stale = (dir: string): boolean =>
    readdirSync(join(packageRoot, 'src', dir)).some((name) => {
      if (!name.endsWith('.ts')) return false;
      const built = join(packageRoot, 'dist', dir, name.replace(/\.ts$/, '.js'));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(join(packageRoot, 'src', dir, name)).mtimeMs;
    });
  if (stale('distributed') || stale('engine') || stale('flow') || stale(join('flow', 'steps')) || stale('.')) {
    try {
      execFileSync(process.execPath, [join(packageRoot, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.lib.json'], { cwd: packageRoot, stdio: 'pipe' });
    } catch {
      // Type errors elsewhere in the package still emit JavaScript; the check below decides.
    }
  }
  if (!existsSync(workerEntry)) throw new Error(`Build the package first (npx tsc -p tsconfig.lib.json): ${workerEntry} is missing.`);
}

/** Test flows, as a module both this process and the worker processes import. */
function flowsModule(): string {
  const arrow = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('apache-arrow')), 'Arrow.node.mjs')).href;
  const registry = pathToFileURL(join(packageRoot, 'dist', 'distributed', 'flow-registry.js')).href;
  const core = pathToFileURL(createRequire(import.meta.url).resolve('@hokusai/core')).href;
  return `
import { HokusaiError } from '${core}';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays } from '${arrow}';
import { registerFlow } from '${registry}';

const mark = (dir, name) => { mkdirSync(dir, { recursive: true }); writeFileSync(join(dir, name), String(process.pid)); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function syntheticFlow({ n, slowMs, markerDir }) {
  return { name: 'synthetic', steps: [
    { name: 'items', inputs: [], run: async () => Array.from({ length: n }, (_, i) => i + 1) },
    { name: 'table', inputs: [], run: async () => {
      const x = new Float64Array(2000); const k = new Int32Array(2000); let s = 12345;
      for (let i = 0; i < x.length; i++) { s = (s * 1103515245 + 12345) % 2147483648; x[i] = s / 2147483648; k[i] = s % 7; }
      return tableFromArrays({ x, k });
    } },
    { name: 'bytes', inputs: [], run: async () => { const b = new Uint8Array(4096); for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 255; return b; } },
    { name: 'square', inputs: ['items'], foreach: 'items', run: async (ctx) => {
      mark(markerDir, 'square-' + ctx.item + '-' + process.pid);
      ctx.emit({ type: 'progress', unit: 'items', done: ctx.item, total: n });
      await sleep(60);
      return { item: ctx.item, square: ctx.item * ctx.item, scaled: new Float64Array([ctx.item / 3, ctx.item * Math.PI]) };
    } },
    { name: 'slow', inputs: ['table'], run: async (ctx) => {
      mark(markerDir, 'slow-started-' + process.pid);
      appendFileSync(join(markerDir, 'slow.log'), process.pid + '\\n');
      await sleep(slowMs);
      const x = ctx.inputs.table.getChild('x').toArray();
      let sum = 0; for (const v of x) sum += v;
      return tableFromArrays({ sum: new Float64Array([sum]), rows: new Int32Array([x.length]) });
    } },
    { name: 'join', inputs: ['square', 'slow', 'bytes', 'table'], run: async (ctx) => ({
      total: ctx.inputs.square.reduce((s, r) => s + r.square, 0),
      digest: createHash('sha256').update(ctx.inputs.bytes).digest('hex'),
      sum: ctx.inputs.slow.getChild('sum').get(0),
      rows: ctx.inputs.table.numRows,
      scaled: new Float64Array(ctx.inputs.square.map((r) => r.scaled[1])),
    }) },
  ] };
}

export function faultsFlow({ mode, markerDir }) {
  const steps = [{ name: 'start', inputs: [], run: async () => 'ok' }];
  if (mode === 'flaky') steps.push({ name: 'flaky', inputs: ['start'], retries: 2, retryDelayMs: 20, run: async (ctx) => {
    mark(markerDir, 'flaky-' + ctx.attempt + '-' + process.pid);
    if (ctx.attempt < 3) throw new Error('flaky failure on attempt ' + ctx.attempt);
    return { attempt: ctx.attempt };
  } });
  if (mode === 'typed') steps.push({ name: 'typed', inputs: ['start'], retries: 3, retryDelayMs: 20, run: async (ctx) => {
    mkdirSync(markerDir, { recursive: true });
    appendFileSync(join(markerDir, 'typed.log'), 'attempt ' + ctx.attempt + ' in ' + process.pid + '\\n');
    throw new HokusaiError('HOKUSAI_SCHEMA_MISMATCH', 'column "age" holds text in contributed.csv row 3', { kind: 'input', file: 'contributed.csv', row: 3, column: 'age' });
  } });
  if (mode === 'hang') steps.push({ name: 'hang', inputs: ['start'], retries: 1, retryDelayMs: 20, timeoutMs: 500, run: async (ctx) => {
    mark(markerDir, 'hang-started-' + ctx.attempt);
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    mark(markerDir, 'hang-aborted-' + ctx.attempt);
    return 'too late';
  } });
  return { name: 'faults', steps };
}

registerFlow('synthetic', (params) => syntheticFlow(params));
registerFlow('faults', (params) => faultsFlow(params));
`;
}

interface WorkerChild {
  child: ChildProcess;
  pid: number;
  id: string;
  stderr: string[];
}

async function startWorkerProcess(redisUrl: string, queue: string, args: string[]): Promise<WorkerChild> {
  const child = spawn(process.execPath, [workerEntry, '--redis', redisUrl, '--queue', queue, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${stderr.join('')}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line !== undefined) {
        clearTimeout(timer);
        const ready = JSON.parse(line) as { worker: string; pid: number };
        resolveReady({ child, pid: ready.pid, id: ready.worker, stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${stderr.join('')}`));
    });
  });
}

async function stopWorkerProcess(worker: WorkerChild): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const gone = new Promise<void>((r) => worker.child.once('exit', () => r()));
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

type Flows = {
  syntheticFlow(params: { n: number; slowMs: number; markerDir: string }): FlowDefinition;
  faultsFlow(params: { mode: string; markerDir: string }): FlowDefinition;
};

const tempStore = async (): Promise<RunStore> => new RunStore(await mkdtemp(join(tmpdir(), 'hokusai-store-')));

async function stepHashes(store: RunStore, runId: string): Promise<Record<string, string | undefined>> {
  const steps = await store.readSteps(runId);
  return Object.fromEntries([...steps.values()].map((s) => [s.step, s.output]).sort());
}

describe('BullMQ executor with worker processes on a real redis-server', () => {
  let redis: RedisServer;
  let workers: WorkerChild[] = [];
  let flows: Flows;
  let markerDir: string;
  let flowsPath: string;
  let localHashes: Record<string, string | undefined>;
  const queue = 'hokusai-steps-test';
  const executors: BullMqExecutor[] = [];
  const reports: StepJobReport[] = [];
  const executor = (): BullMqExecutor => {
    const e = new BullMqExecutor({ redisUrl: redis.url, queue, backoffMs: 100, onJob: (r) => reports.push(r) });
    executors.push(e);
    return e;
  };

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedisServer();
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-flows-'));
    markerDir = join(dir, 'markers');
    flowsPath = join(dir, 'flows.mjs');
    await writeFile(flowsPath, flowsModule());
    flows = (await import(/* @vite-ignore */ pathToFileURL(flowsPath).href)) as Flows;
    // Short locks so that a killed worker's job is handed on within seconds.
    const args = ['--concurrency', '2', '--flows', flowsPath, '--lock-duration', '3000', '--stalled-interval', '1000'];
    workers = await Promise.all([startWorkerProcess(redis.url, queue, args), startWorkerProcess(redis.url, queue, args)]);
  });

  afterAll(async () => {
    await Promise.allSettled(executors.map((e) => e.close()));
    await Promise.allSettled(workers.map(stopWorkerProcess));
    await redis?.stop();
  });

  it('gives the same stored outputs as the local executor, spread over both workers', async () => {
    const params = { n: 8, slowMs: 100, markerDir };
    const local = await tempStore();
    await runFlow(flows.syntheticFlow(params), { store: local, runId: 'syn', params, concurrency: 4 });
    localHashes = await stepHashes(local, 'syn');

    const remote = await tempStore();
    const events: RunEvent[] = [];
    const result = await runFlow(flows.syntheticFlow(params), { store: remote, runId: 'syn', params, concurrency: 4, executor: executor(), onEvent: (e) => events.push(e) });
    expect(await stepHashes(remote, 'syn')).toEqual(localHashes);
    expect(Object.keys(localHashes)).toEqual(['bytes', 'items', 'join', 'slow', 'square', 'table']);
    expect((result.outputs.get('join') as { total: number }).total).toBe(204);

    // Every step ran in a worker process, and the fan-out used both of them.
    const squareWorkers = new Set(reports.filter((r) => r.step === 'square' && r.status === 'completed').map((r) => r.worker));
    expect(squareWorkers).toEqual(new Set(workers.map((w) => w.id)));
    expect(reports.filter((r) => r.runId === 'syn' && r.status === 'completed')).toHaveLength(5 + 8);
    const markers = await readdir(markerDir);
    for (let i = 1; i <= 8; i++) {
      expect(markers.some((m) => workers.some((w) => m === `square-${i}-${w.pid}`))).toBe(true);
    }
    // Progress a step emits on a worker reaches the engine's listener.
    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'square' && e.unit === 'items');
    expect(progress.map((e) => e.done).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('retries a failing step through new jobs, as the local engine does', async () => {
    const params = { mode: 'flaky', markerDir: join(markerDir, 'flaky') };
    const store = await tempStore();
    const events: RunEvent[] = [];
    const result = await runFlow(flows.faultsFlow(params), { store, runId: 'flaky', params, executor: executor(), onEvent: (e) => events.push(e) });
    expect(result.outputs.get('flaky')).toEqual({ attempt: 3 });
    expect((await store.readSteps('flaky')).get('flaky')?.attempts).toBe(3);
    expect(events.filter((e): e is StepRetryEvent => e.type === 'step_retry' && e.step === 'flaky').map((e) => e.message)).toEqual([
      'flaky failure on attempt 1',
      'flaky failure on attempt 2',
    ]);
    expect((await readdir(params.markerDir)).filter((m) => m.startsWith('flaky-')).length).toBe(3);
  });

  it('keeps the error code, kind and location of a failing step and does not retry an input error', async () => {
    const params = { mode: 'typed', markerDir: join(markerDir, 'typed') };
    const store = await tempStore();
    const error = await runFlow(flows.faultsFlow(params), { store, runId: 'typed', params, executor: executor() }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('HOKUSAI_SCHEMA_MISMATCH');
    expect((error as Error).message).toBe('column "age" holds text in contributed.csv row 3');
    // The error crossed BullMQ in its JSON form: its kind and location came with it.
    expect(error).toMatchObject({ kind: 'input', file: 'contributed.csv', row: 3, column: 'age' });
    const run = await store.readRun('typed');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ step: 'typed', code: 'HOKUSAI_SCHEMA_MISMATCH' });
    expect((await store.readSteps('typed')).get('typed')?.attempts).toBe(1);
    // One execution in all: neither BullMQ nor the engine ran the step again.
    expect((await readFile(join(params.markerDir, 'typed.log'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('times a hanging step out on the worker too, retries it, and frees the worker', async () => {
    const params = { mode: 'hang', markerDir: join(markerDir, 'hang') };
    const store = await tempStore();
    const started = Date.now();
    const error = await runFlow(flows.faultsFlow(params), { store, runId: 'hang', params, executor: executor() }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('HOKUSAI_STEP_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await store.readSteps('hang')).get('hang')).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'HOKUSAI_STEP_TIMEOUT' } });
    // The step on the worker saw its abort signal on both attempts.
    for (let wait = 0; wait < 40 && (await readdir(params.markerDir)).length < 4; wait++) await sleep(50);
    expect((await readdir(params.markerDir)).sort()).toEqual(['hang-aborted-1', 'hang-aborted-2', 'hang-started-1', 'hang-started-2']);
    const again = await tempStore();
    const quick = { mode: 'flaky', markerDir: join(markerDir, 'after-hang') };
    await expect(runFlow(flows.faultsFlow(quick), { store: again, runId: 'after', params: quick, executor: executor() })).resolves.toBeDefined();
  });

  it('refuses a flow the workers do not know, and a run whose hooks they lack', async () => {
    const unknown: FlowDefinition = { name: 'unregistered', steps: [{ name: 'a', inputs: [], retries: 2, run: async () => 1 }] };
    const store = await tempStore();
    const error = await runFlow(unknown, { store, runId: 'unknown', params: {}, executor: executor() }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('HOKUSAI_FLOW_UNKNOWN');
    expect((error as Error).message).toMatch(/known: faults, hokusai, synthetic/);
    expect((await store.readSteps('unknown')).get('a')?.attempts).toBe(1);

    const params = { mode: 'flaky', markerDir: join(markerDir, 'hooked') };
    const hooks = [{ event: 'pre_training' as const, name: 'scale', sha256: 'a'.repeat(64) }];
    const hooked = await runFlow(flows.faultsFlow(params), { store, runId: 'hooked', params, hooks, executor: executor() }).catch((e: unknown) => e);
    expect(errorCode(hooked)).toBe('HOKUSAI_WORKER_HOOKS_MISMATCH');
  });

  it('finishes the run with the same outputs when a worker is killed mid-step', async () => {
    const params = { n: 8, slowMs: 2500, markerDir: join(markerDir, 'kill') };
    const store = await tempStore();
    const events: RunEvent[] = [];
    const run = runFlow(flows.syntheticFlow(params), { store, runId: 'syn', params, concurrency: 4, executor: executor(), onEvent: (e) => events.push(e) });
    let victim: WorkerChild | undefined;
    for (let wait = 0; wait < 400 && victim === undefined; wait++) {
      const started = existsSync(params.markerDir) ? (await readdir(params.markerDir)).find((m) => m.startsWith('slow-started-')) : undefined;
      victim = started === undefined ? undefined : workers.find((w) => started === `slow-started-${w.pid}`);
      if (victim === undefined) await sleep(25);
    }
    if (victim === undefined) throw new Error('the slow step never started on a worker');
    victim.child.kill('SIGKILL');
    const survivor = workers.find((w) => w !== victim) as WorkerChild;

    await run;
    expect(await stepHashes(store, 'syn')).toEqual(localHashes);
    const slow = reports.filter((r) => r.runId === 'syn' && r.step === 'slow' && r.status === 'completed').at(-1);
    expect(slow?.worker).toBe(survivor.id);
    expect(existsSync(join(params.markerDir, `slow-started-${survivor.pid}`))).toBe(true);
    expect(events.some((e) => e.type === 'progress' && e.step === 'slow' && /lost its worker/.test(e.message ?? ''))).toBe(true);
    expect(events.filter((e) => e.type === 'step_failed')).toEqual([]);
  });

  it('joins the job a killed producer had queued instead of running the step again', async () => {
    const params = { n: 2, slowMs: 1500, markerDir: join(markerDir, 'rejoin') };
    const store = await tempStore();
    const script = join(dirname(flowsPath), 'rejoin-producer.mjs');
    await writeFile(script, `import { BullMqExecutor, RunStore, runFlow } from '${pathToFileURL(join(packageRoot, 'dist', 'index.js')).href}';
import { syntheticFlow } from '${pathToFileURL(flowsPath).href}';
const [params, root, redisUrl, queue] = [JSON.parse(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
await runFlow(syntheticFlow(params), { store: new RunStore(root), runId: 'rejoin', params, concurrency: 4, executor: new BullMqExecutor({ redisUrl, queue }) });
`);
    const producer = spawn(process.execPath, [script, JSON.stringify(params), store.root, redis.url, queue], { stdio: 'ignore' });
    const gone = new Promise<void>((r) => producer.once('exit', () => r()));
    let started = false;
    for (let wait = 0; wait < 400 && !started; wait++) {
      started = existsSync(params.markerDir) && (await readdir(params.markerDir)).some((m) => m.startsWith('slow-started-'));
      if (!started) await sleep(25);
    }
    if (!started) throw new Error('the slow step never started');
    producer.kill('SIGKILL');
    await gone;
    expect((await store.readSteps('rejoin')).has('slow')).toBe(false);

    const result = await runFlow(flows.syntheticFlow(params), { store, runId: 'rejoin', params, concurrency: 4, executor: executor(), resume: true });
    expect((result.outputs.get('join') as { rows: number }).rows).toBe(2000);
    // The slow step ran once: the resumed run waited for the job the killed one had queued.
    expect((await readFile(join(params.markerDir, 'slow.log'), 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(reports.filter((r) => r.runId === 'rejoin' && r.step === 'slow').map((r) => r.status)).toEqual(['completed']);
  });
});

describe('the Hokusai flow on BullMQ', () => {
  let redis: RedisServer;
  let workers: WorkerChild[] = [];
  let executor: BullMqExecutor | undefined;
  let dir = '';
  const config = (out: string): PipelineConfigInput => quickstartConfig(out, { seed: 42, model: { family: 'logistic_regression', params: {} } });
  const attestation = async (out: string): Promise<{ body: unknown; body_sha256: string }> =>
    JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: unknown; body_sha256: string };

  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'hokusai-bullmq-'));
    redis = await startRedisServer();
    // Short locks so a killed worker's job moves on within seconds; a training step that holds
    // the event loop longer only runs twice (same bytes), hence more stalls allowed.
    const args = ['--concurrency', '1', '--lock-duration', '4000', '--stalled-interval', '1000', '--max-stalled', '3'];
    workers = await Promise.all([startWorkerProcess(redis.url, 'hokusai-steps', args), startWorkerProcess(redis.url, 'hokusai-steps', args)]);
  });

  afterAll(async () => {
    await executor?.close();
    await Promise.allSettled(workers.map(stopWorkerProcess));
    await redis?.stop();
  });

  it('gives an attestation body identical to the local executor with 2 workers', async () => {
    expect(HOKUSAI_FLOW_NAME).toBe('hokusai');
    const local = await runPipeline(config(join(dir, 'local')), { store: join(dir, 'store-local'), executor: new LocalStoreExecutor() });
    const reports: StepJobReport[] = [];
    executor = new BullMqExecutor({ redisUrl: redis.url, onJob: (r) => reports.push(r) });
    const remote = await runPipeline(config(join(dir, 'bullmq')), { store: join(dir, 'store-bullmq'), executor });

    const [a, b] = await Promise.all([attestation(join(dir, 'local')), attestation(join(dir, 'bullmq'))]);
    expect(b.body).toEqual(a.body);
    expect(b.body_sha256).toBe(a.body_sha256);
    expect(remote.merkleRoot).toBe(local.merkleRoot);
    expect(remote.deltaOne).toBe(local.deltaOne);
    expect((await verifyRun(join(dir, 'bullmq'))).ok).toBe(true);
    // Every step ran as a job on one of the worker processes (which one takes a job is up to
    // BullMQ: a fast worker may take several short steps in a row).
    const completed = reports.filter((r) => r.status === 'completed');
    // Without a search the plan is empty, so no search_trial job is queued.
    expect(new Set(completed.map((r) => r.step))).toEqual(new Set(['load_base', 'load_contributed', 'load_benchmark', 'integrate', 'manifests', 'search_plan', 'search', 'train_baseline', 'train_new', 'evaluate', 'delta', 'attest', 'report']));
    for (const r of completed) expect(workers.map((w) => w.id)).toContain(r.worker);
  });

  it('refuses a run whose memory plan streams before anything is read or queued; a worker refuses such a run\'s steps', async () => {
    const out = join(dir, 'streaming');
    const store = join(dir, 'store-streaming');
    const streaming: PipelineConfigInput = { ...config(out), resources: { memory: '100MB' } };
    const queued = new BullMqExecutor({ redisUrl: redis.url });
    try {
      await expect(runPipeline(streaming, { store, executor: queued })).rejects.toMatchObject({ code: 'HOKUSAI_STREAMING_UNAVAILABLE', message: expect.stringContaining('the "bullmq" executor sends them to queued workers') });
    } finally {
      await queued.close();
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(store, 'runs'))).toBe(false);
    // A job of such a run reaching a worker (a producer without this check) fails with the same code instead of loading whole tables.
    await expect(hokusaiWorkerFlow({ config: streaming }, { runId: 'hk-streaming' } as RunRecord)).rejects.toMatchObject({ code: 'HOKUSAI_STREAMING_UNAVAILABLE', message: expect.stringContaining('not on queued workers') });
    // The same run within its budget rebuilds on a worker as before.
    expect((await hokusaiWorkerFlow({ config: { ...config(out), resources: { memory: '8GB' } } }, { runId: 'hk-in-memory' } as RunRecord)).flow.name).toBe(HOKUSAI_FLOW_NAME);
  });

  it('runs each hyperparameter-search trial as its own job, on both workers, with the local executor\'s result', async () => {
    const values = [1e-4, 0.01, 0.3, 3, 30, 300];
    const search = { strategy: 'grid' as const, space: { l2: { values } }, metric: 'log_loss' as const };
    const searching = (out: string): PipelineConfigInput => ({ ...config(out), search });
    const localEvents: RunEvent[] = [];
    await runPipeline(searching(join(dir, 'search-local')), { store: join(dir, 'store-search-local'), onEvent: (e) => localEvents.push(e) });
    const reports: StepJobReport[] = [];
    const remoteEvents: RunEvent[] = [];
    const searchExecutor = new BullMqExecutor({ redisUrl: redis.url, onJob: (r) => reports.push(r) });
    try {
      await runPipeline(searching(join(dir, 'search-bullmq')), { store: join(dir, 'store-search-bullmq'), executor: searchExecutor, onEvent: (e) => remoteEvents.push(e) });
    } finally {
      await searchExecutor.close();
    }
    type Training = { params: { l2: number }; search: { searched: boolean; trials: number; best: { params: { l2: number } } } };
    const [a, b] = await Promise.all([attestation(join(dir, 'search-local')), attestation(join(dir, 'search-bullmq'))]);
    expect(b.body_sha256).toBe(a.body_sha256);
    expect(b.body).toEqual(a.body);
    const training = (b.body as { results: { training: Training } }).results.training;
    expect(training.search).toMatchObject({ searched: true, trials: 6 });
    expect(values).toContain(training.params.l2);
    expect(training.params.l2).toBe(training.search.best.params.l2);

    // One job per trial, each item once, and both workers took some.
    const trials = reports.filter((r) => r.step === 'search_trial' && r.status === 'completed');
    expect(trials.map((r) => r.itemIndex).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(trials.map((r) => r.worker))).toEqual(new Set(workers.map((w) => w.id)));
    // The workers recorded each finished trial, for a resumed run.
    const runId = (await new RunStore(join(dir, 'store-search-bullmq')).listRuns())[0] as string;
    expect((await readdir(join(dir, 'store-search-bullmq', 'runs', runId, 'items', 'search_trial'))).sort()).toEqual(['0.json', '1.json', '2.json', '3.json', '4.json', '5.json']);
    // The trials bar moves once per finished trial, on either executor.
    for (const events of [localEvents, remoteEvents]) {
      const bar = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'search_trial' && e.unit === 'trials');
      expect(bar.map((e) => e.done).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(bar.every((e) => e.total === 6)).toBe(true);
    }
  });

  it('runs the later rungs of successive halving as jobs too, with the local executor\'s result', async () => {
    const search = { strategy: 'halving' as const, space: { l2: { values: [1e-4, 0.01, 0.3, 3, 30, 300] } }, eta: 2 };
    const halving = (out: string): PipelineConfigInput => ({ ...config(out), search });
    await runPipeline(halving(join(dir, 'halving-local')), { store: join(dir, 'store-halving-local') });
    const reports: StepJobReport[] = [];
    const halvingExecutor = new BullMqExecutor({ redisUrl: redis.url, onJob: (r) => reports.push(r) });
    try {
      await runPipeline(halving(join(dir, 'halving-bullmq')), { store: join(dir, 'store-halving-bullmq'), executor: halvingExecutor });
    } finally {
      await halvingExecutor.close();
    }
    const [a, b] = await Promise.all([attestation(join(dir, 'halving-local')), attestation(join(dir, 'halving-bullmq'))]);
    expect(b.body_sha256).toBe(a.body_sha256);
    // Six candidates, eta 2: rungs of 6, 3 and 1 trials, every one a job a worker ran.
    const count = (step: string): number => reports.filter((r) => r.step === step && r.status === 'completed' && r.worker !== undefined).length;
    expect([count('search_trial'), count('search_trial_1'), count('search_trial_2')]).toEqual([6, 3, 1]);
    expect(count('search_rung_1') + count('search_rung_2')).toBe(2);
  });

  it('resumes a run killed in the middle of its trial jobs, reusing the trials the workers had finished', async () => {
    const values = [1e-4, 0.01, 0.3, 3, 30, 300];
    const cfg: PipelineConfigInput = { ...config(join(dir, 'search-resumed')), search: { strategy: 'grid', space: { l2: { values } }, metric: 'log_loss' } };
    const store = join(dir, 'store-search-resumed');
    const script = join(dir, 'search-producer.mjs');
    await writeFile(script, `import { BullMqExecutor, runPipeline } from '${pathToFileURL(join(packageRoot, 'dist', 'index.js')).href}';
const [config, store, redisUrl] = [JSON.parse(process.argv[2]), process.argv[3], process.argv[4]];
await runPipeline(config, { store, executor: new BullMqExecutor({ redisUrl }), onEvent: (event) => process.stdout.write(JSON.stringify(event) + '\\n') });
`);
    const producer = spawn(process.execPath, [script, JSON.stringify(cfg), store, redis.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let runId: string | undefined;
    await new Promise<void>((resolveKill, reject) => {
      let killed = false;
      producer.stdout?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter((l) => l.startsWith('{'))) {
          const event = JSON.parse(line) as RunEvent;
          runId = event.runId;
          if (!killed && event.type === 'progress' && event.step === 'search_trial' && event.unit === 'trials' && (event.done ?? 0) >= 2) {
            killed = true;
            producer.kill('SIGKILL');
          }
        }
      });
      producer.once('exit', () => (killed ? resolveKill() : reject(new Error('the producer ended before two trials finished'))));
    });
    expect((await new RunStore(store).readSteps(runId as string)).has('search_trial')).toBe(false);

    const reports: StepJobReport[] = [];
    const resumed = new BullMqExecutor({ redisUrl: redis.url, onJob: (r) => reports.push(r) });
    try {
      await resumePipeline(runId as string, { store, overwrite: true, executor: resumed });
    } finally {
      await resumed.close();
    }
    const trialReports = reports.filter((r) => r.step === 'search_trial');
    const reused = trialReports.filter((r) => r.status === 'reused').map((r) => r.itemIndex);
    const queued = trialReports.filter((r) => r.status === 'completed').map((r) => r.itemIndex);
    // Trials the workers finished before the resume are not queued again; the rest are, once.
    expect(reused.length).toBeGreaterThanOrEqual(1);
    expect([...reused, ...queued].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const [a, b] = await Promise.all([attestation(join(dir, 'search-local')), attestation(join(dir, 'search-resumed'))]);
    expect(b.body_sha256).toBe(a.body_sha256);
  });

  it('gives the same attestation body when the worker running the integrate step is killed', async () => {
    const connection = redisOptionsFromUrl(redis.url);
    const queue = new Queue('hokusai-steps', { connection });
    const reports: StepJobReport[] = [];
    const watched = new BullMqExecutor({ redisUrl: redis.url, onJob: (r) => reports.push(r) });
    try {
      const run = runPipeline(config(join(dir, 'killed')), { store: join(dir, 'store-killed'), executor: watched });
      let victim: WorkerChild | undefined;
      for (let wait = 0; wait < 1200 && victim === undefined; wait++) {
        const active = await queue.getActive();
        const integrating = active.find((job) => job.name === 'hokusai/integrate');
        victim = workers.find((w) => w.id === integrating?.processedBy);
        if (victim === undefined) await sleep(10);
      }
      if (victim === undefined) throw new Error('the integrate job was never seen running on a worker');
      victim.child.kill('SIGKILL');
      await run;
      const [a, b] = await Promise.all([attestation(join(dir, 'local')), attestation(join(dir, 'killed'))]);
      expect(b.body_sha256).toBe(a.body_sha256);
      expect(b.body).toEqual(a.body);
      const survivor = workers.find((w) => w !== victim) as WorkerChild;
      // The survivor ran integrate again, and every later step, since it is the only worker left
      // (the loads, and the manifests step beside integrate, may have finished on either).
      const after = reports.filter((r) => r.status === 'completed' && !r.step.startsWith('load_') && r.step !== 'manifests');
      expect(after.map((r) => r.step).sort()).toEqual(['attest', 'delta', 'evaluate', 'integrate', 'report', 'search', 'search_plan', 'train_baseline', 'train_new']);
      expect(new Set(after.map((r) => r.worker))).toEqual(new Set([survivor.id]));
    } finally {
      await Promise.all([queue.close(), watched.close()]);
    }
  });

  it('keeps cell values out of the failed jobs Redis holds', async () => {
    const queue = new Queue('hokusai-steps', { connection: redisOptionsFromUrl(redis.url) });
    const failing = new BullMqExecutor({ redisUrl: redis.url });
    try {
      const error = await runPipeline(quickstartConfig(join(dir, 'leak'), { target: 'email' }), { store: join(dir, 'store-leak'), executor: failing }).catch((e: unknown) => e);
      expect(errorCode(error)).toBe('HOKUSAI_TARGET_NOT_BINARY');
      const failed = (await queue.getFailed()).filter((job) => job.name.startsWith('hokusai/load_'));
      expect(failed.length).toBeGreaterThan(0);
      const held = JSON.stringify(failed.map((job) => [job.failedReason, job.stacktrace, job.returnvalue]));
      expect(held).toMatch(/values redacted: the column looks like email/);
      expect(held.match(/[\w.+-]+@example\.com/g)).toBeNull();
    } finally {
      await Promise.all([queue.close(), failing.close()]);
    }
  });
});
