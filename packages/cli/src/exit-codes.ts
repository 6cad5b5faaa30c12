import { errorCode } from '@hokusai/orchestrator';

/** The documented exit codes of every `hokusai` command. */
export const EXIT = {
  /** The command did what was asked (for `run`: the contribution was accepted). */
  ok: 0,
  /** The pipeline ran and the contribution was rejected, or `verify` found a failed check. */
  rejected: 1,
  /** Bad input or config: a file, a column, a flag or a key was wrong. */
  badInput: 2,
  /** Something broke inside Hokusai; please report it. */
  internal: 3,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); `hokusai resume` continues the run. */
  interrupted: 130,
} as const;

/** Codes of typed errors that are Hokusai's own fault rather than the user's input. */
const INTERNAL_CODES = new Set(['HOKUSAI_RUN_STORE_CORRUPT', 'HOKUSAI_FLOW_INVALID', 'HOKUSAI_STEP_OUTPUT_UNSTORABLE', 'HOKUSAI_STEP_TIMEOUT']);

/**
 * File-system refusals that reach the top untyped (a path missing, unreadable, read-only or
 * full) are about the user's files and disks, not a fault in Hokusai.
 */
const ENVIRONMENT_ERRNOS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EDQUOT']);

export function exitCodeFor(error: unknown): number {
  const code = errorCode(error);
  if (code === 'HOKUSAI_RUN_CANCELLED') return EXIT.interrupted;
  if (code !== undefined && code.startsWith('HOKUSAI_') && !INTERNAL_CODES.has(code)) return EXIT.badInput;
  if (code !== undefined && ENVIRONMENT_ERRNOS.has(code)) return EXIT.badInput;
  return EXIT.internal;
}
