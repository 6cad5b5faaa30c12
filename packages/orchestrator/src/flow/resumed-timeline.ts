/** A step the run store records as finished, and when. */
export interface FinishedStep {
  step: string;
  finishedAt: number;
}

/** One entry of the parent run's `pipeline.step` timeline: the index, logged at a step's finish time. */
export interface TimelineEntry {
  value: number;
  timestamp: number;
}

/**
 * The entries earlier processes put on the timeline, from the journal and from the server: a
 * process killed between the server's acknowledgement of an entry and its journal line leaves it
 * on the server only. The server keeps one copy of a point logged twice, so each (index, time)
 * counts once.
 */
export function loggedTimeline(journal: readonly TimelineEntry[], server: readonly TimelineEntry[]): TimelineEntry[] {
  const seen = new Set<string>();
  return [...journal, ...server].filter((e) => {
    const key = `${e.value}@${e.timestamp}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The last index earlier processes put on the timeline (0: none). */
export function lastIndex(logged: readonly TimelineEntry[]): number {
  return logged.reduce((m, e) => Math.max(m, e.value), 0);
}

/**
 * What a resumed run still has to put on the parent run's timeline: the finished steps (in finish
 * order) that no earlier process logged, numbered on from the last index logged. An earlier
 * process numbered the steps in the order their events reached it, which is not always finish
 * order (two steps running together store their records in either order), so an entry is matched
 * to its step by its time, never by its number: logging the store's finish order again would put
 * a second entry with another index beside the first.
 */
export function timelineToCatchUp(finished: readonly FinishedStep[], logged: readonly TimelineEntry[]): { step: string; index: number; at: number }[] {
  // Times can repeat (two steps finishing in the same millisecond): each entry matches one step.
  const unmatched = new Map<number, number>();
  for (const e of logged) unmatched.set(e.timestamp, (unmatched.get(e.timestamp) ?? 0) + 1);
  let index = lastIndex(logged);
  const out: { step: string; index: number; at: number }[] = [];
  for (const s of finished) {
    const left = unmatched.get(s.finishedAt) ?? 0;
    if (left > 0) unmatched.set(s.finishedAt, left - 1);
    else out.push({ step: s.step, index: ++index, at: s.finishedAt });
  }
  return out;
}
