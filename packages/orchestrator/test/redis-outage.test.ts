import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BullMqExecutor, RunStore, runFlow, type FlowDefinition } from '../src/index.js';
import { startRedisServer, type RedisServer } from '@hokusai/test-helpers';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workerEntry = join(packageRoot, 'dist', 'distributed', 'worker-process.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A flow whose one step runs long enough for Redis to go away under it. */
function flowsModule(): string {
  const registry = pathToFileURL(join(packageRoot, 'dist', 'distributed', 'flow-registry.js')).href;
  return `
import { writeFileSync } from 'node:fs';
import { registerFlow } from '${registry}';
export function outageFlow({ startedFile }) {
  return { name: 'outage', steps: [
    { name: 'long', inputs: [], run: async () => { writeFileSync(startedFile, String(process.pid)); await new Promise((r) => setTimeout(r, 60_000)); return 1; } },
  ] };
}
registerFlow('outage', (params) => outageFlow(params));
`;
}

describe('Redis stopped mid-run', () => {
  let redis: RedisServer;
  let worker: ChildProcess;
  let flows: { outageFlow(params: { startedFile: string }): FlowDefinition };
  let dir: string;
  let executor: BullMqExecutor | undefined;

  beforeAll(async () => {
    if (!existsSync(workerEntry)) throw new Error(`Build the package first: ${workerEntry} is missing.`);
    redis = await startRedisServer();
    dir = await mkdtemp(join(tmpdir(), 'hokusai-outage-'));
    const flowsPath = join(dir, 'flows.mjs');
    await writeFile(flowsPath, flowsModule());
    flows = (await import(/* @vite-ignore */ pathToFileURL(flowsPath).href)) as typeof flows;
    worker = spawn(process.execPath, [workerEntry, '--redis', redis.url, '--queue', 'outage', '--flows', flowsPath, '--shutdown-timeout', '3000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((ready, reject) => {
      worker.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('"ready"')) ready();
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  });

  afterAll(async () => {
    await executor?.close();
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await redis?.stop();
  });

  it('fails the producer with a typed error within its outage limit, and the worker honours SIGTERM', async () => {
    const startedFile = join(dir, 'started');
    const params = { startedFile };
    executor = new BullMqExecutor({ redisUrl: redis.url, queue: 'outage', outageTimeoutMs: 2000, pollMs: 500 });
    const run = runFlow(flows.outageFlow(params), { store: new RunStore(join(dir, 'store')), runId: 'outage', params, executor });
    run.catch(() => undefined);
    while (!existsSync(startedFile)) await sleep(100);
    await redis.stop();

    await expect(run).rejects.toMatchObject({ code: 'HOKUSAI_REDIS_UNREACHABLE', message: expect.stringContaining(redis.url) });

    const stoppedAt = Date.now();
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Its shutdown timeout is 3 s; the promise is "within 10 s" even on a loaded machine.
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
  }, 60_000);
});
