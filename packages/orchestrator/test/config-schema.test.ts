import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/index.js';

const minimal = { base: 'b.csv', contributed: 'c.csv', benchmark: 'k.csv', target: 'y', out: 'out' };

function refusal(input: unknown): { code?: string; kind?: string; message: string } | undefined {
  try {
    parseConfig(input);
  } catch (error) {
    return error as { code?: string; kind?: string; message: string };
  }
  return undefined;
}

// The delta options keep the rules of @hokusai/evaluation's computeDelta: a value it refuses
// after both models are trained is refused while the config is read.
describe('the pipeline config composes the delta options computeDelta accepts', () => {
  it('refuses delta.bootstrapResamples 0 at parse time, naming the key', () => {
    const error = refusal({ ...minimal, delta: { bootstrapResamples: 0 } });
    expect(error).toMatchObject({ code: 'HOKUSAI_CONFIG_INVALID', kind: 'input' });
    expect(error?.message).toMatch(/delta\.bootstrapResamples/);
  });

  it('accepts what computeDelta accepts (minSamples 0: no minimum) and keeps the defaults', () => {
    const config = parseConfig({ ...minimal, delta: { minSamples: 0 } });
    expect(config.delta).toEqual({ primaryMetric: 'accuracy', thresholdPp: 1, alpha: 0.05, minSamples: 0, bootstrapResamples: 1000, significanceAgainst: 'zero' });
    expect(refusal({ ...minimal, delta: { bootstrapResamples: 2_000_000 } })?.message).toMatch(/delta\.bootstrapResamples/);
    expect(refusal({ ...minimal, delta: { alpha: 1 } })?.message).toMatch(/delta\.alpha/);
  });
});

describe('proof.inference', () => {
  it('defaults to auto (prove inference when the proof is on and both models are linear), and takes true or false', () => {
    expect(parseConfig(minimal).proof).toEqual({ enabled: true, inference: 'auto' });
    expect(parseConfig({ ...minimal, proof: { enabled: true } }).proof.inference).toBe('auto');
    expect(parseConfig({ ...minimal, proof: { inference: false } }).proof).toEqual({ enabled: true, inference: false });
    expect(parseConfig({ ...minimal, proof: { inference: true } }).proof.inference).toBe(true);
    expect(refusal({ ...minimal, proof: { inference: 'yes' } })).toMatchObject({ code: 'HOKUSAI_CONFIG_INVALID', message: expect.stringMatching(/proof\.inference/) });
  });
});

// The search options keep the rules of @hokusai/training's search: a value the planner refuses
// after the data is loaded is refused while the config is read.
describe('the pipeline config composes the search options the training search accepts', () => {
  const space = { learningRate: { min: 0.01, max: 1, log: true }, l2: { values: [0, 0.1] } };

  it('refuses search.trials above the search limit at parse time, naming the key', () => {
    const error = refusal({ ...minimal, search: { strategy: 'random', space, trials: 20_000 } });
    expect(error).toMatchObject({ code: 'HOKUSAI_CONFIG_INVALID', kind: 'input' });
    expect(error?.message).toMatch(/search\.trials/);
  });

  it('refuses a range with a non-boolean flag and an empty value list, naming the key', () => {
    expect(refusal({ ...minimal, search: { strategy: 'grid', space: { l2: { values: [] } } } })?.message).toMatch(/search\.space/);
    expect(refusal({ ...minimal, search: { strategy: 'random', space: { l2: { min: 0, max: 1, log: 'yes' } } } })?.message).toMatch(/search\.space/);
  });

  it('refuses a range the sampler cannot draw from (max below min, log scale from 0), naming the parameter', () => {
    expect(refusal({ ...minimal, search: { strategy: 'random', space: { l2: { min: 1, max: 0 } } } })?.message).toMatch(/search\.space\.l2/);
    expect(refusal({ ...minimal, search: { strategy: 'random', space: { l2: { min: 0, max: 1, log: true } } } })?.message).toMatch(/search\.space\.l2/);
  });

  it('keeps the search as written (no defaults filled in), so the attested config bytes stay the same', () => {
    const config = parseConfig({ ...minimal, search: { strategy: 'random', space, trials: 10_000 } });
    expect(config.search).toEqual({ strategy: 'random', space, trials: 10_000 });
  });

  it('leaves worker count to the pipeline (search.workers is not a config key)', () => {
    expect(refusal({ ...minimal, search: { strategy: 'grid', space, workers: 2 } })?.message).toMatch(/workers/);
  });
});
