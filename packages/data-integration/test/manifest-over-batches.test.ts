import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { loadDataset, loadDatasetInBatches, manifestOverBatches, manifestOverBatchesInWorker } from '../src/index.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Repeated values in every column (ints, floats with -0 and 0, text, bools), nulls, duplicate rows. */
function csv(): string {
  const lines = ['name,count,ratio,flag,city'];
  const cities = ['Zürich', 'Kyōto', 'São Paulo', '', 'Oslo', 'oslo'];
  for (let i = 0; i < 120; i++) {
    const k = i % 53;
    lines.push([`n${k % 41}`, k % 6 === 0 ? '' : String(k % 17), k === 3 ? '-0' : k === 4 ? '0' : k % 5 === 0 ? '' : String((k % 13) / 8), k % 2 === 0 ? 'true' : 'false', cities[k % cities.length]].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('the manifest over batches', () => {
  it.each([
    ['the mixed file, 4 partitions, batches of 30 rows', 'mixed', 2, 30],
    ['the quickstart base, 8 partitions, batches of 100 rows', 'quickstart', 3, 100],
  ])('equals buildManifest of the whole table: %s', async (_name, which, partitionBits, batchRows) => {
    const path = which === 'mixed' ? tmp.write('mixed.csv', csv()) : fixture('../../../../examples/quickstart/base.csv');
    const whole = await loadDataset(path);
    const batched = await loadDatasetInBatches(path, { dir: tmp.path(`b-${which}`), batchRows });
    const manifest = await manifestOverBatches(() => batched.read(), { source_path: path, format: 'csv', file_sha256: batched.file_sha256 }, { dir: tmp.path(`m-${which}`), partitionBits });
    expect(manifest).toEqual(whole.manifest);
    // Distinct counts that a per-batch sum would overstate are there.
    expect(Object.values(manifest.unique_counts).some((u) => u < manifest.row_count / 2)).toBe(true);
  });

  it('is built the same on a worker thread, and a bad option comes back as the same typed error', async () => {
    const path = tmp.write('mixed-worker.csv', csv());
    const whole = await loadDataset(path);
    const batched = await loadDatasetInBatches(path, { dir: tmp.path('b-worker'), batchRows: 30 });
    const meta = { source_path: path, format: 'csv' as const, file_sha256: batched.file_sha256 };
    const dir = tmp.path('m-worker');
    expect(await manifestOverBatchesInWorker(batched.batches, meta, { dir, partitionBits: 2 })).toEqual(whole.manifest);
    expect(existsSync(dir)).toBe(false);
    await expect(manifestOverBatchesInWorker(batched.batches, meta, { dir, partitionBits: 13 })).rejects.toMatchObject({ name: 'DataIntegrationError', code: 'HOKUSAI_INVALID_OPTIONS' });
  });
});
