import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/index.js';
import { mulberry32 } from './mulberry32.js';
import { scratch } from './temp-files.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/**
 * A seeded CSV with every kind of cell the content hash encodes: ints, floats (and -0), bools,
 * timestamps, low- and high-cardinality text (ASCII, non-ASCII, quoted with doubled quotes),
 * nulls in every column, and duplicated rows so that rows tie in the canonical order.
 */
function mixedCsv(rows: number, seed: number): string {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const lines = ['id,amount,count,flag,when,plan,note'];
  const made: string[] = [];
  for (let r = 0; r < rows; r++) {
    if (made.length > 0 && rnd() < 0.05) {
      lines.push(pick(made));
      continue;
    }
    const cell = (text: string): string => (rnd() < 0.04 ? '' : text);
    const line = [
      cell(`C${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`),
      cell(pick(['-0', '0', (rnd() * 1000 - 500).toFixed(2), '1e-7'])),
      cell(String(Math.floor(rnd() * 50) - 10)),
      cell(pick(['true', 'false'])),
      cell(`2024-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 10)}T10:30:00Z`),
      cell(pick(['basic', 'pro', 'Öko', 'enterprise'])),
      cell(pick(['"said ""hi"""', 'naïve café', `n${Math.floor(rnd() * 1e6)}`, '"a,b"', '東京'])),
    ].join(',');
    made.push(line);
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

describe('content hash version 1', () => {
  // Pinned so that a faster implementation cannot change what earlier attestations committed to.
  it('stays the same for a fixed table of every cell kind', async () => {
    const small = await loadDataset(tmp.write('small.csv', mixedCsv(300, 1)));
    const large = await loadDataset(tmp.write('large.csv', mixedCsv(20_000, 2)));
    expect([small.manifest.content_hash, large.manifest.content_hash]).toEqual(['d51a2057ad174a23ef424210c786e1a9eddf4d9de8dc6a004bb6fac267677d5b', '8ebe5824eb0740c4bed0f748b3f46dad85e38f3d17d5f9f9405463ab258194a6']);
    expect(large.manifest.dtypes).toEqual({ amount: 'float', count: 'int', flag: 'bool', id: 'string', note: 'string', plan: 'string', when: 'timestamp' });
    expect(large.manifest.unique_counts).toEqual({ amount: 4491, count: 50, flag: 2, id: 18188, note: 3700, plan: 4, when: 90 });
  });
});
