import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromArrays, type Table } from 'apache-arrow';
import { trainModel, type TrainOptions } from '@hokusai/training';
import { hokusaiHooks, runPipeline, type PipelineConfigInput, type RunEvent } from '../src/index.js';
import { EARLY_TRAINING_MESSAGE } from '../src/flow/steps/train-step.js';
import { EarlyTrainings } from '../src/flow/early-trainings.js';
import { seededInputs } from './fixtures/seeded-inputs.js';

interface Body {
  models: Record<string, { onnx_sha256: string }>;
  results: { baseline_metrics: unknown; new_metrics: unknown; delta: { delta_one: number } };
}
const body = async (out: string): Promise<Body> => (JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: Body }).body;
const earlyIn = (events: RunEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'progress' && e.message === EARLY_TRAINING_MESSAGE && 'step' in e ? [e.step] : [])).sort();

describe('models train while integrate runs, with the same result', () => {
  let work: string;
  let config: (out: string) => PipelineConfigInput;

  beforeAll(async () => {
    // Above the size from which models train on their own threads (50k rows).
    ({ work, config } = await seededInputs('hokusai-early-', { base: 50_000, contributed: 4_000, benchmark: 2_000 }));
  });

  it('takes both trainings over from integrate; a hook on the options makes the steps train themselves, to the same models', async () => {
    const early: RunEvent[] = [];
    await runPipeline(config(join(work, 'early')), { store: join(work, 'store'), onEvent: (e) => early.push(e) });
    expect(earlyIn(early)).toEqual(['train_baseline', 'train_new']);
    // Training progress still reaches each train step, ending complete.
    for (const step of ['train_baseline', 'train_new']) {
      const counted = early.filter((e) => e.type === 'progress' && 'step' in e && e.step === step && typeof e.total === 'number');
      expect(counted.length, step).toBeGreaterThan(0);
      const last = counted.at(-1) as { done: number; total: number };
      expect(last.done, step).toBe(last.total);
    }

    // A pre_training hook may change the options, so nothing trains before the train steps.
    const hooks = hokusaiHooks();
    hooks.register('pre_training', () => undefined, 'unchanged');
    const late: RunEvent[] = [];
    await runPipeline(config(join(work, 'late')), { store: join(work, 'store'), hooks, onEvent: (e) => late.push(e) });
    expect(earlyIn(late)).toEqual([]);
    // Steps one at a time: so are the trainings.
    const serial: RunEvent[] = [];
    await runPipeline({ ...config(join(work, 'serial')), concurrency: 1 }, { store: join(work, 'store'), onEvent: (e) => serial.push(e) });
    expect(earlyIn(serial)).toEqual([]);

    const [a, b] = [await body(join(work, 'early')), await body(join(work, 'late'))];
    expect(a.models).toEqual(b.models);
    expect((await body(join(work, 'serial'))).models).toEqual(a.models);
    expect(a.results.baseline_metrics).toEqual(b.results.baseline_metrics);
    expect(a.results.new_metrics).toEqual(b.results.new_metrics);
    expect(a.results.delta.delta_one).toBe(b.results.delta.delta_one);
  }, 300_000);

  it('a run whose contribution integrate then refuses fails with that error', async () => {
    const events: RunEvent[] = [];
    await expect(runPipeline({ ...config(join(work, 'refused')), quality: { threshold: 0.999 } }, { store: join(work, 'store'), onEvent: (e) => events.push(e) })).rejects.toMatchObject({ code: 'HOKUSAI_QUALITY_BELOW_THRESHOLD' });
    expect(events.some((e) => 'step' in e && typeof e.step === 'string' && e.step.startsWith('train_'))).toBe(false);
  }, 120_000);
});

describe('EarlyTrainings', () => {
  const table = (): Table => tableFromArrays({ x: Float64Array.from({ length: 400 }, (_, i) => (i % 17) / 17), label: Int32Array.from({ length: 400 }, (_, i) => (i % 17 > 8 ? 1 : 0)) });
  const options: TrainOptions = { target: 'label', seed: 1 };

  it('hands a training over only to the same role with equal options, replaying its progress', async () => {
    const early = new EarlyTrainings();
    early.start('baseline', table(), options);
    expect(early.take('new', options, () => undefined)).toBeUndefined();
    const heard: { done: number; total: number }[] = [];
    const taken = early.take('baseline', { ...options }, (p) => heard.push(p));
    expect(taken).toBeDefined();
    const model = await taken!;
    expect(Buffer.from(model.onnx).equals(Buffer.from((await trainModel(table(), options)).onnx))).toBe(true);
    expect(heard.at(-1)?.done).toBe(heard.at(-1)?.total);
    // Taken once: a second take finds nothing.
    expect(early.take('baseline', options, () => undefined)).toBeUndefined();
  }, 60_000);

  it('gives up a training started with other options, or cancelled', () => {
    const early = new EarlyTrainings();
    early.start('new', table(), options);
    expect([early.started('new'), early.started('baseline')]).toEqual([true, false]);
    expect(early.take('new', { ...options, seed: 2 }, () => undefined)).toBeUndefined();
    expect(early.started('new')).toBe(false);
    early.start('baseline', table(), options);
    early.cancel();
    expect(early.take('baseline', options, () => undefined)).toBeUndefined();
  });
});
