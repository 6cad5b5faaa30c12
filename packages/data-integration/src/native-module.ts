import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * A native module of the package's build (`dist/native/<file>`, see scripts/native-readers.mjs),
 * found beside the built code or, from the sources (tests), in dist; null where it was not built
 * or cannot load (another platform, another C library).
 */
export function loadNativeModule<T>(file: string): T | null {
  for (const url of [new URL(`./native/${file}`, import.meta.url), new URL(`../dist/native/${file}`, import.meta.url)]) {
    const path = fileURLToPath(url);
    if (!existsSync(path)) continue;
    try {
      return createRequire(import.meta.url)(path) as T;
    } catch {
      return null;
    }
  }
  return null;
}
