import { describe, expect, it } from 'vitest';
import { commitPredictions, type PredictionBits, type PredictionCommitments } from '../src/commitments.js';
import { buildAttestation } from '../src/attestation.js';
import { commitPredictionsOnThreads, predictionsDigest, startCommitments, type StartedCommitments } from '../src/commit-threads.js';
import { fixtureRun, seededBits } from './run-fixture.js';

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

describe('commitments started ahead of the attestation', () => {
  it('are the one-thread commitments, made on a worker thread, under the digest of their bits and chunk size', async () => {
    const p = bits(50 * 1024 + 7, 21);
    const started = startCommitments(p, 1024);
    expect(started).toBeDefined();
    expect(started?.digest).toBe(predictionsDigest(p, 1024));
    expect(await started?.result).toEqual(commitPredictions(p, 1024));
    // The digest tells every input apart: another chunk size, one bit flipped, bits moved between arrays.
    const flipped = { ...p, new: Uint8Array.from(p.new, (b, i) => (i === 777 ? 1 - b : b)) };
    const swapped = { labels: p.labels, baseline: p.new, new: p.baseline };
    expect(new Set([predictionsDigest(p, 1024), predictionsDigest(p, 512), predictionsDigest(flipped, 1024), predictionsDigest(swapped, 1024)]).size).toBe(4);
  }, 60_000);

  it('are taken by buildAttestation when they are of its predictions, and ignored or made again otherwise', async () => {
    const run = await fixtureRun({ rows: 700, seed: 5 });
    const own = (await buildAttestation(run.input, { prove: false, circuitN: 128 })).attestation;
    const p = run.input.predictions as PredictionBits;
    const other = commitPredictions(bits(700, 99), 128);
    const fake = (digest: string, result: Promise<PredictionCommitments>): StartedCommitments => {
      result.catch(() => undefined);
      return { digest, result, cancel: () => undefined };
    };
    // Of these predictions: used as they are (here a stand-in whose commitments are another run's).
    const used = (await buildAttestation(run.input, { prove: false, circuitN: 128, commitments: fake(predictionsDigest(p, 128), Promise.resolve(other)) })).attestation;
    expect(used.body.predictions?.accumulator).toBe(other.accumulator);
    expect(other.accumulator).not.toBe(own.body.predictions?.accumulator);
    // Of other predictions, or of another chunk size: ignored.
    for (const digest of [predictionsDigest(bits(700, 99), 128), predictionsDigest(p, 64)]) {
      const ignored = (await buildAttestation(run.input, { prove: false, circuitN: 128, commitments: fake(digest, Promise.resolve(other)) })).attestation;
      expect(ignored.body).toEqual(own.body);
    }
    // Of these predictions but failed: made again.
    const failed = (await buildAttestation(run.input, { prove: false, circuitN: 128, commitments: fake(predictionsDigest(p, 128), Promise.reject(new Error('thread died'))) })).attestation;
    expect(failed.body).toEqual(own.body);
    // A real start gives the attestation made without it.
    const real = (await buildAttestation(run.input, { prove: false, circuitN: 128, commitments: startCommitments(p, 128) })).attestation;
    expect(real.body).toEqual(own.body);
  }, 60_000);
});
