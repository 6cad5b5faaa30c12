import { mkdtemp, writeFile } from 'node:fs/promises';
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
});
