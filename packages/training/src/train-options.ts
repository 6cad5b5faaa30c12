import { z } from 'zod';
import { TrainingError } from './errors.js';

export const TrainOptionsSchema = z.looseObject({
  target: z.string().min(1),
  seed: z.number().int(),
  family: z.string().min(1).default('logistic_regression'),
  params: z.record(z.string(), z.unknown()).default({}),
  exclude: z.array(z.string()).default([]),
  features: z.array(z.string()).min(1).optional(),
  task: z.enum(['binary', 'multiclass']).optional(),
  positiveClass: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export interface TrainOptions {
  target: string;
  seed: number;
  /** 'logistic_regression' (default) | 'mlp' | 'gbdt' | a name given to registerModel(). */
  family?: string;
  /**
   * Family hyperparameters plus these shared keys: classWeight ('balanced' or label -> weight),
   * maxOneHot (default 32), hashBuckets (default 64), checkpoint ({ dir, every, keep }).
   */
  params?: Record<string, unknown>;
  /** Columns never used as features (PII columns, ids). */
  exclude?: string[];
  /** Explicit feature list; otherwise every column but the target and the excluded ones. */
  features?: string[];
  /** Declared task; a target whose classes do not fit it is an error. */
  task?: 'binary' | 'multiclass';
  /** Binary targets: the label that counts as positive (classes[1]); default the later label in sort order. */
  positiveClass?: string | number | boolean;
}

export function parseTrainOptions(options: unknown): z.output<typeof TrainOptionsSchema> {
  const parsed = TrainOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new TrainingError('HOKUSAI_TRAINING_INVALID_OPTIONS', `Invalid training options: ${issues}.`);
  }
  return parsed.data;
}
