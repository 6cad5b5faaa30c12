import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { encodeLabels, TrainingError, trainModel } from '../src/index.js';

describe('encodeLabels', () => {
  it('maps labels to their index in the class list', () => {
    const t = tableFromArrays({ y: ['pro', 'basic', 'plus', 'basic'] });
    expect(Array.from(encodeLabels(t, 'y', ['basic', 'plus', 'pro']))).toEqual([2, 0, 1, 0]);
  });

  it('reads boolean and integer targets as their own types', () => {
    const b = tableFromArrays({ y: [true, false, true] });
    expect(Array.from(encodeLabels(b, 'y', [false, true]))).toEqual([1, 0, 1]);
    const i = tableFromArrays({ y: Int32Array.from([3, 7, 3]) });
    expect(Array.from(encodeLabels(i, 'y', [3, 7]))).toEqual([0, 1, 0]);
  });

  it('fails on an unseen label, a label of another type and a null', () => {
    const unseen = tableFromArrays({ y: ['a', 'z'] });
    expect(() => encodeLabels(unseen, 'y', ['a', 'b'])).toThrow(expect.objectContaining({ code: 'HOKUSAI_LABEL_UNSEEN' }) as Error);
    const typed = tableFromArrays({ y: ['0', '1'] });
    expect(() => encodeLabels(typed, 'y', [0, 1])).toThrow(expect.objectContaining({ code: 'HOKUSAI_LABEL_TYPE_MISMATCH' }) as Error);
    const withNull = tableFromArrays({ y: ['a', null] });
    expect(() => encodeLabels(withNull, 'y', ['a'])).toThrow(TrainingError);
  });

  it('names short labels in its errors but never an e-mail address or a long number', () => {
    const error = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return `${(e as Error).message} ${JSON.stringify(e)}`;
      }
      throw new Error('expected an error');
    };
    const leaky = error(() => encodeLabels(tableFromArrays({ y: ['ana.kim@example.com', '4155550132'] }), 'y', ['2125550199', 'ben@example.org']));
    for (const v of ['ana.kim@example.com', '4155550132', '2125550199', 'ben@example.org']) expect(leaky).not.toContain(v);
    expect(leaky).toMatch(/19-character text \(not shown\)/);
    expect(error(() => encodeLabels(tableFromArrays({ y: ['a', 'z'] }), 'y', ['a', 'b']))).toMatch(/label "z" .* classes "a", "b"/);
  });

  it('sorts string classes and makes classes[1] the positive class of a binary model', async () => {
    const t = tableFromArrays({ x: Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7]), y: ['yes', 'no', 'yes', 'no', 'no', 'yes', 'no', 'yes'] });
    const model = await trainModel(t, { target: 'y', seed: 1 });
    expect(model.metadata.classes).toEqual(['no', 'yes']);
  });
});
