import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashInputsEarly, runInputPaths } from '../src/early-input-hashes.js';

describe('the inputs a run command line names', () => {
  it('are those of --base, --contributed and --benchmark after `run`, in either spelling, made absolute', () => {
    const argv = (...args: string[]): string[] => ['node', 'hokusai', ...args];
    expect(runInputPaths(argv('run', '--base', 'b.csv', '--contributed=c.csv', '--target', 'y', '--benchmark', '/data/k.csv'), '/work')).toEqual(['/work/b.csv', '/work/c.csv', '/data/k.csv']);
    // Global options before the command take no value.
    expect(runInputPaths(argv('--json', '-q', 'run', '--base', 'b.csv'), '/w')).toEqual(['/w/b.csv']);
    // Other commands, and words after `--`, name no run inputs.
    expect(runInputPaths(argv('runs', 'list'), '/w')).toBeNull();
    expect(runInputPaths(argv('validate', 'x.csv', '--base', 'b.csv'), '/w')).toBeNull();
    expect(runInputPaths(argv('--version'), '/w')).toBeNull();
    expect(runInputPaths(argv('run', '--', '--base', 'b.csv'), '/w')).toEqual([]);
    expect(runInputPaths(argv('run', '-c', 'hokusai.yaml'), '/w')).toEqual([]);
  });
});

describe('hashing a run\'s inputs while the program loads', () => {
  it('gives each regular file\'s SHA-256 with its stat, and nothing for small inputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hokusai-early-'));
    const big = join(dir, 'base.csv');
    await writeFile(big, Buffer.alloc(17 << 20, 'a,b\n'));
    // A missing file and a named pipe are left to the run (which refuses them); reading the pipe
    // would block the hashing thread.
    const missing = join(dir, 'gone.csv');
    const pipe = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [pipe]);
    const early = hashInputsEarly(['node', 'hokusai', 'run', '--base', big, '--contributed', missing, '--benchmark', pipe]);
    const hashes = early?.hashes;
    expect(hashes === undefined ? [] : [...hashes.keys()]).toEqual([resolve(big)]);
    const got = await hashes?.get(resolve(big));
    expect(got?.sha256).toBe(createHash('sha256').update(await readFile(big)).digest('hex'));
    expect(got?.size).toBe(17 << 20);
    early?.stop();
    // Stopped before its hashes are in: each promise settles as null, and the thread ends.
    const stopped = hashInputsEarly(['node', 'hokusai', 'run', '--base', big]);
    stopped?.stop();
    expect(await stopped?.hashes.get(resolve(big))).toBeNull();
    // Below 16 MiB in all the program hashes them itself, as before.
    const small = join(dir, 'small.csv');
    await writeFile(small, 'a,b\n1,2\n');
    expect(hashInputsEarly(['node', 'hokusai', 'run', '--base', small])).toBeUndefined();
  });
});
