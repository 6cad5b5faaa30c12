import type * as CircomRuntime from 'circom_runtime';
import { describe, expect, it, vi } from 'vitest';
import { benchmarkCommitment, benchmarkPlan, circuitLabels, quantizeBenchmark, quantizeModel } from '../src/linear-quantizer.js';
import { CHUNKS_IN_FLIGHT, linearChunks, proveLinear, verifyLinearProofs } from '../src/linear-prover.js';
import { readLinearModel } from '../src/onnx-linear-model.js';
import { firstRows, linearFixture, quickstartBenchmark, QUICKSTART_COLUMNS as COLUMNS } from './linear-fixture.js';

// The real witness program, with each witness counted as it is made.
const witnesses = vi.hoisted(() => ({ made: 0 }));
vi.mock('circom_runtime', async (importOriginal) => {
  const real = await importOriginal<typeof CircomRuntime>();
  return {
    ...real,
    WitnessCalculatorBuilder: async (...args: Parameters<typeof real.WitnessCalculatorBuilder>) => {
      const calculator = await real.WitnessCalculatorBuilder(...args);
      const calculate = calculator.calculateWTNSBin.bind(calculator);
      calculator.calculateWTNSBin = async (...a: Parameters<typeof calculate>) => {
        witnesses.made++;
        return calculate(...a);
      };
      return calculator;
    },
  };
});

describe('proving many inference chunks', { timeout: 300_000 }, () => {
  it('makes witnesses and hashes the chain only as the prover takes chunks: the first proof returns before most witnesses exist', async () => {
    const all = quickstartBenchmark();
    const plan = benchmarkPlan(all.table, COLUMNS);
    // Three times as many chunks of 7 rows as are handed to the prover at once.
    const rows = 7 * 3 * CHUNKS_IN_FLIGHT;
    const table = firstRows(all.table, rows);
    const q = quantizeBenchmark(plan, table, all.labels.slice(0, rows));
    const m0 = quantizeModel(readLinearModel(linearFixture.baseline()), plan);
    const m1 = quantizeModel(readLinearModel(linearFixture.model()), plan);
    let madeAtFirstProof = -1;
    const reported: number[] = [];
    const { chunks, proofs } = await proveLinear(q, m0, m1, circuitLabels(m0, q), circuitLabels(m1, q), {
      onChunk: (done) => {
        if (done === 1) madeAtFirstProof = witnesses.made;
        reported.push(done);
      },
    });
    expect(proofs).toHaveLength(3 * CHUNKS_IN_FLIGHT);
    // The chain hashed chunk by chunk as the lanes take them: the chunks of one pass over all rows.
    expect(chunks).toEqual(linearChunks(q, circuitLabels(m0, q), circuitLabels(m1, q)));
    expect(witnesses.made).toBe(3 * CHUNKS_IN_FLIGHT);
    // Handed over all at once, every witness was made before the first answer was read.
    expect(madeAtFirstProof).toBeGreaterThan(0);
    expect(madeAtFirstProof).toBeLessThanOrEqual(CHUNKS_IN_FLIGHT + 1);
    expect(reported).toEqual(Array.from({ length: 3 * CHUNKS_IN_FLIGHT }, (_, i) => i + 1));
    const v = await verifyLinearProofs(proofs, { baseline: m0, model: m1, benchmark: benchmarkCommitment(q), rows });
    expect(v.problems).toEqual([]);
  });
});
