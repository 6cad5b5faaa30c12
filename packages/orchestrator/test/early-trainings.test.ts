import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromArrays, type Table } from 'apache-arrow';
import { Xoshiro128Random } from '@hokusai/core';
import { trainModel, type TrainOptions } from '@hokusai/training';
import { hokusaiHooks, runPipeline, type PipelineConfigInput, type RunEvent } from '../src/index.js';
import { EARLY_TRAINING_MESSAGE } from '../src/flow/steps/train-step.js';
import { EarlyTrainings } from '../src/flow/early-trainings.js';

/** Rows of five features, a category and a label that depends on them (seeded). */
function csv(rows: number, seed: number, firstId: number): string {
  const rng = new Xoshiro128Random(seed);
  const lines = ['id,x1,x2,x3,x4,x5,plan,label'];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: 5 }, () => Math.round((rng.nextFloat() * 4 - 2) * 1000) / 1000);
    const plan = ['basic', 'pro', 'team'][Math.floor(rng.nextFloat() * 3)] as string;
    const z = x[0]! - 0.5 * x[1]! + (plan === 'pro' ? 0.8 : 0) + (rng.nextFloat() - 0.5);
    lines.push(`${firstId + i},${x.join(',')},${plan},${z > 0 ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

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
    work = await mkdtemp(join(tmpdir(), 'hokusai-early-'));
    // Above the size from which models train on their own threads (50k rows).
    await writeFile(join(work, 'base.csv'), csv(50_000, 1, 0));
    await writeFile(join(work, 'contributed.csv'), csv(4_000, 2, 100_000));
    await writeFile(join(work, 'benchmark.csv'), csv(2_000, 3, 200_000));
    config = (out) => ({
      base: join(work, 'base.csv'),
      contributed: join(work, 'contributed.csv'),
      benchmark: join(work, 'benchmark.csv'),
      target: 'label',
      exclude: ['id'],
      out,
      proof: { enabled: false },
      delta: { bootstrapResamples: 50 },
    });
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
