import { z } from 'zod';
import { EvaluationError } from './errors.js';
import { parseOptions } from './validation.js';

export interface ContributorWeight {
  id: string;
  kept_rows: number;
  /** kept_rows / total kept rows; the weights sum to 1. */
  weight: number;
}

const schema = z.array(z.object({ id: z.string().min(1), keptRows: z.number().int().min(0) }).strict());

/**
 * Each contributor's share of the rows kept after deduplication when several contributions
 * are evaluated together. The last weight absorbs float rounding so the sum is exactly 1.
 */
export function contributorWeights(contributions: readonly { id: string; keptRows: number }[]): ContributorWeight[] {
  const list = parseOptions(schema, contributions, 'contributorWeights');
  if (list.length === 0) {
    throw new EvaluationError('HOKUSAI_EVAL_NO_CONTRIBUTIONS', 'contributorWeights: no contributions given; pass at least one { id, keptRows }.');
  }
  const seen = new Set<string>();
  let total = 0;
  for (const c of list) {
    if (seen.has(c.id)) {
      throw new EvaluationError('HOKUSAI_EVAL_INVALID_OPTION', `contributorWeights: contributor "${c.id}" appears twice; merge its rows into one entry.`);
    }
    seen.add(c.id);
    total += c.keptRows;
  }
  if (total === 0) {
    throw new EvaluationError('HOKUSAI_EVAL_NO_CONTRIBUTIONS', 'contributorWeights: every contribution kept 0 rows after deduplication, so no weight can be assigned.');
  }
  const out = list.map((c) => ({ id: c.id, kept_rows: c.keptRows, weight: c.keptRows / total }));
  // Give the rounding residue to the largest share, where it is relatively smallest.
  let largest = 0;
  for (let i = 1; i < out.length; i++) if ((out[i] as ContributorWeight).kept_rows > (out[largest] as ContributorWeight).kept_rows) largest = i;
  let others = 0;
  for (let i = 0; i < out.length; i++) if (i !== largest) others += (out[i] as ContributorWeight).weight;
  (out[largest] as ContributorWeight).weight = 1 - others;
  return out;
}
