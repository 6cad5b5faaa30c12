import { ownerGone } from './process-alive.js';
import type { RunRecord } from './run-store.js';

/** A run's state: its record's status, or `interrupted` for a run whose process ended without recording an end. */
export type RunState = RunRecord['status'] | 'interrupted';

/**
 * The state of a run as its record shows it: a record still `running` whose process, on this host,
 * is gone was left by a run that was killed (SIGKILL, out of memory, the machine stopped) before
 * it could record an end; `hokusai resume` continues it. So is one whose pid another process holds
 * now (its start time differs, where the system tells). A process on another host cannot be
 * probed, and a record written before owners were kept names none: both read as `running`.
 */
export function runState(record: RunRecord): RunState {
  if (record.status !== 'running' || record.owner === undefined) return record.status;
  return ownerGone(record.owner) ? 'interrupted' : 'running';
}
