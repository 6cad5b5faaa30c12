import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface ReplaceFolderOptions {
  /**
   * Names the staging folder (`<target>.partial-<suffix>`) and the old one while it is swapped
   * out (`<target>.old-<suffix>`); unique per writer, so concurrent writers never share them.
   */
  suffix: string;
}

/**
 * Writes a folder in one piece: `fill` writes every file into a sibling staging folder, which
 * takes the target's place only once it is complete (the old folder, if any, is renamed aside and
 * then removed). A crash or a full disk leaves the old folder or none, never a half-written one;
 * on failure the staging folder is removed and the error rethrown.
 */
export async function replaceFolderAtomic(target: string, fill: (staging: string) => Promise<void>, options: ReplaceFolderOptions): Promise<void> {
  const path = resolve(target);
  const staging = `${path}.partial-${options.suffix}`;
  try {
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await fill(staging);
    if (existsSync(path)) {
      const old = `${path}.old-${options.suffix}`;
      await rename(path, old);
      await rename(staging, path);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, path);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
