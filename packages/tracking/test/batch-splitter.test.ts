import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MLFLOW_LIMITS, splitBatch, type KeyValue, type Metric } from '../src/index.js';

const RUN = 'f'.repeat(32);

function bodyBytes(b: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): number {
  return Buffer.byteLength(JSON.stringify({ run_id: RUN, metrics: b.metrics, params: b.params, tags: b.tags }));
}

const metricArb = fc.record({
  key: fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  timestamp: fc.integer({ min: 0, max: 2 ** 42 }),
  step: fc.integer({ min: 0, max: 10_000 }),
});
const kvArb = (maxValue: number) => fc.record({ key: fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/), value: fc.string({ maxLength: maxValue, unit: 'grapheme' }) });

describe('splitBatch', () => {
  it('every request respects MLflow count and byte limits, and nothing is lost or reordered', () => {
    fc.assert(
      fc.property(
        fc.array(metricArb, { maxLength: 2600 }),
        fc.uniqueArray(kvArb(3000), { maxLength: 260, selector: (p) => p.key }),
        fc.array(kvArb(5000), { maxLength: 260 }),
        (metrics, params, tags) => {
          const batches = splitBatch(RUN, { metrics, params, tags });
          for (const b of batches) {
            expect(b.metrics.length).toBeLessThanOrEqual(MLFLOW_LIMITS.metricsPerBatch);
            expect(b.params.length).toBeLessThanOrEqual(MLFLOW_LIMITS.paramsPerBatch);
            expect(b.tags.length).toBeLessThanOrEqual(MLFLOW_LIMITS.tagsPerBatch);
            expect(b.metrics.length + b.params.length + b.tags.length).toBeLessThanOrEqual(MLFLOW_LIMITS.entitiesPerBatch);
            expect(bodyBytes(b)).toBeLessThanOrEqual(MLFLOW_LIMITS.batchRequestBytes);
            expect(b.metrics.length + b.params.length + b.tags.length).toBeGreaterThan(0);
          }
          expect(batches.flatMap((b) => b.metrics)).toEqual(metrics);
          expect(batches.flatMap((b) => b.params)).toEqual(params);
          // Tags: one per key, carrying the last value given for it.
          const lastTag = new Map(tags.map((t) => [t.key, t.value]));
          const sent = batches.flatMap((b) => b.tags);
          expect(new Map(sent.map((t) => [t.key, t.value]))).toEqual(lastTag);
          expect(sent).toHaveLength(lastTag.size);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('collapses a param repeated with the same value into one', () => {
    const [only] = splitBatch(RUN, { metrics: [], params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }], tags: [] });
    expect(only?.params).toEqual([{ key: 'a', value: '1' }]);
  });

  it('returns no request for an empty batch', () => {
    expect(splitBatch(RUN, { metrics: [], params: [], tags: [] })).toEqual([]);
  });
});
