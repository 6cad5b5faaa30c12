import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * True when a process with this id runs on this host (EPERM: it exists but is someone else's). A
 * process that has ended but is not yet reaped by its parent (a zombie: it holds nothing, and
 * signals still reach its id) is not alive.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !processEnded(pid);
}

/**
 * The fields of /proc/<pid>/stat after the command name (Linux; the name, field 2, is in
 * parentheses and may hold spaces, so the count starts from its end): the state is [0], the
 * start time [19]. Null where that cannot be read (another system, the process gone).
 */
function procStatFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Linux: the process has exited and waits to be reaped (state Z or X). */
function processEnded(pid: number): boolean {
  const state = procStatFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

/**
 * When a process started, in clock ticks since boot (Linux: field 22 of /proc/<pid>/stat), or
 * null where that cannot be read. Told with the pid, it tells the process apart from a later one
 * given the same pid.
 */
export function processStartTicks(pid: number): number | null {
  const ticks = Number(procStatFields(pid)?.[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

/** A process as a record or a lock names it: its pid, host and, where the system tells, start time. */
export interface ProcessOwner {
  pid: number;
  host: string;
  startTicks?: number;
}

/** This process as an owner (see ProcessOwner). */
export function thisProcessOwner(): ProcessOwner {
  const startTicks = processStartTicks(process.pid);
  return { pid: process.pid, host: hostname(), ...(startTicks === null ? {} : { startTicks }) };
}

/**
 * Whether the process an owner names is known to be gone: on this host, no process has its pid,
 * or the one that has it started at another time (when the owner kept its start). A process on
 * another host cannot be probed, so it is never known gone.
 */
export function ownerGone(owner: ProcessOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (!processAlive(owner.pid)) return true;
  const ticks = owner.startTicks === undefined ? null : processStartTicks(owner.pid);
  return ticks !== null && ticks !== owner.startTicks;
}
