import type { z } from 'zod';
import { TrainingError } from '../errors.js';

/** Validates a family's hyperparameters, naming the family and the offending key on failure. */
export function parseParams<S extends z.ZodType>(schema: S, raw: Readonly<Record<string, unknown>>, family: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
    throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `Invalid hyperparameters for ${family}: ${issues}. Fix model.params in the config.`, { family });
  }
  return parsed.data;
}
