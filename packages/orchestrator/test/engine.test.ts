import { describe, expect, expectTypeOf, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, type Table } from 'apache-arrow';
import { HOKUSAI_HOOK_EVENTS, HookRegistry, hokusaiHooks, OrchestratorError, RunStore, runFlow, type FlowDefinition, type RunEvent, type StepDefinition } from '../src/index.js';
import { topologicalOrder } from '../src/engine/dag.js';
import { HokusaiError } from '@hokusai/core';

const store = async (): Promise<RunStore> => new RunStore(await mkdtemp(join(tmpdir(), 'hokusai-store-')));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('DAG', () => {
  it('orders steps by their inputs and rejects cycles and unknown inputs', () => {
    const s = (name: string, inputs: string[]): StepDefinition => ({ name, inputs, run: async () => name });
    expect(topologicalOrder([s('c', ['a', 'b']), s('a', []), s('b', ['a'])]).map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(() => topologicalOrder([s('a', ['b']), s('b', ['a'])])).toThrow(/cycle/);
    expect(() => topologicalOrder([s('a', ['nope'])])).toThrow(/no step produces/);
  });
});

describe('runFlow', () => {
  it('runs independent steps in parallel, up to the concurrency', async () => {
    let active = 0;
    let peak = 0;
    const slow = (name: string): StepDefinition => ({
      name,
      inputs: [],
      run: async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(60);
        active--;
        return name;
      },
    });
    const flow: FlowDefinition = { name: 'par', steps: [slow('a'), slow('b'), slow('c'), { name: 'join', inputs: ['a', 'b', 'c'], run: async (ctx) => Object.values(ctx.inputs).join('+') }] };
    const result = await runFlow(flow, { store: await store(), runId: 'p1', params: {}, concurrency: 2 });
    expect(peak).toBe(2);
    expect(result.outputs.get('join')).toBe('a+b+c');
    peak = 0;
    await runFlow(flow, { store: await store(), runId: 'p2', params: {}, concurrency: 3 });
    expect(peak).toBe(3);
  });

  it('stops at the next step boundary when cancelled, aborting the running step, and records the run as failed', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    let sawAbort = false;
    const flow: FlowDefinition = {
      name: 'cancel',
      steps: [
        {
          name: 'slow',
          inputs: [],
          run: async (ctx) => {
            started.push('slow');
            setTimeout(() => controller.abort(), 20);
            await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
            sawAbort = true;
            return 1;
          },
        },
        { name: 'after', inputs: ['slow'], run: async () => started.push('after') },
      ],
    };
    const runs = await store();
    await expect(runFlow(flow, { store: runs, runId: 'c1', params: {}, signal: controller.signal })).rejects.toMatchObject({ code: 'HOKUSAI_RUN_CANCELLED' });
    expect(sawAbort).toBe(true);
    expect(started).toEqual(['slow']);
    expect((await runs.readRun('c1')).status).toBe('failed');
  });

  it('keeps to the memory budget', async () => {
    let active = 0;
    let peak = 0;
    const big = (name: string): StepDefinition => ({
      name,
      inputs: [],
      memoryMb: 600,
      run: async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(40);
        active--;
        return 1;
      },
    });
    await runFlow({ name: 'mem', steps: [big('a'), big('b'), big('c')] }, { store: await store(), runId: 'm', params: {}, concurrency: 3, memoryBudgetMb: 1000 });
    expect(peak).toBe(1);
  });

  it('fans a step out over a list and joins the results in order', async () => {
    const flow: FlowDefinition = {
      name: 'fan',
      steps: [
        { name: 'list', inputs: [], run: async () => [3, 1, 2] },
        { name: 'square', inputs: ['list'], foreach: 'list', run: async (ctx) => (ctx.item as number) ** 2 },
        { name: 'sum', inputs: ['square'], run: async (ctx) => (ctx.inputs.square as number[]).reduce((a, b) => a + b, 0) },
      ],
    };
    const result = await runFlow(flow, { store: await store(), runId: 'f', params: {} });
    expect(result.outputs.get('square')).toEqual([9, 1, 4]);
    expect(result.outputs.get('sum')).toBe(14);
  });

  it('retries a failing step with backoff, but not a typed input error', async () => {
    let calls = 0;
    const events: RunEvent[] = [];
    const flaky: StepDefinition = {
      name: 'flaky',
      inputs: [],
      retries: 2,
      retryDelayMs: 5,
      run: async () => {
        calls++;
        if (calls < 3) throw new Error('connection reset');
        return 'ok';
      },
    };
    const result = await runFlow({ name: 'r', steps: [flaky] }, { store: await store(), runId: 'r', params: {}, onEvent: (e) => events.push(e) });
    expect(result.outputs.get('flaky')).toBe('ok');
    expect(events.filter((e) => e.type === 'step_retry')).toHaveLength(2);

    let badCalls = 0;
    const bad: StepDefinition = {
      name: 'bad',
      inputs: [],
      retries: 3,
      run: async () => {
        badCalls++;
        throw new HokusaiError('HOKUSAI_TARGET_MISSING', 'no target', { kind: 'input' });
      },
    };
    await expect(runFlow({ name: 'b', steps: [bad] }, { store: await store(), runId: 'b', params: {} })).rejects.toThrow('no target');
    expect(badCalls).toBe(1);

    // Decided by cause, not by the shape of the code: a missing file is not retried, a lost worker is.
    let missingCalls = 0;
    const missing: StepDefinition = {
      name: 'missing',
      inputs: [],
      retries: 3,
      retryDelayMs: 1,
      run: async () => {
        missingCalls++;
        throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
      },
    };
    await expect(runFlow({ name: 'm', steps: [missing] }, { store: await store(), runId: 'm', params: {} })).rejects.toThrow('ENOENT');
    expect(missingCalls).toBe(1);
    let lostCalls = 0;
    const lost: StepDefinition = {
      name: 'lost',
      inputs: [],
      retries: 2,
      retryDelayMs: 1,
      run: async () => {
        lostCalls++;
        throw new OrchestratorError('HOKUSAI_WORKER_LOST', 'worker stopped answering');
      },
    };
    const failed = await runFlow({ name: 'l', steps: [lost] }, { store: await store(), runId: 'l', params: {} }).catch((e: unknown) => e);
    expect(lostCalls).toBe(3);
    expect(failed).toMatchObject({ code: 'HOKUSAI_WORKER_LOST', kind: 'transient' });
  });

  it('times a step out', async () => {
    const hang: StepDefinition = { name: 'hang', inputs: [], timeoutMs: 50, run: () => new Promise(() => undefined) };
    await expect(runFlow({ name: 't', steps: [hang] }, { store: await store(), runId: 't', params: {} })).rejects.toMatchObject({ code: 'HOKUSAI_STEP_TIMEOUT' });
  });

  it('resumes from the failed step, reusing stored outputs (bytes, typed arrays and Arrow tables survive)', async () => {
    const s = await store();
    const calls: string[] = [];
    let failOnce = true;
    const flow: FlowDefinition = {
      name: 'resume',
      steps: [
        {
          name: 'load',
          inputs: [],
          run: async () => {
            calls.push('load');
            return { table: tableFromArrays({ x: Float64Array.from([1, 2, 3]) }), bytes: new Uint8Array([1, 2, 3]), f: Float64Array.from([0.5, 0.25]) };
          },
        },
        {
          name: 'train',
          inputs: ['load'],
          run: async (ctx) => {
            calls.push('train');
            if (failOnce) {
              failOnce = false;
              throw new HokusaiError('HOKUSAI_TEST_CRASH', 'simulated crash', { kind: 'internal' });
            }
            const input = ctx.inputs.load as { table: Table; bytes: Uint8Array; f: Float64Array };
            return { rows: input.table.numRows, sum: input.bytes.reduce((a, b) => a + b, 0) + input.f[0]! };
          },
        },
      ],
    };
    await expect(runFlow(flow, { store: s, runId: 'run-1', params: { a: 1 } })).rejects.toThrow('simulated crash');
    expect((await s.readRun('run-1')).status).toBe('failed');
    expect((await s.readRun('run-1')).error?.step).toBe('train');
    const resumed = await runFlow(flow, { store: s, runId: 'run-1', params: {}, resume: true });
    expect(calls).toEqual(['load', 'train', 'train']);
    expect(resumed.reused).toEqual(['load']);
    expect(resumed.outputs.get('train')).toEqual({ rows: 3, sum: 6.5 });
    expect((await s.readRun('run-1')).status).toBe('finished');
    expect((await s.readRun('run-1')).params).toEqual({ a: 1 });
  });

  it('stores equal outputs once', async () => {
    const s = await store();
    const same = (name: string): StepDefinition => ({ name, inputs: [], run: async () => ({ payload: new Uint8Array(1000).fill(7) }) });
    await runFlow({ name: 'dedupe', steps: [same('a'), same('b')] }, { store: s, runId: 'd', params: {} });
    expect(await s.size()).toBe(2);
  });
});

describe('hooks', () => {
  it('threads the payload through hooks in order and records their identity', async () => {
    // The flow declares its points and their payloads; the engine knows none.
    type Points = { pre_training: { l2: number; seen?: boolean }; post_training: { onnx: string } };
    const hooks = new HookRegistry<Points>({ pre_training: 'training options', post_training: 'the model' });
    const id = hooks.register('pre_training', (p) => ({ ...p, l2: 0.5 }), 'set-l2');
    hooks.register('post_training', (m) => {
      expectTypeOf(m).toEqualTypeOf<{ onnx: string }>();
    });
    hooks.register('pre_training', (p) => ({ ...p, seen: true }));
    // @ts-expect-error a hook must give back its point's payload (checked by the compiler only)
    const _wrongPayload = (): unknown => hooks.register('pre_training', () => ({ onnx: 'x' }));
    const out = await hooks.apply('pre_training', { l2: 0 });
    expect(out).toEqual({ l2: 0.5, seen: true });
    expect(await hooks.apply('post_training', { onnx: 'bytes' })).toEqual({ onnx: 'bytes' });
    expect(id.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(hooks.identities().map((h) => [h.event, h.name])).toEqual([['pre_training', 'set-l2'], ['post_training', 'anonymous'], ['pre_training', 'anonymous']]);
    expect(hooks.events()).toEqual(['pre_training', 'post_training']);
    // @ts-expect-error not a point of this flow
    expect(() => hooks.register('pre_integration', () => undefined)).toThrow(/Unknown hook point "pre_integration". Known points: pre_training, post_training/);
  });

  it('the Hokusai flow declares its own points, in the order a run passes them', () => {
    expect(HOKUSAI_HOOK_EVENTS).toEqual(['pre_integration', 'post_integration', 'pre_training', 'post_training', 'pre_evaluation', 'post_evaluation', 'pre_attestation', 'post_attestation']);
    expect(hokusaiHooks().events()).toEqual(HOKUSAI_HOOK_EVENTS);
  });
});
