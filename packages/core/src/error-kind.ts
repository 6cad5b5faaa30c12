/**
 * What kind of failure an error is, which decides what happens next:
 * - `input`: the caller's data, config or files are wrong; the same call fails again until they
 *   are fixed (never retried; the CLI exits 2).
 * - `transient`: a passing fault (a lost worker, an unreachable service, a timeout); the same call
 *   may succeed later (retried when retries are left; the CLI exits 3).
 * - `internal`: a fault in Hokusai itself or in its stored state (never retried; the CLI exits 3).
 */
export type ErrorKind = 'input' | 'transient' | 'internal';

export const ERROR_KINDS: readonly ErrorKind[] = ['input', 'transient', 'internal'];

/**
 * Node's file-system refusals that reach the top untyped are about the user's paths and disks (a
 * path missing, unreadable, read-only, full): fixing them is the user's part, and retrying them
 * changes nothing.
 */
const INPUT_ERRNOS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENAMETOOLONG']);

/** Network and resource faults that pass: the same call may work on a second try. */
const TRANSIENT_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EBUSY', 'EMFILE', 'ENFILE', 'EAGAIN']);

/** The kind of a Node system error by its errno code, or undefined when the code is not one we classify. */
export function errnoKind(code: string): ErrorKind | undefined {
  if (INPUT_ERRNOS.has(code)) return 'input';
  if (TRANSIENT_ERRNOS.has(code)) return 'transient';
  return undefined;
}
