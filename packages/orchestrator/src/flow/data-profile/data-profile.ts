import type { ColumnProfile } from './column-profile.js';
import type { PermutationImportance } from './permutation-importance.js';
import { PSI_EPSILON, PSI_MAJOR, PSI_MAX_CATEGORIES, PSI_MODERATE } from './psi.js';

/**
 * data_profile.json: per feature column, base vs contributed vs benchmark (distributions, missing
 * shares, PSI, new categories) and the new model's permutation importance on the benchmark.
 * Computed on the PII-treated tables with PII columns left out; attested like every output file.
 */
export interface DataProfile {
  format: 'hokusai.data-profile/v1';
  drift: { statistic: 'psi'; reference: 'base'; epsilon: number; max_categories: number; moderate: number; major: number; binning: string };
  columns: ColumnProfile[];
  importance: PermutationImportance | null;
}

export function dataProfile(columns: ColumnProfile[], importance: PermutationImportance | null): DataProfile {
  return {
    format: 'hokusai.data-profile/v1',
    drift: {
      statistic: 'psi',
      reference: 'base',
      epsilon: PSI_EPSILON,
      max_categories: PSI_MAX_CATEGORIES,
      moderate: PSI_MODERATE,
      major: PSI_MAJOR,
      binning: `numbers: base deciles (values at sorted position ceil(q·m)−1, q = 0.1…0.9), categories: the ${PSI_MAX_CATEGORIES} most frequent base values and one bin for all others; missing values in a bin of their own; empty shares count as ${PSI_EPSILON}`,
    },
    columns,
    importance,
  };
}
