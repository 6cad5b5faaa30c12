import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, hokusai, jsonResult, type CliResult } from './run-cli.js';

const example = fileURLToPath(new URL('../../../examples/quickstart/', import.meta.url));
const inputs = ['--base', join(example, 'base.csv'), '--contributed', join(example, 'contributed.csv'), '--benchmark', join(example, 'benchmark.csv'), '--target', 'churned', '--exclude', 'customer_id', '--no-proof'];

let work: string;
let store: string;
let first: CliResult;
let runId: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hokusai-runs-'));
  store = join(work, 'store');
  first = await hokusai(['run', ...inputs, '--out', join(work, 'out'), '--store', store], { cwd: work });
  runId = /run (hk-[0-9a-f]+): writing/.exec(first.stderr)?.[1] ?? '';
}, 120_000);

/** Keys of a JSON value, at every depth. */
const keysOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap(keysOf) : value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]) : [];

describe('progress of a run', () => {
  it('starts with the run id and output folder, numbers the steps with an ETA, and hides the search steps when no search runs', () => {
    expect(first.code).toBe(0);
    expect(runId).toMatch(/^hk-/);
    expect(first.stderr).toContain(`run ${runId}: writing ${join(work, 'out')} (run store ${store})`);
    expect(first.stderr).toMatch(/^✓ step \d+\/10 integrate \(\d+\.\d\d s, ETA ~\d+ (s|min)\)$/m);
    expect(first.stderr).toMatch(/^✓ step 10\/10 report \(\d+\.\d\d s\)$/m);
    expect(first.stderr).not.toMatch(/search/);
  });

  it('ends with a summary that names report.html', () => {
    expect(first.stdout).toContain(`report:         ${join(work, 'out', 'report.html')}`);
  });

  it('on Ctrl-C stops and prints the `hokusai resume` line, which then finishes the run', async () => {
    const out = join(work, 'interrupted');
    const child = spawn(process.execPath, [bin, 'run', ...inputs, '--seed', '7', '--out', out, '--store', store], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/✓ step 1\/10/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(130);
    const line = /Continue with: (hokusai resume (hk-[0-9a-f]+) --store (\S+))/.exec(stderr);
    expect(line?.[3]).toBe(store);
    const resumed = await hokusai(['resume', line?.[2] ?? '', '--store', store], { cwd: work });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/reused from the run store/);
  }, 120_000);
});

describe('a run killed outright', () => {
  it('lists as interrupted with the line that resumes it, which finishes it; prune --failed would remove it', async () => {
    const killedStore = join(work, 'store-killed');
    const child = spawn(process.execPath, [bin, 'run', ...inputs, '--seed', '8', '--out', join(work, 'killed'), '--store', killedStore], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // SIGKILL: no handler runs, so the run's record is left as it was written at the start.
      if (/✓ step 1\/10/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    await new Promise((resolve) => child.once('exit', resolve));
    const id = /run (hk-[0-9a-f]+): writing/.exec(stderr)?.[1] ?? '';
    expect(id).toMatch(/^hk-/);
    const listed = await hokusai(['runs', 'list', '--store', killedStore], { cwd: work });
    expect(listed.stdout).toMatch(new RegExp(`^${id}  interrupted  -  `, 'm'));
    const shown = await hokusai(['runs', 'show', id, '--store', killedStore], { cwd: work });
    expect(shown.stdout).toContain(`run ${id}: interrupted`);
    expect(shown.stdout).toMatch(/error: +its process \(pid \d+\) ended without recording an end/);
    expect(shown.stdout).toContain(`resume:   hokusai resume ${id} --store ${killedStore}`);
    const dry = jsonResult<{ pruned: { runId: string; status: string }[] }>((await hokusai(['--json', 'runs', 'prune', '--failed', '--dry-run', '--store', killedStore], { cwd: work })).stdout);
    expect(dry.pruned.map((r) => [r.runId, r.status])).toEqual([[id, 'interrupted']]);
    const resumed = await hokusai(['resume', id, '--store', killedStore], { cwd: work });
    expect(resumed.code).toBe(0);
    const after = jsonResult<{ runs: { runId: string; status: string; error: unknown }[] }>((await hokusai(['--json', 'runs', 'list', '--store', killedStore], { cwd: work })).stdout);
    expect(after.runs.map((r) => [r.runId, r.status, r.error])).toEqual([[id, 'finished', null]]);
  }, 120_000);
});

describe('hokusai runs', () => {
  it('lists the runs with status, verdict and time, and shows one', async () => {
    const list = await hokusai(['runs', 'list', '--store', store], { cwd: work });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${runId} +finished +accepted +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +${join(work, 'out')}$`, 'm'));
    const shown = await hokusai(['runs', 'show', runId, '--store', store], { cwd: work });
    expect(shown.stdout).toMatch(new RegExp(`run ${runId}: finished, ACCEPTED DeltaOne \\+\\d+\\.\\d\\d pp`));
    expect(shown.stdout).toContain(`report:   ${join(work, 'out', 'report.html')}`);
    const missing = await hokusai(['runs', 'show', 'hk-nope', '--store', store], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('HOKUSAI_RUN_NOT_FOUND');
  });

  it('open starts the platform opener on report.html, and prints the path when there is none', async () => {
    const opener = join(work, 'opener.sh');
    const opened = join(work, 'opened.txt');
    await writeFile(opener, `#!/bin/sh\nprintf '%s' "$1" > ${opened}\n`);
    await chmod(opener, 0o755);
    const ok = await hokusai(['runs', 'open', runId, '--store', store], { cwd: work, env: { HOKUSAI_OPENER: opener } });
    expect(ok.code).toBe(0);
    for (let i = 0; i < 50 && (await readFile(opened, 'utf8').catch(() => '')) === ''; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await readFile(opened, 'utf8')).toBe(join(work, 'out', 'report.html'));
    const none = await hokusai(['runs', 'open', runId, '--store', store], { cwd: work, env: { HOKUSAI_OPENER: join(work, 'no-such-opener') } });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain(`no browser opener found; the report is ${join(work, 'out', 'report.html')}`);
  });
});

describe('hokusai runs prune', () => {
  it('removes a failed streaming run\'s record and work folder, and nothing of a finished run', async () => {
    // Over a 100 MB budget the run streams: its loads write batch files to the work folder, then
    // the quality gate stops it in integrate and the folder stays for a resume.
    const config = join(work, 'failing.json');
    await writeFile(config, JSON.stringify({ resources: { memory: '100MB' }, quality: { threshold: 1 } }));
    const failed = await hokusai(['run', '-c', config, ...inputs, '--out', join(work, 'out-failed'), '--store', store], { cwd: work });
    expect(failed.stderr).toContain('HOKUSAI_QUALITY_BELOW_THRESHOLD');
    const failedId = /run (hk-[0-9a-f]+): writing/.exec(failed.stderr)?.[1] ?? '';
    expect(existsSync(join(store, 'work', failedId, 'inputs', 'base'))).toBe(true);

    // A run killed while it wrote an object leaves the object's temporary file: prune removes it.
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const leftover = join(store, 'objects', 'ff', `.${'f'.repeat(64)}.${dead}.0123456789ab.tmp`);
    await mkdir(dirname(leftover), { recursive: true });
    await writeFile(leftover, Buffer.alloc(5000));
    await utimes(leftover, new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));

    const usage = await hokusai(['runs', 'prune', '--store', store], { cwd: work });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('HOKUSAI_USAGE');
    const dry = jsonResult<{ dryRun: boolean; pruned: { runId: string; workBytes: number }[]; temporaries: unknown[] }>((await hokusai(['--json', 'runs', 'prune', '--failed', '--dry-run', '--store', store], { cwd: work })).stdout);
    expect(dry.pruned.map((r) => r.runId)).toEqual([failedId]);
    expect(dry.temporaries).toEqual([{ path: join('objects', 'ff', basename(leftover)), bytes: 5000, pid: dead }]);
    expect(dry.pruned[0]?.workBytes).toBeGreaterThan(0);
    expect(existsSync(join(store, 'work', failedId))).toBe(true);
    // It failed moments ago: a week's age spares it. A dead writer's file has no use at any age.
    const weekOld = await hokusai(['runs', 'prune', '--failed', '--older-than', '7d', '--store', store], { cwd: work });
    expect(weekOld.stdout).toContain('no failed runs to prune');
    expect(weekOld.stdout).toContain('removed 1 temporary file(s) killed writers left, 5.00 kB');
    expect(existsSync(leftover)).toBe(false);

    const pruned = await hokusai(['runs', 'prune', '--failed', '--store', store], { cwd: work });
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(new RegExp(`^removed ${failedId} +failed .+ work folder .+B$`, 'm'));
    expect(existsSync(join(store, 'work', failedId))).toBe(false);
    expect(pruned.stdout).not.toContain('temporary');
    expect((await hokusai(['runs', 'show', failedId, '--store', store], { cwd: work })).stderr).toContain('HOKUSAI_RUN_NOT_FOUND');
    // The finished run and its output folder are untouched.
    expect((await hokusai(['runs', 'show', runId, '--store', store], { cwd: work })).stdout).toContain(`run ${runId}: finished`);
    expect(existsSync(join(work, 'out', 'report.html'))).toBe(true);
  }, 120_000);
});

describe('--json', () => {
  it('run: one versioned document, camelCase keys, the verdict and every metric as a row', async () => {
    const r = await hokusai(['--json', 'run', ...inputs, '--out', join(work, 'json-out'), '--store', store], { cwd: work });
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; command: string; exitCode: number; result: Record<string, unknown> };
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'run', exitCode: r.code });
    expect(doc.result).toMatchObject({ runId: expect.stringMatching(/^hk-/), accepted: true, primaryMetric: 'accuracy', report: join(work, 'json-out', 'report.html') });
    expect((doc.result.metrics as { name: string }[]).map((m) => m.name)).toContain('log_loss');
    for (const key of keysOf(doc.result)) expect(key, key).not.toContain('_');
  }, 120_000);

  it('every command: the same envelope, with the error and exit code when it fails', async () => {
    const list = await hokusai(['--json', 'runs', 'list', '--store', store], { cwd: work });
    expect(JSON.parse(list.stdout)).toMatchObject({ schemaVersion: 1, command: 'runs list', exitCode: 0 });
    expect(jsonResult<{ runs: { runId: string; createdAt: string }[] }>(list.stdout).runs.map((x) => x.runId)).toContain(runId);
    const bad = await hokusai(['--json', 'run', '--seed', 'abc'], { cwd: work });
    expect(JSON.parse(bad.stdout)).toEqual({ schemaVersion: 1, command: 'run', exitCode: 2, error: { code: 'HOKUSAI_USAGE', kind: 'input', message: expect.stringContaining('--seed must be an integer') } });
    const usage = await hokusai(['--json', 'run', '--modle', 'x'], { cwd: work });
    expect(JSON.parse(usage.stdout)).toMatchObject({ schemaVersion: 1, command: 'run', exitCode: 2, error: { code: 'HOKUSAI_USAGE', message: expect.stringContaining('--modle') } });
  });
});
