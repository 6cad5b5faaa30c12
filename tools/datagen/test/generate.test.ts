import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateParts, PRESETS, SeededRandom, writeDataset } from '../src/index.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('datagen', () => {
  it('the same seed gives the same bytes, another seed different ones', async () => {
    const opts = { seed: 3, baseRows: 50, contributedRows: 60, benchmarkRows: 40, duplicates: 2 };
    const [a, b, c] = await Promise.all([
      mkdtemp(join(tmpdir(), 'dg-')),
      mkdtemp(join(tmpdir(), 'dg-')),
      mkdtemp(join(tmpdir(), 'dg-')),
    ]);
    await writeDataset(a, opts, ['csv', 'jsonl']);
    await writeDataset(b, opts, ['csv', 'jsonl']);
    await writeDataset(c, { ...opts, seed: 4 }, ['csv']);
    for (const f of ['base.csv', 'contributed.csv', 'benchmark.jsonl']) {
      expect(sha(await readFile(join(a, f)))).toBe(sha(await readFile(join(b, f))));
    }
    expect(sha(await readFile(join(a, 'base.csv')))).not.toBe(sha(await readFile(join(c, 'base.csv'))));
  });

  it('base data covers two regions while contributed and benchmark cover all four', () => {
    const parts = generateParts({ seed: 1, baseRows: 500, contributedRows: 500, benchmarkRows: 500 });
    expect(new Set(parts.base.map((r) => r.region))).toEqual(new Set(['north', 'south']));
    expect(new Set(parts.contributed.map((r) => r.region)).size).toBe(4);
    expect(new Set(parts.benchmark.map((r) => r.region)).size).toBe(4);
  });

  it('plants benchmark rows in the contributed part (contamination the pipeline must remove)', () => {
    const parts = generateParts({ seed: 5, baseRows: 100, contributedRows: 200, benchmarkRows: 100, contamination: 7 });
    const bench = new Set(parts.benchmark.map((r) => JSON.stringify(r)));
    const leaked = parts.contributed.filter((r) => bench.has(JSON.stringify(r)));
    expect(leaked.length).toBeGreaterThan(0);
    expect(leaked.length).toBeLessThanOrEqual(7);
  });

  it('the bundled quickstart example is exactly what the quickstart preset generates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-'));
    const preset = PRESETS.quickstart;
    if (!preset) throw new Error('quickstart preset missing');
    await writeDataset(dir, preset, ['csv']);
    for (const f of ['base.csv', 'contributed.csv', 'benchmark.csv']) {
      const bundled = await readFile(new URL(`../../../examples/quickstart/${f}`, import.meta.url));
      expect(sha(await readFile(join(dir, f))), f).toBe(sha(bundled));
    }
  });

  it('the generator is uniform enough to trust: mean of 100k draws near 0.5, normal sd near 1', () => {
    const rng = new SeededRandom(42);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 100_000; i++) sum += rng.uniform();
    for (let i = 0; i < 100_000; i++) sq += rng.normal() ** 2;
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(Math.sqrt(sq / 100_000) - 1)).toBeLessThan(0.01);
  });
});

describe('datagen parquet', () => {
  it('writes missing income as null, which the loader reads as missing', async () => {
    const { loadDataset } = await import('@hokusai/data-integration');
    const dir = await mkdtemp(join(tmpdir(), 'dg-pq-'));
    await writeDataset(dir, { seed: 9, baseRows: 400, contributedRows: 10, benchmarkRows: 10 }, ['parquet', 'csv']);
    const parquet = await loadDataset(join(dir, 'base.parquet'));
    const csv = await loadDataset(join(dir, 'base.csv'));
    expect(parquet.manifest.null_counts.income).toBeGreaterThan(0);
    expect(parquet.manifest.null_counts.income).toBe(csv.manifest.null_counts.income);
    expect(parquet.manifest.row_count).toBe(400);
  });
});
