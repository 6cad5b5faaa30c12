import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, writeTable } from '@hokusai/data-integration';
import { runPipeline, verifyRun, type MemoryPlan, type PipelineConfigInput, type PipelineResult, type RunEvent } from '../src/index.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

interface Body {
  inputs: Record<string, { content_hash: string; row_count: number; file_sha256: string }>;
  models: Record<string, { onnx_sha256: string; family: string }>;
  results: { baseline_metrics: Record<string, unknown>; new_metrics: Record<string, unknown>; delta: { delta_one: number }; data: unknown; execution?: MemoryPlan; training: unknown };
  files: Record<string, string>;
}

const body = async (out: string): Promise<Body> => (JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: Body }).body;
const text = (out: string, file: string): Promise<string> => readFile(join(out, file), 'utf8');

/** What both runs of each comparison share: few bootstrap resamples, PII hashed with a fixed key. */
const COMMON = { delta: { bootstrapResamples: 50 }, pii: { mode: 'hash' as const, key: 'streaming-test-key-0123456789' } };

/** Numbers to 1e-6, everything else exactly. */
function expectClose(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) {
    if (typeof v === 'number') expect(actual[k] as number, k).toBeCloseTo(v, 6);
    else expect(actual[k], k).toEqual(v);
  }
}

describe('a run over its memory budget streams', () => {
  let memoryOut: string;
  let streamOut: string;
  let store: string;
  let streamed: PipelineResult;
  let inMemory: PipelineResult;
  const events: RunEvent[] = [];
  const plans: MemoryPlan[] = [];

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-stream-'));
    memoryOut = join(work, 'memory');
    streamOut = join(work, 'stream');
    store = join(work, 'store');
    inMemory = await runPipeline(quickstartConfig(memoryOut, { ...COMMON, resources: { memory: '4GB' } }), { store });
    // 100 MB is under the estimate for the process alone: the run must stream; batches of 128 rows make several of each input.
    streamed = await runPipeline(quickstartConfig(streamOut, { ...COMMON, resources: { memory: '100MB' } }), { store, streamBatchRows: 128, onEvent: (e) => events.push(e), onMemoryPlan: (p) => plans.push(p) });
  }, 300_000);

  it('says it streams, in the progress output, the attestation and the report', async () => {
    expect(plans).toMatchObject([{ mode: 'streaming', memory_budget_bytes: 100e6 }]);
    const messages = events.flatMap((e) => (e.type === 'progress' && typeof e.message === 'string' ? [e.message] : []));
    expect(messages).toContain('streaming: loading base in batches of 128 rows');
    expect(messages.some((m) => /^streaming: training the new model by passes over \d+ rows on disk$/.test(m))).toBe(true);
    expect(messages).toContain('streaming: dedup and contamination');
    expect((await body(streamOut)).results.execution).toMatchObject({ mode: 'streaming' });
    expect((await body(memoryOut)).results.execution).toMatchObject({ mode: 'in-memory' });
    const report = JSON.parse(await text(streamOut, 'report.json')) as { context: { execution: MemoryPlan } };
    expect(report.context.execution.mode).toBe('streaming');
  });

  it('attests the in-memory run\'s inputs, counts and data report', async () => {
    const [m, s] = [await body(memoryOut), await body(streamOut)];
    expect(s.inputs).toEqual(m.inputs);
    expect(s.results.data).toEqual(m.results.data);
    expect(s.results.training).toEqual(m.results.training);
    expect(await text(streamOut, 'data_report.json')).toBe(await text(memoryOut, 'data_report.json'));
    for (const role of ['base', 'contributed', 'benchmark']) expect(await text(streamOut, `manifests/${role}.json`)).toBe(await text(memoryOut, `manifests/${role}.json`));
    // The planted copies are found, so the equality means something.
    const report = JSON.parse(await text(streamOut, 'data_report.json')) as { contamination: { removed: number }; rows: { contributed_kept: number; contributed_input: number } };
    expect(report.contamination.removed).toBeGreaterThan(0);
    expect(report.rows.contributed_kept).toBeLessThan(report.rows.contributed_input);
  });

  it('trains the same models and gets the same metrics and DeltaOne', async () => {
    const [m, s] = [await body(memoryOut), await body(streamOut)];
    // Training by passes over batches gives the in-memory ONNX bytes.
    expect(s.models).toEqual(m.models);
    expectClose(s.results.baseline_metrics, m.results.baseline_metrics);
    expectClose(s.results.new_metrics, m.results.new_metrics);
    expect(streamed.deltaOne).toBeCloseTo(inMemory.deltaOne as number, 6);
    expect(streamed.accepted).toBe(inMemory.accepted);
    expect(await text(streamOut, 'predictions.json')).toBe(await text(memoryOut, 'predictions.json'));
  });

  it('leaves a folder the verifier accepts, and no work folder behind', async () => {
    const verification = await verifyRun(streamOut);
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(existsSync(join(store, 'work')) ? readdirSync(join(store, 'work')) : []).toEqual([]);
  });
});

describe.each([
  // pyarrow's and pandas' usual format for data this size.
  ['Parquet', { base: 'parquet', contributed: 'parquet', benchmark: 'parquet' }],
  // A JSON array is read a record at a time too.
  ['JSON Lines and JSON', { base: 'jsonl', contributed: 'json', benchmark: 'jsonl' }],
])('a run over its budget streams %s inputs too', (_label, formats: Record<string, string>) => {
  let memoryOut: string;
  let streamOut: string;
  let streamed: PipelineResult;
  let inMemory: PipelineResult;

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-stream-formats-'));
    // The quickstart's files in these formats.
    const inputs: Record<string, string> = {};
    for (const role of ['base', 'contributed', 'benchmark']) {
      inputs[role] = join(work, `${role}.${formats[role] as string}`);
      await writeTable((await loadDataset(join(QUICKSTART, `${role}.csv`))).table, inputs[role] as string);
    }
    const store = join(work, 'store');
    const config = (out: string, memory: string): PipelineConfigInput => ({ ...quickstartConfig(out, { ...COMMON, resources: { memory } }), ...inputs });
    memoryOut = join(work, 'memory');
    streamOut = join(work, 'stream');
    inMemory = await runPipeline(config(memoryOut, '4GB'), { store });
    streamed = await runPipeline(config(streamOut, '100MB'), { store, streamBatchRows: 128 });
  }, 300_000);

  it('attests the in-memory run\'s inputs, data report, models and metrics', async () => {
    const [m, s] = [await body(memoryOut), await body(streamOut)];
    expect(s.results.execution).toMatchObject({ mode: 'streaming' });
    expect(m.results.execution).toMatchObject({ mode: 'in-memory' });
    expect(s.inputs).toEqual(m.inputs);
    for (const role of ['base', 'contributed', 'benchmark']) expect(await text(streamOut, `manifests/${role}.json`)).toBe(await text(memoryOut, `manifests/${role}.json`));
    for (const role of ['base', 'contributed', 'benchmark']) expect(JSON.parse(await text(streamOut, `manifests/${role}.json`))).toMatchObject({ format: formats[role] });
    expect(await text(streamOut, 'data_report.json')).toBe(await text(memoryOut, 'data_report.json'));
    expect(s.models).toEqual(m.models);
    expectClose(s.results.new_metrics, m.results.new_metrics);
    expect(streamed.deltaOne).toBeCloseTo(inMemory.deltaOne as number, 6);
    expect(await text(streamOut, 'predictions.json')).toBe(await text(memoryOut, 'predictions.json'));
    expect((await verifyRun(streamOut)).checks.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('what streaming does not do is refused before anything is read', () => {
  it.each([
    ['another model family', { model: { family: 'mlp', params: {} } }, /the model family "mlp"/],
    ['a hyperparameter search', { search: { strategy: 'grid', space: { l2: { values: [0.1, 1] } } } }, /a hyperparameter search/],
  ])('%s', async (_name, extra, reason) => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-stream-'));
    const out = join(work, 'out');
    await expect(runPipeline(quickstartConfig(out, { resources: { memory: '100MB' }, ...extra } as never), { store: join(work, 'store') })).rejects.toMatchObject({
      code: 'HOKUSAI_STREAMING_UNAVAILABLE',
      message: expect.stringMatching(reason),
    });
    await expect(runPipeline(quickstartConfig(out, { resources: { memory: '100MB' }, ...extra } as never), { store: join(work, 'store') })).rejects.toThrow(/Streaming runs train logistic_regression by passes over batches/);
    expect(existsSync(out)).toBe(false);
  });
});
