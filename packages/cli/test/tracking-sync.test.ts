import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTracker } from '@hokusai/tracking';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonResult } from './run-cli.js';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

async function hokusai(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { env: merged });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('hokusai tracking sync', () => {
  let journal: string;
  beforeAll(async () => {
    journal = join(await mkdtemp(join(tmpdir(), 'hokusai-sync-cli-')), 'tracking', 'journal.jsonl');
    const tracker = await createTracker({ journalPath: journal, experimentName: 'cli' }, { env: {} });
    const run = await tracker.startRun({ name: 'r' });
    await run.logMetrics({ m: 1 });
    await run.end('FINISHED');
    await tracker.close();
  });

  it('without --to and without MLFLOW_TRACKING_URI is an input error (exit 2) that says what to do', async () => {
    const r = await hokusai(['tracking', 'sync', journal], { MLFLOW_TRACKING_URI: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pass --to <uri> or set MLFLOW_TRACKING_URI/);
  });

  it('defaults --to to MLFLOW_TRACKING_URI, exits 1 when calls were not delivered, says which and why, and never prints the URI password', async () => {
    const r = await hokusai(['tracking', 'sync', journal], { MLFLOW_TRACKING_URI: 'http://alice:s3cret-pw@127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/to http:\/\/\*\*\*@127\.0\.0\.1:9: .*[1-9]\d* failed/);
    expect(r.stdout).toMatch(/failed: startRun journal-[0-9a-f-]+#0: .*unreachable/);
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    expect(r.stdout + r.stderr).not.toContain('alice');
  });
});

describe('hokusai config show', () => {
  it('masks credentials of a tracking URI from the environment', async () => {
    const config = fileURLToPath(new URL('../../../examples/quickstart/hokusai.config.json', import.meta.url));
    const r = await hokusai(['--json', 'config', 'show', '--config', config], { MLFLOW_TRACKING_URI: 'https://alice:s3cret-pw@mlflow.example:5000' });
    expect(r.code).toBe(0);
    const shown = jsonResult<{ config: { tracking: { uri: string } } }>(r.stdout).config;
    expect(shown.tracking.uri).toBe('https://***@mlflow.example:5000');
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
  });
});

