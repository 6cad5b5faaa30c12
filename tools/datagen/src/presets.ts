import type { GenerateOptions } from './generate.js';

/** Named sizes. `quickstart` is the bundled example (benchmark fits the default proof circuit of 1,024 rows). */
export const PRESETS: Record<string, GenerateOptions> = {
  quickstart: { seed: 7, baseRows: 400, contributedRows: 600, benchmarkRows: 1000, duplicates: 12, overlapWithBase: 6, contamination: 5 },
  '1k': { seed: 11, baseRows: 1000, contributedRows: 1000, benchmarkRows: 1000, duplicates: 20, overlapWithBase: 10, contamination: 10 },
  '100k': { seed: 11, baseRows: 100_000, contributedRows: 100_000, benchmarkRows: 20_000, duplicates: 1000, overlapWithBase: 500, contamination: 200 },
  '1m': { seed: 11, baseRows: 1_000_000, contributedRows: 1_000_000, benchmarkRows: 100_000, duplicates: 10_000, overlapWithBase: 5000, contamination: 1000 },
};
