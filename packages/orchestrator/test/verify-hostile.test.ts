import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickstartConfig } from './fixtures/quickstart.js';
import { runPipeline, verifyRun } from '../src/index.js';

describe('verify on a hostile folder reads nothing it should not', () => {
  let work: string;
  let reference: string;
  let n = 0;
  /** A fresh copy of a good output folder to damage. */
  const copy = async (): Promise<string> => {
    const dir = join(work, `copy-${++n}`);
    await cp(reference, dir, { recursive: true });
    return dir;
  };
  const failed = (v: { checks: { ok: boolean; name: string; detail: string }[] }): string => v.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('\n');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hokusai-hostile-'));
    reference = join(work, 'reference');
    await runPipeline(quickstartConfig(reference, { delta: { bootstrapResamples: 100 } }), { store: join(work, 'store') });
  }, 120_000);

  it('the untouched folder verifies', async () => {
    expect(failed(await verifyRun(reference))).toBe('');
  });

  it('refuses a symbolic link to /dev/zero and one to /etc/passwd, without reading them', async () => {
    const dir = await copy();
    await rm(join(dir, 'model.onnx'));
    await symlink('/dev/zero', join(dir, 'model.onnx'));
    const v = await verifyRun(dir);
    expect(v.ok).toBe(false);
    expect(failed(v)).toMatch(/model\.onnx is a symbolic link/);

    const other = await copy();
    await rm(join(other, 'report.json'));
    await symlink('/etc/passwd', join(other, 'report.json'));
    const w = await verifyRun(other);
    expect(w.ok).toBe(false);
    expect(JSON.stringify(w)).not.toContain('root:');
  });

  it('refuses a FIFO without blocking on it', async () => {
    const dir = await copy();
    await rm(join(dir, 'predictions.json'));
    execFileSync('mkfifo', [join(dir, 'predictions.json')]);
    const v = await verifyRun(dir);
    expect(failed(v)).toMatch(/predictions\.json is a FIFO/);
  });

  it('checks size and hash before parsing: a long predictions file whose hash fails is never parsed', async () => {
    const dir = await copy();
    const original = JSON.parse(await readFile(join(dir, 'predictions.json'), 'utf8')) as { labels: number[]; baseline_scores: number[]; new_scores: number[] };
    const grow = (k: number): string => JSON.stringify({ ...original, labels: Array(k).fill(original.labels).flat(), baseline_scores: Array(k).fill(original.baseline_scores).flat(), new_scores: Array(k).fill(original.new_scores).flat() });
    await writeFile(join(dir, 'predictions.json'), grow(20));
    const v = await verifyRun(dir);
    expect(failed(v)).toMatch(/predictions\.json hashes to [0-9a-f]{64}, attested/);
    expect(v.checks.map((c) => c.name)).not.toContain('predictions readable');
    // Far more bytes than the attested row count allows is refused before it is even hashed.
    await writeFile(join(dir, 'predictions.json'), grow(200));
    expect(failed(await verifyRun(dir))).toMatch(/more than the \d+ this file may have/);
  });

  it('fails cleanly on 200,000 attested file entries and on a folder of 10,500 files', async () => {
    const dir = await copy();
    const attestation = JSON.parse(await readFile(join(dir, 'attestation.json'), 'utf8')) as { body: { files: Record<string, string> } };
    const own = Object.keys(attestation.body.files).length;
    for (let i = 0; i < 200_000; i++) attestation.body.files[`f/${i}.bin`] = '0'.repeat(64);
    await writeFile(join(dir, 'attestation.json'), JSON.stringify(attestation));
    expect(failed(await verifyRun(dir))).toMatch(new RegExp(`lists ${200_000 + own} files, more than`));

    const wide = await copy();
    await mkdir(join(wide, 'many'));
    for (let i = 0; i < 10_500; i += 500) await Promise.all(Array.from({ length: 500 }, (_, k) => writeFile(join(wide, 'many', `${i + k}`), '')));
    expect(failed(await verifyRun(wide))).toMatch(/more than 10000 entries/);
  }, 60_000);

  it('a folder that does not exist is an input error, not a failed check', async () => {
    await expect(verifyRun(join(work, 'no-such-folder'))).rejects.toMatchObject({ code: 'HOKUSAI_VERIFY_FOLDER_NOT_FOUND' });
  });
});
