import { z } from 'zod';
import { TrainingError } from '../errors.js';
import { SearchSpaceSchema } from './search-space.js';

export const SearchOptionsSchema = z.strictObject({
  strategy: z.enum(['grid', 'random', 'halving']),
  space: SearchSpaceSchema,
  /** Candidates drawn for random search and successive halving (halving uses the grid when every dimension is a list and trials is unset). */
  trials: z.number().int().positive().max(10_000).optional(),
  validationFraction: z.number().gt(0).lt(1).default(0.2),
  metric: z.enum(['log_loss', 'accuracy', 'auroc']).default('log_loss'),
  /** Worker threads; 0 runs trials in this thread. Default: one per core, at most 4. */
  workers: z.number().int().min(0).max(64).optional(),
  /** Successive halving keeps the best 1/eta candidates per rung and gives them eta times the rows. */
  eta: z.number().int().min(2).default(3),
});
export type SearchOptions = z.input<typeof SearchOptionsSchema>;
export type ParsedSearchOptions = z.output<typeof SearchOptionsSchema>;

export function parseSearchOptions(search: unknown): ParsedSearchOptions {
  const parsed = SearchOptionsSchema.safeParse(search);
  if (!parsed.success) throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Invalid search options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  return parsed.data;
}
