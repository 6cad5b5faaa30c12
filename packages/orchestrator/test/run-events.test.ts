import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { OrchestratorError, RunStore, defineStep, runFlow, type RunEvent } from '../src/index.js';

// The fields each event type carries, besides `type`, `runId` and `time` (optional ones in brackets).
const FIELDS: Record<RunEvent['type'], string[]> = {
  run_started: ['message'],
  run_finished: [],
  run_failed: ['message'],
  step_started: ['step', 'attempt'],
  step_finished: ['step', 'attempt', 'durationMs', 'cpuMs', 'peakRssMb'],
  step_failed: ['step', 'attempt', 'message'],
  step_retry: ['step', 'attempt', 'message'],
  step_reused: ['step'],
  progress: ['step', '[unit]', '[done]', '[total]', '[loss]', '[message]', '[worker]'],
};

function fieldsOf(event: RunEvent): { required: boolean; name: string }[] {
  return FIELDS[event.type].map((f) => (f.startsWith('[') ? { required: false, name: f.slice(1, -1) } : { required: true, name: f }));
}

describe('run events', () => {
  it('carry exactly the fields of their type, so a consumer switching on `type` reads what is there', async () => {
    let calls = 0;
    const flaky = defineStep({
      name: 'flaky',
      reads: {},
      retries: 1,
      retryDelayMs: 1,
      run: async (ctx) => {
        ctx.emit({ type: 'progress', unit: 'rows', done: 1, total: 2 });
        if (++calls === 1) throw new Error('first attempt fails');
        return calls;
      },
    });
    const broken = defineStep({
      name: 'broken',
      reads: { flaky },
      run: async () => {
        throw new OrchestratorError('HOKUSAI_FLOW_INVALID', 'broken on purpose');
      },
    });
    const events: RunEvent[] = [];
    const store = new RunStore(await mkdtemp(join(tmpdir(), 'hokusai-events-')));
    await expect(runFlow({ name: 'events', steps: [flaky, broken] }, { store, runId: 'ev', params: {}, onEvent: (e) => events.push(e) })).rejects.toThrow(/broken on purpose/);
    await runFlow({ name: 'events', steps: [flaky] }, { store, runId: 'ev', params: {}, resume: true, onEvent: (e) => events.push(e) });
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(Object.keys(FIELDS)));
    for (const event of events) {
      const { type: _type, runId, time, ...rest } = event;
      expect(runId).toBe('ev');
      expect(typeof time).toBe('number');
      const fields = fieldsOf(event);
      expect(Object.keys(rest).filter((k) => !fields.some((f) => f.name === k)), event.type).toEqual([]);
      for (const f of fields) if (f.required) expect(rest, `${event.type}.${f.name}`).toHaveProperty(f.name);
    }
  });

  it('narrow on `type`: step events name their step, run events do not', () => {
    const describe = (event: RunEvent): string => {
      switch (event.type) {
        case 'step_finished':
          expectTypeOf(event.durationMs).toEqualTypeOf<number>();
          return `${event.step} took ${event.durationMs} ms`;
        case 'progress':
          expectTypeOf(event.done).toEqualTypeOf<number | undefined>();
          return `${event.step}: ${event.done ?? 0}/${event.total ?? 0}`;
        case 'run_finished':
          // @ts-expect-error a run event names no step
          return String(event.step);
        default:
          return event.type;
      }
    };
    expect(describe({ type: 'step_finished', runId: 'r', time: 0, step: 's', attempt: 1, durationMs: 5, cpuMs: 1, peakRssMb: 2 })).toBe('s took 5 ms');
  });
});
