import { statSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as dataIntegration from '@hokusai/data-integration';
import { DatasetCache, loaderGroups } from '../src/flow/dataset-cache.js';

// The real loads, with their calls recorded: which files share a thread.
vi.mock('@hokusai/data-integration', async (importOriginal) => {
  const real = await importOriginal<typeof dataIntegration>();
  return { ...real, loadTablesInWorker: vi.fn(real.loadTablesInWorker) };
});

const MiB = 1024 * 1024;
let dir = '';
const csv = (name: string): string => join(dir, name);

/** A CSV of `rows` rows (about 26 bytes each; a file over 8 MiB loads on a thread). */
async function writeCsv(name: string, rows: number): Promise<void> {
  const lines = ['id,plan,x,label'];
  for (let i = 0; i < rows; i++) lines.push(`${name}-${i},${['basic', 'pro', 'plus'][i % 3]},${(i * 7919) % 10007},${i % 2}`);
  await writeFile(csv(name), `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hk-groups-'));
  await Promise.all([writeCsv('base.csv', 520_000), writeCsv('contrib.csv', 420_000), writeCsv('bench.csv', 380_000), writeCsv('small.csv', 1000)]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loader threads shared between inputs', () => {
  it('put each large input, largest first, with the thread of fewest bytes; none share when threads suffice; small files load here', async () => {
    const sized = async (name: string, mib: number): Promise<string> => {
      await writeFile(csv(name), '');
      await truncate(csv(name), mib * MiB);
      return csv(name);
    };
    const [a, b, c, d] = await Promise.all([sized('a', 40), sized('b', 30), sized('c', 20), sized('d', 15)]);
    const small = csv('small.csv');
    const two = loaderGroups([c, a, small, b], 2);
    expect(two.get(a)).toEqual([a]);
    expect(two.get(b)).toEqual([b, c]);
    expect(two.get(c)).toEqual([b, c]);
    expect(two.has(small)).toBe(false);
    // a (40) and b (30) start the two threads, c joins b (50), d joins a (then 40, the fewest).
    expect(loaderGroups([a, b, c, d], 2).get(d)).toEqual([a, d]);
    expect(loaderGroups([a, b, c], 3).size).toBe(0);
    expect(loaderGroups([a, a, b], 2).size).toBe(0);
  });

  it('loads the two smaller inputs on one thread, the second ahead of its step: tables, manifests and progress as loaded alone', async () => {
    const load = vi.mocked(dataIntegration.loadTablesInWorker);
    load.mockClear();
    const [base, contrib, bench] = [csv('base.csv'), csv('contrib.csv'), csv('bench.csv')];
    for (const path of [base, contrib, bench]) expect(statSync(path).size).toBeGreaterThan(8 * MiB);
    const cache = new DatasetCache({ inputs: [base, contrib, bench], loaderThreads: 2 });
    const [b, m] = await Promise.all([cache.load(bench), cache.load(base)]);
    expect(load.mock.calls.map((call) => call[0].map((f) => f.path))).toEqual([[bench, contrib], [base]]);
    // The contributed file's step comes later: its table is already loading, its progress is replayed.
    const heard: number[] = [];
    const c = await cache.load(contrib, (p) => heard.push(p.done));
    expect(load).toHaveBeenCalledTimes(2);
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.at(-1)).toBe(Math.ceil(statSync(contrib).size / 1024));
    for (const [got, path] of [[b, bench], [m, base], [c, contrib]] as const) {
      const alone = await dataIntegration.loadDataset(path);
      expect(got.table.numRows).toBe(alone.table.numRows);
      expect(await cache.manifest(path)).toEqual(alone.manifest);
    }
    // After clear(), a table asked for again loads alone.
    cache.clear();
    await cache.load(bench);
    expect(load.mock.calls.at(-1)?.[0].map((f) => f.path)).toEqual([bench]);
  });
});
