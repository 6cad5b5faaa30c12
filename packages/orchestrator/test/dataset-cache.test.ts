import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '@hokusai/data-integration';
import { DatasetCache } from '../src/flow/dataset-cache.js';

let dir = '';
let path = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-cache-'));
  path = join(dir, 'big.csv');
  // Just over the size from which a file loads on its own thread (8 MiB).
  const lines = ['id,plan,x,label'];
  for (let i = 0; i < 400_000; i++) lines.push(`customer-${i},${['basic', 'pro', 'plus'][i % 3]},${(i * 7919) % 10007},${i % 2}`);
  await writeFile(path, `${lines.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('DatasetCache', () => {
  it('hands a large file on before its manifest, which it keeps past clear()', async () => {
    const cache = new DatasetCache({ inputs: [path] });
    const dataset = await cache.load(path);
    expect(dataset.table.numRows).toBe(400_000);
    expect(() => dataset.manifest).toThrow(expect.objectContaining({ code: 'HOKUSAI_MANIFEST_PENDING' }));
    cache.clear();
    const manifest = await cache.manifest(path);
    expect(manifest).toEqual((await loadDataset(path)).manifest);
  });

  it('inputs larger than earlyMaxBytes in all wait for their manifests, so no loader thread holds a copy through integrate', async () => {
    const cache = new DatasetCache({ inputs: [path], earlyMaxBytes: 1024 });
    const dataset = await cache.load(path);
    expect(dataset.manifest.row_count).toBe(400_000);
    expect(await cache.manifest(path)).toBe(dataset.manifest);
  });
});
