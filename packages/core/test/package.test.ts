import { describe, expect, it } from 'vitest';
import { inspectPackageSurface } from '@hokusai/test-helpers';

const name = '@hokusai/core';

describe(`${name} as installed`, () => {
  it('exports its public surface with types', async () => {
    const surface = await inspectPackageSurface(name, import.meta.url);
    expect(surface.manifest.name).toBe(name);
    expect(surface.manifest.files).toContain('dist');
    expect(surface.missingTargets).toEqual([]);
    expect(surface.typedValues.length).toBeGreaterThan(0);
    expect(Object.keys(surface.runtime).sort()).toEqual(surface.typedValues);
    for (const key of surface.typedValues) expect(surface.runtime[key], key).toBeDefined();
  });
});
