import { OrchestratorError } from '../errors.js';

/** A size as written in the config: a number and a unit; KB/MB/GB/TB count in 1000s, KiB/MiB/GiB/TiB in 1024s. */
export const MEMORY_SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i;

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Bytes of a size such as "2GB" or "512 MiB". */
export function parseMemorySize(text: string): number {
  const m = MEMORY_SIZE_PATTERN.exec(text);
  if (m === null) throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Invalid config: resources.memory: "${text}" is not a size; write a number and a unit, such as 2GB, 512MB or 1.5GiB.`);
  const bytes = Math.round(Number(m[1]) * (UNIT_BYTES[(m[2] as string).toLowerCase()] as number));
  if (bytes < 1) throw new OrchestratorError('HOKUSAI_CONFIG_INVALID', `Invalid config: resources.memory: "${text}" is no memory at all; give a budget such as 2GB.`);
  return bytes;
}
