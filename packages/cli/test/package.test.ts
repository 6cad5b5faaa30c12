import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

describe('@hokusai/cli package manifest', () => {
  it('exports its public surface with types', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.name).toBe('@hokusai/cli');
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(pkg.files).toContain('dist');
  });
});
