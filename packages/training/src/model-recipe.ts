import { z } from 'zod';
import { readModelInfo } from './onnx/model-info.js';

/**
 * How a model this package exported was trained: enough to train another model the same way on
 * other data, so a comparison of the two measures the data and nothing else.
 */
export interface ModelRecipe {
  family: string;
  /** Family and shared params as recorded (defaults included; featurizer settings such as maxOneHot and hashBuckets among them). */
  params: Record<string, unknown>;
  seed: number;
  target: string;
  /** The raw columns the model reads, in the order of its inputs. */
  features: string[];
}

const RecordedMetadata = z.looseObject({
  family: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  target: z.string().min(1),
  inputs: z.array(z.looseObject({ name: z.string().min(1) })).min(1),
});

/**
 * The recipe recorded in an ONNX file's "hokusai.metadata" entry, or null when the file does not
 * hold one (a model exported elsewhere, or metadata that does not parse): such a model's
 * training cannot be repeated.
 */
export function readModelRecipe(onnx: Uint8Array): ModelRecipe | null {
  const text = readModelInfo(onnx).metadata['hokusai.metadata'];
  if (text === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = RecordedMetadata.safeParse(json);
  if (!parsed.success) return null;
  const m = parsed.data;
  return { family: m.family, params: m.params, seed: m.seed, target: m.target, features: m.inputs.map((i) => i.name) };
}
