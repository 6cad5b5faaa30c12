import { describe, expect, it } from 'vitest';
import { commitPredictions, type PredictionBits } from '../src/commitments.js';
import { commitPredictionsOnThreads } from '../src/commit-threads.js';
import { seededBits } from './run-fixture.js';

const bits = (rows: number, seed: number): PredictionBits => ({ labels: seededBits(rows, seed), baseline: seededBits(rows, seed + 1), new: seededBits(rows, seed + 2) });

describe('prediction commitments on two threads', () => {
  it('equal the one-thread commitments to the last digit, for a large benchmark with a partial last chunk', async () => {
    const p = bits(200 * 1024 + 333, 11);
    const threaded = await commitPredictionsOnThreads(p, 1024);
    expect(threaded.chunks).toHaveLength(201);
    expect(threaded).toEqual(commitPredictions(p, 1024));
  }, 60_000);

  it('commit a small benchmark in this thread, with the same result', async () => {
    const p = bits(5000, 3);
    expect(await commitPredictionsOnThreads(p, 1024)).toEqual(commitPredictions(p, 1024));
  });
});
