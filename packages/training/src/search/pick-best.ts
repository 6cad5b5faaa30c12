import { TrainingError } from '../errors.js';

interface Scored {
  id: number;
  /** Higher is better. */
  score: number;
}

/** Orders trials best first: higher score, a NaN score last, and the lower id on a tie. */
export function compareTrials(a: Scored, b: Scored): number {
  const sa = Number.isNaN(a.score) ? Number.NEGATIVE_INFINITY : a.score;
  const sb = Number.isNaN(b.score) ? Number.NEGATIVE_INFINITY : b.score;
  return sb > sa ? 1 : sb < sa ? -1 : a.id - b.id;
}

/**
 * The winning trial: the highest score (scores are oriented so higher is better for every
 * metric), the lowest candidate id among equal scores. The order the trials finished in, or
 * arrive in, never changes the choice.
 */
export function pickBest<T extends Scored>(trials: readonly T[]): T {
  let best: T | undefined;
  for (const t of trials) if (best === undefined || compareTrials(t, best) < 0) best = t;
  if (best === undefined) throw new TrainingError('HOKUSAI_SEARCH_INVALID', 'The search has no trials to choose from; the search space produced no candidates.');
  return best;
}
