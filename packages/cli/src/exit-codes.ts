import { errorCode, errorKind } from '@hokusai/core';

/** The documented exit codes of every `hokusai` command. */
export const EXIT = {
  /** The command did what was asked (for `run`: the contribution was accepted). */
  ok: 0,
  /** The pipeline ran and the contribution was rejected, or `verify` found a failed check. */
  rejected: 1,
  /** Bad input or config: a file, a column, a flag or a key was wrong (an error of kind `input`). */
  badInput: 2,
  /**
   * Not the input's fault: a fault that passes (a lost worker, Redis away; try again) or
   * something broken inside Hokusai (please report it). Errors of kind `transient` and `internal`.
   */
  internal: 3,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); `hokusai resume` continues the run. */
  interrupted: 130,
} as const;

/**
 * The exit code of a failed command, from the error's kind: a Hokusai error's own; an untyped
 * file-system refusal (a path missing, unreadable, read-only or full) is about the user's files
 * and disks; anything else is ours.
 */
export function exitCodeFor(error: unknown): number {
  if (errorCode(error) === 'HOKUSAI_RUN_CANCELLED') return EXIT.interrupted;
  return errorKind(error) === 'input' ? EXIT.badInput : EXIT.internal;
}
