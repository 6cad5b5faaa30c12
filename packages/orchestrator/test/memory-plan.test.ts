import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tableFromArrays } from 'apache-arrow';
import { writeTable } from '@hokusai/data-integration';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, runPipeline, verifyRun, type MemoryPlan } from '../src/index.js';
import { estimateInMemoryBytes } from '../src/flow/memory-plan.js';
import { parseMemorySize } from '../src/flow/memory-size.js';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';

const INPUTS = ['base.csv', 'contributed.csv', 'benchmark.csv'].map((f) => join(QUICKSTART, f));

describe('resources.memory', () => {
  it('reads sizes in decimal and binary units and refuses anything else, naming the key', () => {
    expect(parseMemorySize('2GB')).toBe(2e9);
    expect(parseMemorySize('512 MB')).toBe(512e6);
    expect(parseMemorySize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseMemorySize('64kib')).toBe(65_536);
    expect(() => parseMemorySize('0GB')).toThrow(/resources.memory/);
    expect(() => parseConfig(quickstartConfig('/tmp/x', { resources: { memory: 'two gigs' } }))).toThrow(/resources\.memory: write a number and a unit/);
  });

  it('estimates the in-memory peak from the input files\' sizes and formats', async () => {
    const csv = await estimateInMemoryBytes(INPUTS);
    // 200 MB for the process, 7 bytes per byte of CSV (the quickstart's three files: 140 kB).
    expect(csv).toBeGreaterThan(200e6 + 7 * 130e3);
    expect(csv).toBeLessThan(200e6 + 7 * 150e3);
    await expect(estimateInMemoryBytes([join(QUICKSTART, 'missing.csv')])).rejects.toMatchObject({ code: 'HOKUSAI_INPUT_NOT_FOUND' });
  });

  it('estimates a Parquet file of few repeated values by its footer\'s rows and column types, not its small size', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-memory-'));
    const n = 300_000;
    const path = join(work, 'categories.parquet');
    // Five int32 columns of four values and a text column of three: a few hundred kB of Parquet.
    const columns: Record<string, Int32Array | string[]> = Object.fromEntries(Array.from({ length: 5 }, (_, c) => [`c${c}`, Int32Array.from({ length: n }, (_, i) => (i >> c) & 3)]));
    columns['region'] = Array.from({ length: n }, (_, i) => ['north', 'south', 'east'][i % 3] as string);
    await writeTable(tableFromArrays(columns), path);
    const { size } = await stat(path);
    expect(size).toBeLessThan(2e6);
    // 200 MB for the process; 3 times the columns: 5 bytes an int32 value with its validity, 21 a text value.
    expect(await estimateInMemoryBytes([path])).toBe(200e6 + n * (5 * 5 + 21) * 3);
    // A file the footer does not read is estimated by its size, as before.
    const cut = join(work, 'cut.parquet');
    await writeFile(cut, (await readFile(path)).subarray(0, size - 100));
    expect(await estimateInMemoryBytes([cut])).toBe(200e6 + (size - 100) * 28);
  });

  describe('a run within its budget', () => {
    let out: string;
    const plans: MemoryPlan[] = [];
    beforeAll(async () => {
      const work = await mkdtemp(join(tmpdir(), 'hokusai-memory-'));
      out = join(work, 'out');
      await runPipeline(quickstartConfig(out, { resources: { memory: '4GB' }, delta: { bootstrapResamples: 50 } }), { store: join(work, 'store'), onMemoryPlan: (p) => plans.push(p) });
    }, 300_000);

    it('says it runs in memory before reading the inputs, and attests the plan', async () => {
      const estimated = await estimateInMemoryBytes(INPUTS);
      const expected: MemoryPlan = { mode: 'in-memory', memory_budget_bytes: 4e9, estimated_memory_bytes: estimated };
      expect(plans).toEqual([expected]);
      const body = (JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { results: { execution: unknown } } }).body;
      expect(body.results.execution).toEqual(expected);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { context: { execution: unknown } };
      expect(report.context.execution).toEqual(expected);
    });

    it('keeps a folder the verifier accepts (report.json rebuilt from the attested plan)', async () => {
      const verification = await verifyRun(out);
      expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    });
  });

  it('stops a run over its budget that asks what streaming does not do, before reading anything, after saying it would stream', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-memory-'));
    const plans: MemoryPlan[] = [];
    const out = join(work, 'out');
    await expect(runPipeline(quickstartConfig(out, { resources: { memory: '100MB' }, model: { family: 'mlp', params: {} } }), { store: join(work, 'store'), onMemoryPlan: (p) => plans.push(p) })).rejects.toMatchObject({
      code: 'HOKUSAI_STREAMING_UNAVAILABLE',
      message: expect.stringMatching(/over resources\.memory \(100 MB\), so the run must stream, and streaming does not support the model family "mlp"/),
    });
    expect(plans).toMatchObject([{ mode: 'streaming', memory_budget_bytes: 100e6 }]);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'store'))).toBe(false);
  });
});
