import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KnownFileHash } from '@hokusai/data-integration';
import { runIdAndHashes } from '../src/flow/input-fingerprint.js';
import { parseConfig } from '../src/flow/run-pipeline.js';

const example = (file: string): string => fileURLToPath(new URL(`../../../examples/quickstart/${file}`, import.meta.url));

describe('input hashes a caller offers for the run id', () => {
  const config = parseConfig({ base: example('base.csv'), contributed: example('contributed.csv'), benchmark: example('benchmark.csv'), target: 'churned', out: '/tmp/hokusai-offered-out' });

  it('are used while the file has the stat they were computed with, and ignored once it differs', async () => {
    const own = await runIdAndHashes(config);
    const st = statSync(config.base);
    const stat = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    // A hash that is not the file's: if it is used, the run id shows it.
    const offered = (hash: KnownFileHash | null): Map<string, Promise<KnownFileHash | null>> => new Map([[config.base, Promise.resolve(hash)]]);
    const taken = await runIdAndHashes(config, offered({ sha256: 'f'.repeat(64), ...stat }));
    expect(taken.runId).not.toBe(own.runId);
    expect(taken.known.get(config.base)?.sha256).toBe('f'.repeat(64));
    // The file's times or size are not those of the offer: hashed again.
    for (const changed of [{ mtimeMs: stat.mtimeMs + 1 }, { size: stat.size + 1 }, { ino: stat.ino + 1 }]) {
      const ignored = await runIdAndHashes(config, offered({ sha256: 'f'.repeat(64), ...stat, ...changed }));
      expect(ignored.runId).toBe(own.runId);
    }
    // A failed early hash (null, or a rejected promise) leaves the hashing to the run.
    expect((await runIdAndHashes(config, offered(null))).runId).toBe(own.runId);
    expect((await runIdAndHashes(config, new Map([[config.base, Promise.reject(new Error('worker lost'))]]))).runId).toBe(own.runId);
  });
});
