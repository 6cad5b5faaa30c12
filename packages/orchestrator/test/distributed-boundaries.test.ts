import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { tableFromArrays, type Table } from 'apache-arrow';
import { BullMqExecutor, OrchestratorError, RunStore, errorCode, runFlow, startWorker, type FlowDefinition, type HookIdentity, type StepWorker } from '../src/index.js';
import { redisOptionsFromUrl } from '../src/distributed/redis-connection.js';
import { errorFromFailure, failureReason } from '../src/distributed/step-job.js';
import { freePort, startRedisServer, type RedisServer } from './redis-server.js';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'hokusai-store-'));

describe('Redis URLs and failure reasons', () => {
  it('reads host, port, database, credentials and TLS from a Redis URL', () => {
    expect(redisOptionsFromUrl('rediss://ann:p%40ss@cache.internal:6380/2')).toEqual({
      host: 'cache.internal',
      port: 6380,
      db: 2,
      username: 'ann',
      password: 'p@ss',
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(redisOptionsFromUrl('redis://127.0.0.1')).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    for (const bad of ['http://127.0.0.1:6379', 'localhost:6379', 'redis://h/x']) {
      expect(() => redisOptionsFromUrl(bad)).toThrow(expect.objectContaining({ code: 'HOKUSAI_REDIS_URL_INVALID' }));
    }
  });

  it('carries an error code across a failed job, and names a lost worker', () => {
    const coded = errorFromFailure(failureReason(new OrchestratorError('HOKUSAI_SCHEMA_MISMATCH', 'bad\ncolumn')), 'load', '7');
    expect([errorCode(coded), coded.message]).toEqual(['HOKUSAI_SCHEMA_MISMATCH', 'bad\ncolumn']);
    const plain = errorFromFailure(failureReason(new TypeError('x is undefined')), 'load', '7');
    expect([errorCode(plain), plain.message]).toEqual([undefined, 'x is undefined']);
    expect(errorCode(errorFromFailure('job stalled more than allowable limit', 'train', '9'))).toBe('HOKUSAI_WORKER_LOST');
  });

  it('fails a step fast when Redis cannot be reached', async () => {
    const executor = new BullMqExecutor({ redisUrl: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 300 });
    const store = new RunStore(await tempDir());
    const flow: FlowDefinition = { name: 'f', steps: [{ name: 'a', inputs: [], run: async () => 1 }] };
    const error = await runFlow(flow, { store, runId: 'r', params: {}, executor }).catch((e: unknown) => e);
    await executor.close();
    expect(errorCode(error)).toBe('HOKUSAI_REDIS_UNREACHABLE');
    expect((await store.readSteps('r')).get('a')?.attempts).toBe(1);
    await expect(startWorker({ redisUrl: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 300 })).rejects.toMatchObject({ code: 'HOKUSAI_REDIS_UNREACHABLE' });
  });
});

describe('a worker in this process', () => {
  let redis: RedisServer;
  const closers: { close(): Promise<void> }[] = [];
  const hook: HookIdentity = { event: 'pre_training', name: 'scale', sha256: 'b'.repeat(64) };
  const flow: FlowDefinition = {
    name: 'tables',
    steps: [
      { name: 'make', inputs: [], run: async () => tableFromArrays({ v: new Float64Array([1, 2, 3]) }) },
      { name: 'double', inputs: ['make'], run: async (ctx) => tableFromArrays({ v: (ctx.inputs.make as Table).getChild('v')?.toArray().map((x: number) => 2 * x) as Float64Array }) },
    ],
  };
  const worker = async (queue: string, store?: string): Promise<StepWorker> => {
    const w = await startWorker({ redisUrl: redis.url, queue, ...(store === undefined ? {} : { store }), resolveFlow: () => ({ flow, hooks: [hook] }) });
    closers.push(w);
    return w;
  };
  const executor = (queue: string): BullMqExecutor => {
    const e = new BullMqExecutor({ redisUrl: redis.url, queue });
    closers.push(e);
    return e;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c.close();
    await redis?.stop();
  });

  it('runs a run recorded with hooks when its resolver supplies the same hooks', async () => {
    await worker('q-hooks');
    const store = new RunStore(await tempDir());
    const result = await runFlow(flow, { store, runId: 'h', params: {}, hooks: [hook], executor: executor('q-hooks') });
    expect([...((result.outputs.get('double') as Table).getChild('v')?.toArray() as Float64Array)]).toEqual([2, 4, 6]);
  });

  it('reads the run store at its own mount path, and says so when the run is not there', async () => {
    await worker('q-store', await tempDir());
    const store = new RunStore(await tempDir());
    const error = await runFlow(flow, { store, runId: 'elsewhere', params: {}, hooks: [hook], executor: executor('q-store') }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe('HOKUSAI_RUN_NOT_FOUND');
    expect((error as Error).message).toMatch(/No run "elsewhere" in the run store/);
  });

  it('fails a job whose data is not a step job, without retrying it', async () => {
    await worker('q-bad');
    const connection = redisOptionsFromUrl(redis.url);
    const queue = new Queue('q-bad', { connection });
    const events = new QueueEvents('q-bad', { connection });
    closers.push(queue, events);
    await events.waitUntilReady();
    const job = await queue.add('x', { protocol: 99, step: 'a' }, { attempts: 3 });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/^\[HOKUSAI_JOB_INVALID\] /);
    expect((await queue.getJob(job.id as string))?.attemptsMade).toBe(1);
  });
});
