import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawCustomer, generateParts, partRows, PRESETS, REGIONS, SeededRandom, writeDataset, type CustomerRow, type GenerateOptions } from '../src/index.js';

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

/** The generator as it was when it held every row: draw all three parts, then overwrite contributed rows in place. */
function inMemoryReference(options: GenerateOptions): CustomerRow[] {
  const [baseRng, contribRng, benchRng, plantRng] = [1, 2, 3, 4].map((k) => new SeededRandom(Math.imul(options.seed, 2654435761) ^ (k * 40503))) as [SeededRandom, SeededRandom, SeededRandom, SeededRandom];
  const base = Array.from({ length: options.baseRows }, (_, i) => drawCustomer(baseRng, i, 'B', ['north', 'south']));
  const benchmark = Array.from({ length: options.benchmarkRows }, (_, i) => drawCustomer(benchRng, i, 'T', REGIONS));
  const contributed = Array.from({ length: options.contributedRows }, (_, i) => drawCustomer(contribRng, i, 'C', REGIONS));
  const plant = (source: CustomerRow[], count: number): void => {
    for (let i = 0; i < Math.min(count, source.length, contributed.length); i++) {
      const from = source[plantRng.int(source.length)];
      if (from !== undefined) contributed[plantRng.int(contributed.length)] = { ...from };
    }
  };
  plant(contributed, options.duplicates ?? 0);
  plant(base, options.overlapWithBase ?? 0);
  plant(benchmark, options.contamination ?? 0);
  return contributed;
}

describe('datagen streaming', () => {
  it('the 1k preset has the same bytes as when every row was held in memory (SHA-256 pinned)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dg-1k-'));
    const preset = PRESETS['1k'];
    if (!preset) throw new Error('1k preset missing');
    await writeDataset(dir, preset, ['csv', 'jsonl']);
    const pinned: Record<string, string> = {
      'base.csv': '543278900b88609d1479e341c45201b9edfaa886fb3a968cc96d076f7f0bc718',
      'base.jsonl': 'be76008da828b0b54db2a6135164aadcf43b961a1ab9d168f430eac62085ea06',
      'benchmark.csv': '2f7e33d00b6c0b59e15607bb00fc202d305e3fbcad79ffdf17fbc9c76e130cc2',
      'benchmark.jsonl': 'de1ff5af6e2cc71e49c916ddf701ac0c2aadb3e2b6d294a5119ec533de1bb50f',
      'contributed.csv': 'e6b410d8f1470fe4ac2e43ac69fd0de90dfe45c72eff9bcd777043468436a787',
      'contributed.jsonl': '726cf33bf329555fff62d476dd0f9e2c36ed9bf63b8b7d16e02173322f374c0f',
    };
    for (const [f, hash] of Object.entries(pinned)) expect(sha(await readFile(join(dir, f))), f).toBe(hash);
  });

  it('planted copies match the in-memory planting, including duplicates of rows that were already copies', () => {
    // Many copies into few rows, so copies of copies and overwritten copies both occur.
    const options = { seed: 21, baseRows: 300, contributedRows: 200, benchmarkRows: 150, duplicates: 150, overlapWithBase: 60, contamination: 40 };
    expect([...partRows(options, 'contributed')]).toEqual(inMemoryReference(options));
  });

  it('rows come as they are generated: the first rows of the 20m preset without drawing (or holding) the other 10M', () => {
    const preset = PRESETS['20m'];
    if (!preset) throw new Error('20m preset missing');
    const first: CustomerRow[] = [];
    for (const row of partRows(preset, 'base')) {
      first.push(row);
      if (first.length === 1000) break;
    }
    expect(first.map((r) => r.customer_id).slice(0, 2)).toEqual(['B0000000', 'B0000001']);
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
