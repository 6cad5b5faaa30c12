import type { GenerateOptions } from './generate.js';

/**
 * Named sizes. `quickstart` is the bundled example (benchmark fits the default proof circuit of
 * 1,024 rows). `5m` and `20m` split their rows as 50% base, 30% contributed, 20% benchmark; rows
 * are written as they are generated, so no size needs a large heap.
 */
export const PRESETS: Record<string, GenerateOptions> = {
  quickstart: { seed: 7, baseRows: 400, contributedRows: 600, benchmarkRows: 1000, duplicates: 12, overlapWithBase: 6, contamination: 5 },
  '1k': { seed: 11, baseRows: 1000, contributedRows: 1000, benchmarkRows: 1000, duplicates: 20, overlapWithBase: 10, contamination: 10 },
  '100k': { seed: 11, baseRows: 100_000, contributedRows: 100_000, benchmarkRows: 20_000, duplicates: 1000, overlapWithBase: 500, contamination: 200 },
  '1m': { seed: 11, baseRows: 1_000_000, contributedRows: 1_000_000, benchmarkRows: 100_000, duplicates: 10_000, overlapWithBase: 5000, contamination: 1000 },
  '5m': { seed: 11, baseRows: 2_500_000, contributedRows: 1_500_000, benchmarkRows: 1_000_000, duplicates: 15_000, overlapWithBase: 7500, contamination: 5000 },
  '20m': { seed: 11, baseRows: 10_000_000, contributedRows: 6_000_000, benchmarkRows: 4_000_000, duplicates: 60_000, overlapWithBase: 30_000, contamination: 20_000 },
};
