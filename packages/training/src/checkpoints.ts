import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TrainingError } from './errors.js';
import type { CheckpointSink } from './model-interface.js';
import { writeFileAtomic } from '@hokusai/core';

export const CheckpointOptionsSchema = z.strictObject({
  dir: z.string().min(1),
  every: z.number().int().positive().default(1),
  keep: z.number().int().positive().default(2),
});
export type CheckpointOptions = z.input<typeof CheckpointOptionsSchema>;

/**
 * Checkpoints in a folder, one file per save, named by a fingerprint of the run (family, params,
 * seed, data) so a different run never resumes from them. Files are written to a temporary name
 * and renamed, and only the newest `keep` survive.
 */
export async function fileCheckpoints(options: CheckpointOptions, fingerprint: string): Promise<CheckpointSink> {
  const o = CheckpointOptionsSchema.parse(options);
  await mkdir(o.dir, { recursive: true });
  const prefix = `ckpt-${fingerprint.slice(0, 16)}-`;
  const list = async (): Promise<{ step: number; file: string }[]> =>
    (await readdir(o.dir))
      .filter((f) => f.startsWith(prefix) && f.endsWith('.bin'))
      .map((f) => ({ step: Number(f.slice(prefix.length, -4)), file: f }))
      .filter((c) => Number.isInteger(c.step))
      .sort((a, b) => a.step - b.step);
  return {
    every: o.every,
    async save(step: number, state: Uint8Array): Promise<void> {
      const name = `${prefix}${String(step).padStart(8, '0')}.bin`;
      await writeFileAtomic(join(o.dir, name), state, { fsync: false });
      const all = await list();
      for (const old of all.slice(0, Math.max(0, all.length - o.keep))) await rm(join(o.dir, old.file), { force: true });
    },
    async latest(): Promise<{ step: number; state: Uint8Array } | null> {
      const all = await list();
      const last = all[all.length - 1];
      if (last === undefined) return null;
      try {
        return { step: last.step, state: new Uint8Array(await readFile(join(o.dir, last.file))) };
      } catch (err) {
        throw new TrainingError('HOKUSAI_CHECKPOINT_INVALID', `Could not read the checkpoint ${join(o.dir, last.file)}: ${(err as Error).message}`);
      }
    },
  };
}

/** A run's identity: what was trained, how, and on which exact features and labels. */
export function runFingerprint(parts: { family: string; params: unknown; seed: number; classes: unknown; featureNames: string[] }, columns: Float32Array[], y: Int32Array): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([parts.family, sortKeys(parts.params), parts.seed, parts.classes, parts.featureNames]));
  for (const c of columns) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  h.update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  return h.digest('hex');
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
