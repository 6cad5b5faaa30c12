import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The scheduler API (a search split into plain-data trials) is its own entry point; the package
// root keeps the documented one-call surface.
const SCHEDULER = ['finishSearch', 'laterRungCount', 'planRung', 'planSearch', 'searchTrialSpec', 'TrialThreads', 'runTrial', 'runTrials', 'pickBest', 'searchCandidates', 'searchSplit'];

describe('@hokusai/training/search as installed', () => {
  it('holds the scheduler API and the search options schema; the root does not', async () => {
    const root = (await import('@hokusai/training')) as Record<string, unknown>;
    const search = (await import('@hokusai/training/search')) as Record<string, unknown>;
    for (const name of [...SCHEDULER, 'SearchOptionsSchema', 'searchHyperparameters']) expect(search[name], name).toBeDefined();
    for (const name of SCHEDULER) expect(root[name], name).toBeUndefined();
    expect(root.searchHyperparameters).toBe(search.searchHyperparameters);
  });

  it('names every value either entry point exports in the README', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    for (const entry of ['@hokusai/training', '@hokusai/training/search']) {
      const names = Object.keys((await import(entry)) as Record<string, unknown>);
      expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme)), entry).toEqual([]);
    }
  });
});
