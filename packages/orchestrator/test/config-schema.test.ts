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
