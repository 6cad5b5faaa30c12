import { tableFromIPC } from 'apache-arrow';
import { z } from 'zod';
import { TrainingError } from '../errors.js';
import { encodeLabels } from '../labels.js';
import { trainModel } from '../train-model.js';
import { validationScore, type SearchMetric } from './validation-metric.js';

/** Everything one trial needs, as plain data: it can be posted to a worker thread or sent to another machine. */
export interface TrialSpec {
  id: number;
  /** Arrow IPC stream bytes of the training part. */
  train: Uint8Array;
  /** Arrow IPC stream bytes of the validation part (drawn from the training data, never the benchmark). */
  validation: Uint8Array;
  target: string;
  seed: number;
  family: string;
  /** The full params: base params with this trial's values on top. */
  params: Record<string, unknown>;
  exclude?: string[];
  features?: string[];
  metric: SearchMetric;
}

export interface TrialResult {
  id: number;
  params: Record<string, unknown>;
  metric: SearchMetric;
  /** The metric on the validation part. */
  value: number;
  /** Higher is better: the value, negated for losses. */
  score: number;
  trainRows: number;
}

const TrialSpecSchema = z.object({
  id: z.number().int().min(0),
  train: z.instanceof(Uint8Array),
  validation: z.instanceof(Uint8Array),
  target: z.string(),
  seed: z.number().int(),
  family: z.string(),
  params: z.record(z.string(), z.unknown()),
  exclude: z.array(z.string()).optional(),
  features: z.array(z.string()).optional(),
  metric: z.enum(['log_loss', 'accuracy', 'auroc']),
});

/** Trains one candidate and scores it on the validation part. Pure: the same spec gives the same result anywhere. */
export async function runTrial(spec: TrialSpec): Promise<TrialResult> {
  const parsed = TrialSpecSchema.safeParse(spec);
  if (!parsed.success) throw new TrainingError('HOKUSAI_SEARCH_INVALID', `Invalid trial spec: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  const s = parsed.data;
  const train = tableFromIPC(s.train);
  const validation = tableFromIPC(s.validation);
  const model = await trainModel(train, { target: s.target, seed: s.seed, family: s.family, params: s.params, exclude: s.exclude ?? [], ...(s.features === undefined ? {} : { features: s.features }) });
  const labels = encodeLabels(validation, s.target, model.metadata.classes);
  const proba = model.predictProba(validation);
  const { value, score } = validationScore(s.metric, proba, labels, model.metadata.classes.length);
  return { id: s.id, params: s.params, metric: s.metric, value, score, trainRows: train.numRows };
}
