import { z } from 'zod';
import { TrainingError } from '../errors.js';
import type { Tree } from './gbdt.js';

const TreeJson = z.array(
  z.object({
    target: z.number().int(),
    feature: z.array(z.number().int()),
    threshold: z.array(z.number()),
    left: z.array(z.number().int()),
    right: z.array(z.number().int()),
    value: z.array(z.number()),
    bin: z.array(z.number().int()),
  }),
);

/** Trees as JSON bytes: float32 values print as the shortest decimal that reads back to the same float. */
export function encodeTrees(trees: readonly Tree[]): Uint8Array {
  const json = trees.map((t) => ({
    target: t.target,
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    bin: Array.from(t.bin),
  }));
  return new TextEncoder().encode(JSON.stringify(json));
}

export function decodeTrees(bytes: Uint8Array): Tree[] {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    raw = undefined;
  }
  const parsed = TreeJson.safeParse(raw);
  if (!parsed.success) throw new TrainingError('HOKUSAI_CHECKPOINT_INVALID', 'The GBDT checkpoint is not a valid list of trees. Delete the checkpoint folder to start over.');
  return parsed.data.map((t) => ({
    target: t.target,
    feature: Int32Array.from(t.feature),
    threshold: Float32Array.from(t.threshold),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float32Array.from(t.value),
    bin: Int32Array.from(t.bin),
  }));
}
