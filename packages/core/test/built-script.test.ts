import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtScript } from '../src/index.js';

describe('builtScript', () => {
  it('is the first candidate that exists, or null', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-script-'));
    await writeFile(join(dir, 'b.js'), '');
    await writeFile(join(dir, 'c.js'), '');
    const url = (name: string): URL => pathToFileURL(join(dir, name));
    expect(builtScript([url('a.js'), url('b.js'), url('c.js')])).toBe(join(dir, 'b.js'));
    expect(builtScript([url('a.js')])).toBeNull();
  });

  it('takes the bundled copy of a candidate when the build made one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-script-'));
    await writeFile(join(dir, 'b.js'), '');
    await writeFile(join(dir, 'c.js'), '');
    await writeFile(join(dir, 'c.bundle.js'), '');
    const url = (name: string): URL => pathToFileURL(join(dir, name));
    expect(builtScript([url('c.js'), url('b.js')])).toBe(join(dir, 'c.bundle.js'));
    // A bundle counts only for its own entry, in the candidates' order.
    expect(builtScript([url('b.js'), url('c.js')])).toBe(join(dir, 'b.js'));
    // A bundle without its entry is still a build of that entry.
    await writeFile(join(dir, 'd.bundle.js'), '');
    expect(builtScript([url('a.js'), url('d.js')])).toBe(join(dir, 'd.bundle.js'));
    // An entry rebuilt after its bundle (tsc alone) wins: the bundle would run older code.
    await utimes(join(dir, 'c.bundle.js'), new Date(1_000_000), new Date(1_000_000));
    expect(builtScript([url('c.js'), url('b.js')])).toBe(join(dir, 'c.js'));
  });
});
