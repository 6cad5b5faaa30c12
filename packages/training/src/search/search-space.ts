import { z } from 'zod';
import { TrainingError } from '../errors.js';
import { SeededRandom } from '../seeded-random.js';

/**
 * One hyperparameter: a list of values, or a numeric range (log-uniform when `log`, integers when
 * `int`). The flags stay absent when not given (absent means false) so a config parsed with this
 * schema keeps the bytes it was written with.
 */
export const ParamSpaceSchema = z.union([
  z.strictObject({ values: z.array(z.unknown()).min(1) }),
  z
    .strictObject({ min: z.number(), max: z.number(), log: z.boolean().optional(), int: z.boolean().optional() })
    .refine((r) => r.max >= r.min, { message: 'max must not be below min' })
    .refine((r) => r.log !== true || r.min > 0, { message: 'a log-scale range needs min > 0' }),
]);
export const SearchSpaceSchema = z.record(z.string(), ParamSpaceSchema);
export type SearchSpace = z.input<typeof SearchSpaceSchema>;
type ParsedSpace = z.output<typeof SearchSpaceSchema>;

/** Every combination of the listed values, keys in sorted order so the trial order is stable. */
export function gridCandidates(space: ParsedSpace): Record<string, unknown>[] {
  const keys = Object.keys(space).sort();
  let out: Record<string, unknown>[] = [{}];
  for (const key of keys) {
    const dim = space[key];
    if (dim === undefined || !('values' in dim)) {
      throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Grid search needs a list of values for "${key}", not a range. Give { values: [...] } or use random search.`);
    }
    out = out.flatMap((c) => dim.values.map((v) => ({ ...c, [key]: v })));
  }
  return out;
}

export function randomCandidates(space: ParsedSpace, count: number, rng: SeededRandom): Record<string, unknown>[] {
  const keys = Object.keys(space).sort();
  const out: Record<string, unknown>[] = [];
  for (let t = 0; t < count; t++) {
    const c: Record<string, unknown> = {};
    for (const key of keys) {
      const dim = space[key];
      if (dim === undefined) continue;
      if ('values' in dim) {
        c[key] = dim.values[rng.int(dim.values.length)];
        continue;
      }
      if (dim.max < dim.min || (dim.log && dim.min <= 0)) {
        throw new TrainingError('HOKUSAI_SEARCH_INVALID', `The range for "${key}" is invalid (min ${dim.min}, max ${dim.max}${dim.log ? ', log scale needs min > 0' : ''}).`);
      }
      const u = rng.uniform();
      const v = dim.log ? Math.exp(Math.log(dim.min) + u * (Math.log(dim.max) - Math.log(dim.min))) : dim.min + u * (dim.max - dim.min);
      // Short decimals keep configs readable and their hashes stable across platforms.
      c[key] = dim.int ? Math.min(dim.max, Math.max(dim.min, Math.round(v))) : Number(v.toPrecision(6));
    }
    out.push(c);
  }
  return out;
}

export interface CandidateOptions {
  strategy: 'grid' | 'random' | 'halving';
  /** Candidates drawn for random search and halving (default 10); halving over lists only and no count uses the grid. */
  trials?: number;
  seed: number;
}

const CandidateOptionsSchema = z.strictObject({
  strategy: z.enum(['grid', 'random', 'halving']),
  trials: z.number().int().positive().max(10_000).optional(),
  seed: z.number().int(),
});

/**
 * The candidates of a search, in trial order. They depend only on the space, the strategy, the
 * count and the seed (not on the data), so a planner and a remote worker derive the same list.
 */
export function searchCandidates(space: SearchSpace, options: CandidateOptions): Record<string, unknown>[] {
  const parsedSpace = SearchSpaceSchema.safeParse(space);
  const parsed = CandidateOptionsSchema.safeParse(options);
  if (!parsedSpace.success || !parsed.success) {
    const issues = [...(parsedSpace.error?.issues ?? []), ...(parsed.error?.issues ?? [])];
    throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Invalid search space or options: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  const o = parsed.data;
  const allLists = Object.values(parsedSpace.data).every((d) => 'values' in d);
  if (o.strategy === 'grid' || (o.strategy === 'halving' && allLists && o.trials === undefined)) return gridCandidates(parsedSpace.data);
  return randomCandidates(parsedSpace.data, o.trials ?? 10, candidateRandom(o.seed));
}

/** The second child stream of the seed; the first draws the validation split. */
function candidateRandom(seed: number): SeededRandom {
  const root = new SeededRandom(seed);
  root.fork();
  return root.fork();
}
