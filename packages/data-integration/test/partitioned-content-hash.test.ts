import { afterAll, describe, expect, it } from 'vitest';
import { contentHashOverBatches, loadDataset, loadDatasetInBatches } from '../src/index.js';
import { fixture, scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Every kind of cell the hash encodes: nulls, ints, floats with -0, text (non-ASCII too), bools, dates; duplicate rows. */
function csv(): string {
  const lines = ['name,count,ratio,flag,day,city'];
  const cities = ['Zürich', 'Kyōto', 'São Paulo', '', 'Oslo'];
  for (let i = 0; i < 90; i++) {
    const k = i % 37; // rows 37.. repeat earlier ones: duplicates
    lines.push([`n${k}`, k % 5 === 0 ? '' : String(k * 7), k === 3 ? '-0' : k % 4 === 0 ? '' : String(k / 8), k % 2 === 0 ? 'true' : 'false', `2024-02-${String(1 + (k % 28)).padStart(2, '0')}`, cities[k % cities.length]].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('the content hash over disk partitions', () => {
  it.each([
    ['one partition', 0, 1000],
    ['4 partitions, batches of 11 rows', 2, 11],
    ['64 partitions, batches of 15 rows', 6, 15],
  ])('equals the in-memory manifest\'s content hash: %s', async (_name, partitionBits, batchRows) => {
    const path = tmp.write(`rows-${partitionBits}.csv`, csv());
    const whole = await loadDataset(path);
    const batched = await loadDatasetInBatches(path, { dir: tmp.path(`b-${partitionBits}`), batchRows });
    const streamed = await contentHashOverBatches(() => batched.read(), { dir: tmp.path(`h-${partitionBits}`), partitionBits });
    expect(streamed).toEqual({ content_hash: whole.manifest.content_hash, row_count: 90 });
  });

  it('equals the pinned quickstart hashes', async () => {
    for (const name of ['base.csv', 'contributed.csv']) {
      const path = fixture(`../../../../examples/quickstart/${name}`);
      const whole = await loadDataset(path);
      const batched = await loadDatasetInBatches(path, { dir: tmp.path(`q-${name}`), batchRows: 64 });
      const streamed = await contentHashOverBatches(() => batched.read(), { dir: tmp.path(`qh-${name}`), partitionBits: 3 });
      expect(streamed.content_hash, name).toBe(whole.manifest.content_hash);
    }
  });
});
