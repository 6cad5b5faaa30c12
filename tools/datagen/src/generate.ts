import { SeededRandom } from './random.js';
import { drawCustomer, REGIONS, type CustomerRow, type Region } from './churn-model.js';

export interface GenerateOptions {
  seed: number;
  baseRows: number;
  contributedRows: number;
  benchmarkRows: number;
  /** Exact copies of contributed rows planted inside the contributed part. */
  duplicates?: number;
  /** Contributed rows copied from the base part (dropped by integration as already known). */
  overlapWithBase?: number;
  /** Contributed rows copied from the benchmark (must always be removed: contamination). */
  contamination?: number;
}

export interface GeneratedParts {
  base: CustomerRow[];
  contributed: CustomerRow[];
  benchmark: CustomerRow[];
  planted: { duplicates: number; overlapWithBase: number; contamination: number };
}

const BASE_REGIONS: readonly Region[] = ['north', 'south'];

/**
 * Base data covers only two regions; contributed data and the benchmark cover all four.
 * Each part draws from its own stream, so changing one part's size leaves the others alone.
 */
export function generateParts(options: GenerateOptions): GeneratedParts {
  const streams = [1, 2, 3, 4].map((k) => new SeededRandom(Math.imul(options.seed, 2654435761) ^ (k * 40503)));
  const [baseRng, contribRng, benchRng, plantRng] = streams as [SeededRandom, SeededRandom, SeededRandom, SeededRandom];
  const base = Array.from({ length: options.baseRows }, (_, i) => drawCustomer(baseRng, i, 'B', BASE_REGIONS));
  const benchmark = Array.from({ length: options.benchmarkRows }, (_, i) => drawCustomer(benchRng, i, 'T', REGIONS));
  const contributed = Array.from({ length: options.contributedRows }, (_, i) => drawCustomer(contribRng, i, 'C', REGIONS));

  const duplicates = plantCopies(plantRng, contributed, contributed, options.duplicates ?? 0);
  const overlapWithBase = plantCopies(plantRng, base, contributed, options.overlapWithBase ?? 0);
  const contamination = plantCopies(plantRng, benchmark, contributed, options.contamination ?? 0);
  return { base, contributed, benchmark, planted: { duplicates, overlapWithBase, contamination } };
}

/** Overwrites random rows of `target` with copies of random rows of `source`. */
function plantCopies(rng: SeededRandom, source: CustomerRow[], target: CustomerRow[], count: number): number {
  const n = Math.min(count, source.length, target.length);
  for (let i = 0; i < n; i++) {
    const from = source[rng.int(source.length)];
    if (from !== undefined) target[rng.int(target.length)] = { ...from };
  }
  return n;
}
