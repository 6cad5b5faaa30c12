import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Xoshiro128Random } from '@hokusai/core';
import { commitPredictions, predictionsDigest } from '@hokusai/attestation';
import { hokusaiHooks, runPipeline, type PipelineConfigInput } from '../src/index.js';
import { decodePredictions, predictionBitsOf } from '../src/flow/predictions-file.js';
import { EarlyCommitments } from '../src/flow/early-commitments.js';
import { seededInputs } from './fixtures/seeded-inputs.js';

/** The attested commitments' accumulator, and the one of the predictions the run published. */
async function committed(out: string): Promise<{ attested: string; ofPublished: string }> {
  const attestation = JSON.parse(await readFile(join(out, 'attestation.json'), 'utf8')) as { body: { predictions: { accumulator: string; circuit_n: number } } };
  const published = decodePredictions(await readFile(join(out, 'predictions.json')), 'predictions.json');
  const bits = predictionBitsOf(published, published.file.threshold);
  return { attested: attestation.body.predictions.accumulator, ofPublished: commitPredictions(bits, attestation.body.predictions.circuit_n).accumulator };
}

describe('the attestation commitments evaluate starts', () => {
  let work: string;
  let config: (out: string) => PipelineConfigInput;

  beforeAll(async () => {
    ({ work, config } = await seededInputs('hokusai-commit-early-', { base: 3_000, contributed: 1_000, benchmark: 2_500 }, { proof: { enabled: false, circuitN: 256 } }));
  });

  it('commit to the predictions the run publishes, also when a hook changes the scores after they were started', async () => {
    await runPipeline(config(join(work, 'plain')), { store: join(work, 'store') });
    const plain = await committed(join(work, 'plain'));
    expect(plain.attested).toBe(plain.ofPublished);

    // Scores moved across the threshold after evaluate started the commitments: the attestation
    // must commit to the changed predictions, not to those the early commitments were made of.
    const hooks = hokusaiHooks();
    hooks.register(
      'post_evaluation',
      (evaluation) => ({ ...evaluation, newScores: Float64Array.from(evaluation.newScores, (s, i) => (i % 7 === 0 ? 1 - s : s)) }),
      'flip-every-seventh',
    );
    await runPipeline(config(join(work, 'hooked')), { store: join(work, 'store-hooked'), hooks });
    const hooked = await committed(join(work, 'hooked'));
    expect(hooked.attested).toBe(hooked.ofPublished);
    expect(hooked.attested).not.toBe(plain.attested);
  }, 120_000);

  it('are handed over once and can be ended', async () => {
    const early = new EarlyCommitments();
    const bits = { labels: Uint8Array.from([1, 0, 1, 1]), baseline: Uint8Array.from([1, 1, 0, 1]), new: Uint8Array.from([1, 0, 1, 0]) };
    early.start(bits, 256);
    const started = early.take();
    expect(started?.digest).toBe(predictionsDigest(bits, 256));
    expect(await started?.result).toEqual(commitPredictions(bits, 256));
    expect(early.take()).toBeUndefined();
    // 100k rows (about 0.4 s of hashing) ended as soon as started: the thread never answers.
    const rng = new Xoshiro128Random(9);
    const many = () => Uint8Array.from({ length: 100_000 }, () => (rng.nextFloat() < 0.5 ? 1 : 0));
    early.start({ labels: many(), baseline: many(), new: many() }, 256);
    const ended = early.take();
    ended?.cancel();
    await expect(ended?.result).rejects.toThrow();
  });
});
