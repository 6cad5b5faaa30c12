import { describe, expect, it } from 'vitest';
import { loggedTimeline, timelineToCatchUp } from '../src/flow/resumed-timeline.js';

// The run store's finished steps, in finish order, as catchUp reads them.
const finished = [
  { step: 'load_benchmark', finishedAt: 1000 },
  { step: 'load_base', finishedAt: 1005 },
  { step: 'load_contributed', finishedAt: 1005 },
  { step: 'integrate', finishedAt: 1300 },
  { step: 'manifests', finishedAt: 1350 },
];

describe('the timeline a resumed run catches up', () => {
  it('adds only the steps no earlier process logged, numbered on from the last index', () => {
    // The killed process saw load_base's event before load_benchmark's (their records were stored
    // in that order), and died before logging the last two steps.
    const logged = [
      { value: 1, timestamp: 1005 },
      { value: 2, timestamp: 1000 },
      { value: 3, timestamp: 1005 },
    ];
    expect(timelineToCatchUp(finished, logged)).toEqual([
      { step: 'integrate', index: 4, at: 1300 },
      { step: 'manifests', index: 5, at: 1350 },
    ]);
  });

  it('gives each step of a shared finish time its own entry', () => {
    expect(timelineToCatchUp(finished, [{ value: 1, timestamp: 1000 }, { value: 2, timestamp: 1005 }]).map((e) => [e.step, e.index])).toEqual([
      ['load_contributed', 3],
      ['integrate', 4],
      ['manifests', 5],
    ]);
  });

  it('counts an entry the server has and the journal lost (a kill between the two): no step gets a second index', () => {
    // manifests' event came before integrate's (they run together); the process was killed after
    // the server took index 4 for manifests and before its journal line, integrate not yet logged.
    const journal = [
      { value: 1, timestamp: 1000 },
      { value: 2, timestamp: 1005 },
      { value: 3, timestamp: 1005 },
    ];
    const server = [...journal, { value: 4, timestamp: 1350 }];
    const logged = loggedTimeline(journal, server);
    expect(logged).toEqual(server);
    // From the journal alone, manifests would get index 5 beside its 4, and integrate a second 4.
    expect(timelineToCatchUp(finished, journal).map((e) => [e.step, e.index])).toEqual([
      ['integrate', 4],
      ['manifests', 5],
    ]);
    expect(timelineToCatchUp(finished, logged).map((e) => [e.step, e.index])).toEqual([['integrate', 5]]);
  });

  it('logs every step in finish order when nothing was logged, and nothing when all was', () => {
    expect(timelineToCatchUp(finished, []).map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    expect(timelineToCatchUp(finished, finished.map((s, i) => ({ value: i + 1, timestamp: s.finishedAt })))).toEqual([]);
  });
});
