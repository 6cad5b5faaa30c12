import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAndKillWhen } from './fixtures/kill-child.js';
import { quickstartConfig } from './fixtures/quickstart.js';
import { RunStore, resumePipeline, runPipeline, type PipelineConfigInput, type ProgressEvent, type RunEvent } from '../src/index.js';

const values = [1e-4, 0.003, 0.1, 1, 10, 300];
const search = { strategy: 'grid' as const, space: { l2: { values } }, metric: 'log_loss' as const };
const config = (out: string, extra: Partial<PipelineConfigInput> = {}): PipelineConfigInput => quickstartConfig(out, { delta: { bootstrapResamples: 200 }, search, ...extra });
const body = async (dir: string): Promise<string> => JSON.stringify((JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as { body: unknown }).body);

describe('hyperparameter-search trials as units of work', () => {
  let work: string;
  let reference: string;
  let referenceRunId: string;
  const referenceEvents: RunEvent[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-search-'));
    reference = join(work, 'reference');
    referenceRunId = (await runPipeline(config(reference), { store: join(work, 'store-ref'), onEvent: (e) => referenceEvents.push(e) })).runId;
  }, 300_000);

  it('plans the trials, runs each as a foreach item and joins them into the best params', async () => {
    const store = new RunStore(join(work, 'store-ref'));
    const steps = await store.readSteps(referenceRunId);
    const plan = store.readValue(steps.get('search_plan')?.output as string) as { id: number; rung: number; params: { l2: number } }[];
    expect(plan.map((t) => [t.id, t.rung, t.params.l2])).toEqual(values.map((v, i) => [i, 0, v]));
    const trials = store.readValue(steps.get('search_trial')?.output as string) as { id: number; score: number; params: { l2: number } }[];
    expect(trials.map((t) => t.id)).toEqual([0, 1, 2, 3, 4, 5]);
    const best = [...trials].sort((a, b) => b.score - a.score || a.id - b.id)[0];
    const training = (JSON.parse(await readFile(join(reference, 'attestation.json'), 'utf8')) as { body: { results: { training: { params: { l2: number }; search: { trials: number } } } } }).body.results.training;
    expect(training.params.l2).toBe(best?.params.l2);
    expect(training.search.trials).toBe(6);
    // The heaviest penalty flattens the model: it cannot be the best on log loss.
    expect(training.params.l2).not.toBe(300);
    const bar = referenceEvents.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'search_trial' && e.unit === 'trials');
    expect(bar.map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps the flow as it was without a search: empty plan, no trial, the configured params', async () => {
    const out = join(work, 'no-search');
    const storeDir = join(work, 'store-no-search');
    const { runId } = await runPipeline(config(out, { search: undefined, model: { family: 'logistic_regression', params: { l2: 0.5 } } }), { store: storeDir });
    const store = new RunStore(storeDir);
    const steps = await store.readSteps(runId);
    expect(store.readValue(steps.get('search_plan')?.output as string)).toEqual([]);
    expect(store.readValue(steps.get('search_trial')?.output as string)).toEqual([]);
    expect(store.readValue(steps.get('search')?.output as string)).toEqual({ params: { l2: 0.5 }, searched: false });
    const training = (JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { results: { training: unknown } } }).body.results.training;
    expect(training).toEqual({ params: { l2: 0.5 }, search: { params: { l2: 0.5 }, searched: false } });
    expect(existsSync(join(storeDir, 'runs', runId, 'items'))).toBe(false);
  });

  it('runs every rung of successive halving as items, each rung planned from the one before', async () => {
    const out = join(work, 'halving');
    const storeDir = join(work, 'store-halving');
    const events: RunEvent[] = [];
    const halving = { strategy: 'halving' as const, space: { l2: { values: [300, 1e-4, 0.1, 3] } } };
    const { runId } = await runPipeline(config(out, { search: halving }), { store: storeDir, onEvent: (e) => events.push(e) });
    const store = new RunStore(storeDir);
    const steps = await store.readSteps(runId);
    const plan = store.readValue(steps.get('search_plan')?.output as string) as { rung: number; rows: number }[];
    expect(plan.map((t) => t.rung)).toEqual([0, 0, 0, 0]);
    // Four candidates, eta 3: a rung of 4 trials on a third of the rows, then the best one on all
    // of them, planned by search_rung_1 and run as an item of search_trial_1.
    const rung1 = store.readValue(steps.get('search_rung_1')?.output as string) as { id: number; rung: number; rows: number }[];
    expect(rung1.map((t) => t.rung)).toEqual([1]);
    expect(rung1[0]?.rows).toBeGreaterThan(plan[0]?.rows as number);
    const first = store.readValue(steps.get('search_trial')?.output as string) as { id: number; score: number }[];
    const bestFirst = [...first].sort((a, b) => b.score - a.score || a.id - b.id)[0];
    expect(rung1[0]?.id).toBe(bestFirst?.id);
    const search = store.readValue(steps.get('search')?.output as string) as { trials: number; best: { params: { l2: number } } };
    expect(search.trials).toBe(5);
    expect(events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'search_trial' && e.unit === 'trials')).toHaveLength(4);
    expect(events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'search_trial_1' && e.unit === 'trials')).toHaveLength(1);
    expect(events.some((e) => e.type === 'progress' && e.step === 'search')).toBe(false);
    expect([1e-4, 0.1, 3]).toContain(search.best.params.l2);

    // eta 2 on the same four candidates: rungs of 4 (a quarter of the rows), 2 (half), 1 (all).
    const eta2 = await runPipeline(config(join(work, 'halving-eta2'), { search: { ...halving, eta: 2 } }), { store: storeDir });
    const eta2Steps = await store.readSteps(eta2.runId);
    const eta2Plan = store.readValue(eta2Steps.get('search_plan')?.output as string) as { rows: number }[];
    const eta2Search = store.readValue(eta2Steps.get('search')?.output as string) as { trials: number };
    expect([...eta2Steps.keys()].filter((k) => k.startsWith('search_')).sort()).toEqual(['search_plan', 'search_rung_1', 'search_rung_2', 'search_trial', 'search_trial_1', 'search_trial_2']);
    expect(eta2Search.trials).toBe(4 + 2 + 1);
    expect(eta2Plan[0]?.rows).toBeLessThan(plan[0]?.rows as number);
    expect(eta2.runId).not.toBe(runId);
  }, 300_000);

  it('resumes after a kill in the middle of the trials, reusing the trials that had finished', async () => {
    const store = join(work, 'store-kill');
    const out = join(work, 'out-kill');
    // One trial at a time (concurrency is not attested), so the kill surely lands mid-search.
    const { killed, runId } = await runAndKillWhen(config(out, { concurrency: 1 }), store, (e) => e.type === 'progress' && e.step === 'search_trial' && e.unit === 'trials' && (e.done ?? 0) >= 2);
    expect(killed).toBe(true);
    expect(runId).toBe(referenceRunId);
    const records = await new RunStore(store).readSteps(referenceRunId);
    expect(records.get('search_plan')?.status).toBe('finished');
    expect(records.has('search_trial')).toBe(false);
    const finished = (await readdir(join(store, 'runs', referenceRunId, 'items', 'search_trial'))).filter((f) => f.endsWith('.json'));
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(6);

    const events: RunEvent[] = [];
    await resumePipeline(referenceRunId, { store, overwrite: true, onEvent: (e) => events.push(e) });
    const reused = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'search_trial' && /reused from the run store/.test(e.message ?? ''));
    expect(reused.map((e) => Number(/item (\d+)/.exec(e.message ?? '')?.[1])).sort()).toEqual(finished.map((f) => Number(f.replace('.json', ''))).sort());
    // Only the other trials ran again; the bar still ends at 6 of 6.
    const bar = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.step === 'search_trial' && e.unit === 'trials');
    expect(bar).toHaveLength(6 - finished.length);
    expect(bar.at(-1)).toMatchObject({ done: 6, total: 6 });
    expect(events.filter((e) => e.type === 'step_reused').map((e) => e.step)).toEqual(expect.arrayContaining(['integrate', 'search_plan']));
    expect(await body(out)).toBe(await body(reference));
  }, 300_000);
});
