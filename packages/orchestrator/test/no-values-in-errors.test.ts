import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUICKSTART, quickstartConfig } from './fixtures/quickstart.js';
import { runPipeline } from '../src/index.js';

/** Every file under a folder, as one buffer. */
async function allBytes(dir: string): Promise<Buffer> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
}

describe('a failed run keeps cell values out of its error', () => {
  it('stores no e-mail address when the target is the e-mail column', async () => {
    const work = await mkdtemp(join(tmpdir(), 'hokusai-leak-'));
    const store = join(work, 'store');
    const error = (await runPipeline(quickstartConfig(join(work, 'out'), { target: 'email' }), { store }).catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).toBe('HOKUSAI_TARGET_NOT_BINARY');
    expect(error.message).toMatch(/values redacted: the column looks like email/);
    const emails = (await Promise.all(['base.csv', 'contributed.csv', 'benchmark.csv'].map((f) => readFile(join(QUICKSTART, f), 'utf8'))))
      .flatMap((text) => text.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? []);
    expect(emails.length).toBeGreaterThan(1000);
    // run.json, the step records and the tracking journal all hold the error.
    const stored = await allBytes(store);
    expect(stored.includes(Buffer.from('HOKUSAI_TARGET_NOT_BINARY'))).toBe(true);
    expect(stored.toString('utf8').match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? []).toEqual([]);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack }).match(/[\w.+-]+@example\.com/g)).toBeNull();
  }, 60_000);
});
