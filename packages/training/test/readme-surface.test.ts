import { describe, expect, it } from 'vitest';
import { undocumentedExports } from '@hokusai/test-helpers';

// Whatever an entry point exports is part of the package's contract, so its README names it
// (in the "Public API" tables); a name that should not be public leaves the entry point instead.
describe('@hokusai/training as installed', () => {
  it('names every export of each entry point, types included, in the README', () => {
    expect(undocumentedExports('@hokusai/training', import.meta.url)).toEqual({});
  });
});
